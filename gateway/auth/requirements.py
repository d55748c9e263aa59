"""What the supergraph's authorization directives require, read once per supergraph.

``@authenticated``, ``@requiresScopes(scopes:)`` and ``@policy(policies:)`` (linked from
https://specs.apollo.dev/authenticated, /requiresScopes, /policy, under whatever local name
the ``@link`` gives them) on objects, interfaces, scalars, enums and fields. A field's
``Need`` is its own, its return type's, and (Apollo's transitive rule, which Apollo's
composition enforces with MISSING_TRANSITIVE_AUTH_REQUIREMENTS) the needs of every field its
``@requires`` selects: a client that may not read the required data may not read the field
computed from it, whatever tool composed the supergraph.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from graphql import (
    ConstDirectiveNode,
    DocumentNode,
    FieldNode,
    InlineFragmentNode,
    SchemaDefinitionNode,
    SelectionSetNode,
    TypeDefinitionNode,
    parse,
    value_from_ast_untyped,
)
from graphql.language import FieldDefinitionNode

from gateway.spec.link import Link, parse_feature_url
from gateway.supergraph import Supergraph, parse_sdl

__all__ = ["AUTH_FEATURES", "Access", "Need", "Requirements"]

# the linked features whose directives this module reads
AUTH_FEATURES = ("authenticated", "requiresScopes", "policy")
Dnf = tuple[frozenset[str], ...]  # OR of ANDs


@dataclass(frozen=True, slots=True)
class Access:
    """What one request may do: part of the plan cache key, so only what the operation's
    requirements mention is kept (``Requirements.access_for``)."""

    authenticated: bool = False
    scopes: frozenset[str] = frozenset()
    policies: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class Need:
    """Every part must hold: authenticated, each scope DNF, each policy DNF."""

    authenticated: bool = False
    scopes: tuple[Dnf, ...] = ()
    policies: tuple[Dnf, ...] = ()

    def __bool__(self) -> bool:
        return self.authenticated or bool(self.scopes) or bool(self.policies)

    def allows(self, access: Access) -> bool:
        if self.authenticated and not access.authenticated:
            return False
        return _holds(self.scopes, access.scopes) and _holds(self.policies, access.policies)

    def and_(self, other: Need) -> Need:
        if not other:
            return self
        if not self:
            return other
        return Need(
            self.authenticated or other.authenticated,
            _union(self.scopes, other.scopes),
            _union(self.policies, other.policies),
        )


def _holds(dnfs: tuple[Dnf, ...], granted: frozenset[str]) -> bool:
    # an empty OR list cannot be met: fail closed
    return all(any(conj <= granted for conj in dnf) for dnf in dnfs)


def _union(a: tuple[Dnf, ...], b: tuple[Dnf, ...]) -> tuple[Dnf, ...]:
    return a + tuple(d for d in b if d not in a)


NO_NEED = Need()


class Requirements:
    """Needs by type name and by (type, field); ``scopes``/``policies``: every name used."""

    def __init__(self, types: Mapping[str, Need], fields: Mapping[tuple[str, str], Need]) -> None:
        self.types = dict(types)
        self.fields = dict(fields)
        needs = [*self.types.values(), *self.fields.values()]
        self.scopes = frozenset(s for n in needs for d in n.scopes for c in d for s in c)
        self.policies = frozenset(p for n in needs for d in n.policies for c in d for p in c)

    def __bool__(self) -> bool:
        return bool(self.types or self.fields)

    def field(self, parent: str, name: str) -> Need:
        return self.fields.get((parent, name), NO_NEED)

    def type(self, name: str) -> Need:
        return self.types.get(name, NO_NEED)

    @classmethod
    def of(cls, supergraph: Supergraph) -> Requirements:
        if not any(f"/{feature}/" in supergraph.sdl for feature in AUTH_FEATURES):
            # the usual case, no authorization feature linked (its URL would name it): no
            # second parse of the supergraph (seconds for a large one, before fast_parse)
            return cls({}, {})
        document = parse_sdl(supergraph.sdl)
        names = _local_names(document)
        if not names:
            return cls({}, {})
        types: dict[str, Need] = {}
        own: dict[tuple[str, str], Need] = {}
        for node in document.definitions:
            if not isinstance(node, TypeDefinitionNode):
                continue
            need = _need(node.directives, names)
            if need:
                types[node.name.value] = need
            for f in getattr(node, "fields", None) or ():
                if isinstance(f, FieldDefinitionNode):
                    field_need = _need(f.directives, names)
                    if field_need:
                        own[(node.name.value, f.name.value)] = field_need
        return cls(types, _with_types_and_requires(supergraph, types, own))


def _local_names(document: DocumentNode) -> dict[str, str]:
    """local directive name → feature name, for the linked authorization features."""
    out: dict[str, str] = {}
    for node in document.definitions:
        if not isinstance(node, SchemaDefinitionNode):
            continue
        for d in node.directives or ():
            if d.name.value != "link":
                continue
            args = _args(d)
            url = parse_feature_url(str(args.get("url", "")))
            if url is None or url.name not in AUTH_FEATURES:
                continue
            imports = [
                (str(i), str(i))
                if isinstance(i, str)
                else (str(i["name"]), str(i.get("as", i["name"])))
                for i in args.get("import") or ()
                if isinstance(i, str) or (isinstance(i, dict) and "name" in i)
            ]
            link = Link(url, str(args.get("as") or url.name), None, tuple(imports))
            out[link.directive_name(url.name)] = url.name
    return out


def _args(directive: ConstDirectiveNode) -> dict[str, Any]:
    return {a.name.value: value_from_ast_untyped(a.value) for a in directive.arguments or ()}


def _need(directives: Iterable[ConstDirectiveNode] | None, names: Mapping[str, str]) -> Need:
    need = NO_NEED
    for d in directives or ():
        feature = names.get(d.name.value)
        if feature == "authenticated":
            need = need.and_(Need(authenticated=True))
        elif feature == "requiresScopes":
            need = need.and_(Need(scopes=(_dnf(_args(d).get("scopes")),)))
        elif feature == "policy":
            need = need.and_(Need(policies=(_dnf(_args(d).get("policies")),)))
    return need


def _dnf(value: Any) -> Dnf:
    if not isinstance(value, list):
        return ()
    return tuple(frozenset(str(s) for s in conj) for conj in value if isinstance(conj, list))


def _with_types_and_requires(
    supergraph: Supergraph, types: Mapping[str, Need], own: Mapping[tuple[str, str], Need]
) -> dict[tuple[str, str], Need]:
    """Each field's need: its own and its return type's, then its @requires selections'."""
    base: dict[tuple[str, str], Need] = {}
    for tdef in supergraph.types.values():
        for fdef in tdef.fields.values():
            need = own.get((tdef.name, fdef.name), NO_NEED).and_(
                types.get(fdef.type.named, NO_NEED)
            )
            if need:
                base[(tdef.name, fdef.name)] = need
    out = dict(base)
    for tdef in supergraph.types.values():
        for fdef in tdef.fields.values():
            for join in fdef.joins:
                if not join.requires:
                    continue
                needed = _selected(supergraph, tdef.name, join.requires)
                need = out.get((tdef.name, fdef.name), NO_NEED)
                for coordinate in needed:
                    need = need.and_(base.get(coordinate, NO_NEED))
                if need:
                    out[(tdef.name, fdef.name)] = need
    return out


def _selected(supergraph: Supergraph, parent: str, fieldset: str) -> list[tuple[str, str]]:
    try:
        document = parse("{" + fieldset + "}", no_location=True)
    except Exception:
        return []  # the loader accepted it; a field set we cannot read adds nothing
    selection = document.definitions[0].selection_set  # type: ignore[attr-defined]
    found: list[tuple[str, str]] = []
    _walk(supergraph, parent, selection, found)
    return found


def _walk(
    supergraph: Supergraph, parent: str, selection: SelectionSetNode, found: list[tuple[str, str]]
) -> None:
    for node in selection.selections:
        if isinstance(node, FieldNode):
            found.append((parent, node.name.value))
            tdef = supergraph.types.get(parent)
            fdef = tdef.fields.get(node.name.value) if tdef is not None else None
            if node.selection_set is not None and fdef is not None:
                _walk(supergraph, fdef.type.named, node.selection_set, found)
        elif isinstance(node, InlineFragmentNode):
            inner = node.type_condition.name.value if node.type_condition else parent
            _walk(supergraph, inner, node.selection_set, found)
