"""The API schema of a supergraph: what clients see (no join/link machinery, no @inaccessible)."""

from __future__ import annotations

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
)

KEPT_DIRECTIVES = frozenset({"deprecated", "specifiedBy", "oneOf"})
MACHINERY_PREFIXES = ("join__", "link__", "policy__", "requiresScopes__", "federation__")
FEATURE_DIRECTIVES = frozenset(
    {"link", "tag", "inaccessible", "authenticated", "requiresScopes", "policy", "cost", "listSize"}
)
N = TypeVar("N", bound=Node)


def _copy(node: N, **changes: Any) -> N:
    values = {key: getattr(node, key, None) for key in node.keys if key != "loc"}
    values.update(changes)
    return type(node)(**values)


def _hidden(node: Any) -> bool:
    return any(d.name.value == "inaccessible" for d in getattr(node, "directives", None) or ())


def _clean(node: N) -> N:
    """Drop hidden children and all non-standard directive applications, recursively."""
    changes: dict[str, Any] = {}
    directives = getattr(node, "directives", None)
    if directives is not None:
        changes["directives"] = tuple(d for d in directives if d.name.value in KEPT_DIRECTIVES)
    for key in ("fields", "arguments", "values"):
        children = getattr(node, key, None)
        if children is not None and not isinstance(node, DirectiveDefinitionNode):
            changes[key] = tuple(_clean(c) for c in children if not _hidden(c))
    return _copy(node, **changes)


def _keep(definition: Node, hidden_types: set[str]) -> bool:
    if isinstance(definition, SchemaDefinitionNode | SchemaExtensionNode):
        return False
    if isinstance(definition, DirectiveDefinitionNode):
        name = definition.name.value
        return name not in FEATURE_DIRECTIVES and not name.startswith(MACHINERY_PREFIXES)
    if isinstance(definition, TypeDefinitionNode):
        name = definition.name.value
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
    hidden = {
        d.name.value for d in doc.definitions if isinstance(d, TypeDefinitionNode) and _hidden(d)
    }
    definitions = [
        _without_hidden_members(_clean(d), hidden) for d in doc.definitions if _keep(d, hidden)
    ]
    return DocumentNode(definitions=tuple(definitions))


def api_schema(supergraph_sdl: str) -> GraphQLSchema:
    return build_ast_schema(api_document(supergraph_sdl), assume_valid_sdl=True)


def print_api_schema(supergraph_sdl: str) -> str:
    """The API schema printed in a canonical (sorted) form, for comparisons."""
    return print_schema(lexicographic_sort_schema(api_schema(supergraph_sdl)))


__all__ = ["api_document", "api_schema", "print_api_schema"]
