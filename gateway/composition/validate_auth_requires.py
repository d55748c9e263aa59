"""MISSING_TRANSITIVE_AUTH_REQUIREMENTS: a field with ``@requires`` must itself require at
least what the data it requires does.

A ``@requires`` field is computed from the required fields, so a client allowed to read it
but not them would read them through it. As Apollo's composition: the requiring field's
needs are its own and its type's (``@authenticated``, ``@requiresScopes``, ``@policy`` as
merged into the supergraph, so interfaces carry their implementations'); every field the
selection reaches must be covered, with its return type's needs, and so must the type of
each inline fragment. "Covered": authenticated if the other is; and for scopes and policies
(OR of ANDs) every alternative of the requiring field includes some alternative of the
other. One error per subgraph ``@requires``, naming the first field not covered.
(``@fromContext`` selections follow the same rule in Apollo; fedgate does not check them yet.)
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from graphql import ConstDirectiveNode, ScalarTypeDefinitionNode, parse, value_from_ast_untyped

from .context import MergeContext
from .fieldset import FieldSetSyntaxError, Selection, parse_fieldset
from .supergraph import MergedField, MergedType, Supergraph

__all__ = ["check_transitive_auth"]

Dnf = tuple[frozenset[str], ...]  # OR of ANDs
_TRUE: Dnf = (frozenset(),)
_NAMED = re.compile(r"\w+")


@dataclass(frozen=True, slots=True)
class _Needs:
    authenticated: bool = False
    scopes: Dnf = _TRUE
    policies: Dnf = _TRUE

    def and_(self, other: _Needs) -> _Needs:
        return _Needs(
            self.authenticated or other.authenticated,
            _conjunction(self.scopes, other.scopes),
            _conjunction(self.policies, other.policies),
        )

    def covers(self, other: _Needs) -> bool:
        return (
            (self.authenticated or not other.authenticated)
            and _implies(self.scopes, other.scopes)
            and _implies(self.policies, other.policies)
        )


def _conjunction(left: Dnf, right: Dnf) -> Dnf:
    return tuple(dict.fromkeys(a | b for a in left for b in right))


def _implies(first: Dnf, second: Dnf) -> bool:
    # each way of meeting `first` meets some alternative of `second`
    return all(any(b <= a for b in second) for a in first)


def _dnf(value: object) -> Dnf:
    # `[]` (no alternative) reads as "no requirement", as in Apollo
    if not isinstance(value, list) or not value:
        return _TRUE
    return tuple(frozenset(str(s) for s in (a if isinstance(a, list) else [a])) for a in value)


@lru_cache(maxsize=1024)
def _needs_of(applied: tuple[str, ...]) -> _Needs:
    needs = _Needs()
    for text in applied:
        name = text[1:].split("(", 1)[0]
        if name == "authenticated":
            needs = needs.and_(_Needs(authenticated=True))
        elif name in ("requiresScopes", "policy"):
            args = _arguments(text)
            if name == "requiresScopes":
                needs = needs.and_(_Needs(scopes=_dnf(args.get("scopes"))))
            else:
                needs = needs.and_(_Needs(policies=_dnf(args.get("policies"))))
    return needs


def _arguments(applied: str) -> dict[str, object]:
    definition = parse(f"scalar X {applied}", no_location=True).definitions[0]
    assert isinstance(definition, ScalarTypeDefinitionNode)
    directive: ConstDirectiveNode = (definition.directives or ())[0]
    return {a.name.value: value_from_ast_untyped(a.value) for a in directive.arguments or ()}


class _Checker:
    def __init__(self, supergraph: Supergraph) -> None:
        self.types = {t.name: t for t in supergraph.types}

    def type_needs(self, name: str) -> _Needs:
        t = self.types.get(name)
        return _needs_of(t.applied) if t is not None else _Needs()

    def uncovered(
        self, needs: _Needs, parent: MergedType, selections: tuple[Selection, ...]
    ) -> str | None:
        """The first element of ``selections`` (on ``parent``) ``needs`` does not cover."""
        for s in selections:
            if not s.name:  # an inline fragment
                target = self.types.get(s.type_condition or parent.name, parent)
                if s.type_condition and not needs.covers(self.type_needs(target.name)):
                    return f'data in inline fragment type condition "{target.name}"'
                found = self.uncovered(needs, target, s.selections)
            else:
                found = self.uncovered_field(needs, parent, s)
            if found is not None:
                return found
        return None

    def uncovered_field(self, needs: _Needs, parent: MergedType, s: Selection) -> str | None:
        f = parent.field(s.name)
        if f is None:  # __typename, or a selection other rules report
            return None
        returned = _NAMED.search(f.type)
        returned_type = returned.group(0) if returned else ""
        if not needs.covers(_needs_of(f.applied)) or not needs.covers(
            self.type_needs(returned_type)
        ):
            return f'field "{parent.name}.{f.name}" data'
        target = self.types.get(returned_type)
        return self.uncovered(needs, target, s.selections) if target is not None else None


def check_transitive_auth(ctx: MergeContext, supergraph: Supergraph) -> None:
    checker = _Checker(supergraph)
    graph_names = {ctx.graph(sg): sg.name for sg in ctx.subgraphs}
    for t in supergraph.types:
        for f in t.fields:
            for graph, requires in _requires(f):
                needs = checker.type_needs(t.name).and_(_needs_of(f.applied))
                try:
                    selections = parse_fieldset(requires)
                except FieldSetSyntaxError:
                    continue  # REQUIRES_INVALID_FIELDS, reported per subgraph
                found = checker.uncovered(needs, t, selections)
                if found is not None:
                    _report(ctx, f"{t.name}.{f.name}", graph_names.get(graph, graph), found)


def _requires(f: MergedField) -> list[tuple[str, str]]:
    return [(j.graph or "", j.requires) for j in f.joins if j.requires]


def _report(ctx: MergeContext, coordinate: str, subgraph: str, found: str) -> None:
    ctx.error(
        "MISSING_TRANSITIVE_AUTH_REQUIREMENTS",
        f'[{subgraph}] Field "{coordinate}" does not specify necessary @authenticated, '
        f"@requiresScopes and/or @policy auth requirements to access the transitive {found} "
        "from @requires selection set.",
        element=coordinate,
        subgraphs=(subgraph,),
        locations=tuple(loc for name, loc in ctx.locate(coordinate) if name == subgraph),
        fix=f'Give "{coordinate}" at least the @authenticated, @requiresScopes and @policy '
        "requirements of the data its @requires selects.",
    )
