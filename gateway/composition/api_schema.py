"""The API schema of a supergraph: what clients see (no join/link machinery, no @inaccessible)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypeVar

from graphql import (
    DefinitionNode,
    DirectiveDefinitionNode,
    DocumentNode,
    GraphQLSchema,
    Node,
    SchemaDefinitionNode,
    SchemaExtensionNode,
    TypeDefinitionNode,
    build_ast_schema,
    lexicographic_sort_schema,
    parse,
    print_schema,
    value_from_ast_untyped,
)

from .events_spec import EVENT_DIRECTIVES

KEPT_DIRECTIVES = frozenset({"deprecated", "specifiedBy", "oneOf"})
MACHINERY_PREFIXES = (
    "join__",
    "link__",
    "policy__",
    "requiresScopes__",
    "federation__",
    "context__",
)
FEATURE_DIRECTIVES = frozenset(
    {
        "link",
        "tag",
        "inaccessible",
        "authenticated",
        "requiresScopes",
        "policy",
        "cost",
        "listSize",
        "context",
        *EVENT_DIRECTIVES,
    }
)
N = TypeVar("N", bound=Node)


def _copy(node: N, **changes: Any) -> N:
    values = {key: getattr(node, key, None) for key in node.keys if key != "loc"}
    values.update(changes)
    return type(node)(**values)


def _linked_names(doc: DocumentNode) -> dict[str, str]:
    """Spec directive name -> the name the supergraph imports it as (renamed @tag, ...)."""
    names: dict[str, str] = {}
    for node in doc.definitions:
        if not isinstance(node, SchemaDefinitionNode | SchemaExtensionNode):
            continue
        for directive in node.directives or ():
            args = {
                a.name.value: value_from_ast_untyped(a.value) for a in directive.arguments or ()
            }
            for item in args.get("import") or []:
                if isinstance(item, dict) and item.get("as"):
                    names[str(item["name"]).lstrip("@")] = str(item["as"]).lstrip("@")
    return names


@dataclass(frozen=True, slots=True)
class _Filter:
    inaccessible: str
    feature_directives: frozenset[str]

    def hidden(self, node: Any) -> bool:
        directives = getattr(node, "directives", None) or ()
        return any(d.name.value == self.inaccessible for d in directives)

    def clean(self, node: N) -> N:
        """Drop hidden children and all non-standard directive applications, recursively."""
        changes: dict[str, Any] = {}
        directives = getattr(node, "directives", None)
        if directives is not None:
            changes["directives"] = tuple(d for d in directives if d.name.value in KEPT_DIRECTIVES)
        for key in ("fields", "arguments", "values"):
            children = getattr(node, key, None)
            if children is not None and not isinstance(node, DirectiveDefinitionNode):
                changes[key] = tuple(self.clean(c) for c in children if not self.hidden(c))
        return _copy(node, **changes)

    def keep(self, definition: Node, hidden_types: set[str]) -> bool:
        if isinstance(definition, SchemaDefinitionNode | SchemaExtensionNode):
            return False
        name = getattr(getattr(definition, "name", None), "value", "")
        if isinstance(definition, DirectiveDefinitionNode):
            return name not in self.feature_directives and not name.startswith(MACHINERY_PREFIXES)
        if isinstance(definition, TypeDefinitionNode):
            return name not in hidden_types and not name.startswith(MACHINERY_PREFIXES)
        return True


def _without_hidden_members(node: DefinitionNode, hidden_types: set[str]) -> DefinitionNode:
    types = getattr(node, "types", None)
    interfaces = getattr(node, "interfaces", None)
    changes: dict[str, Any] = {}
    if types is not None:
        changes["types"] = tuple(t for t in types if t.name.value not in hidden_types)
    if interfaces is not None:
        changes["interfaces"] = tuple(i for i in interfaces if i.name.value not in hidden_types)
    return _copy(node, **changes) if changes else node


def api_document(supergraph_sdl: str) -> DocumentNode:
    doc = parse(supergraph_sdl, no_location=True)
    renamed = _linked_names(doc)
    keep = _Filter(
        inaccessible=renamed.get("inaccessible", "inaccessible"),
        feature_directives=FEATURE_DIRECTIVES | frozenset(renamed.values()),
    )
    hidden = {
        d.name.value
        for d in doc.definitions
        if isinstance(d, TypeDefinitionNode) and keep.hidden(d)
    }
    definitions = [
        _without_hidden_members(keep.clean(d), hidden)
        for d in doc.definitions
        if keep.keep(d, hidden)
    ]
    return DocumentNode(definitions=tuple(definitions))


def api_schema(supergraph_sdl: str) -> GraphQLSchema:
    return build_ast_schema(api_document(supergraph_sdl), assume_valid_sdl=True)


def print_api_schema(supergraph_sdl: str) -> str:
    """The API schema printed in a canonical (sorted) form, for comparisons."""
    return print_schema(lexicographic_sort_schema(api_schema(supergraph_sdl)))
