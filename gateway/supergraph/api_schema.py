"""The API schema: what clients see. The supergraph minus the link/join machinery, minus every
``@inaccessible`` element (types, fields, arguments, enum values, input fields), minus the
directives of linked specs. Used for validation and introspection."""

from __future__ import annotations

from typing import Any, TypeVar

from graphql import (
    DirectiveDefinitionNode,
    DocumentNode,
    EnumTypeDefinitionNode,
    GraphQLDeferDirective,
    GraphQLError,
    GraphQLSchema,
    Node,
    SchemaDefinitionNode,
    TypeDefinitionNode,
    UnionTypeDefinitionNode,
    build_ast_schema,
    validate_schema,
)

from ..errors import SupergraphError
from .names import FeatureNames
from .sdl_checks import certainly_valid
from .sdl_nodes import replace_node

__all__ = ["api_definitions", "build_api_schema"]

N = TypeVar("N", bound=Node)


def build_api_schema(document: DocumentNode, names: FeatureNames, source: str) -> GraphQLSchema:
    definitions = api_definitions(document, names)
    # graphql-core's SDL validation (a visitor over every node) only when our own loops over
    # the same rules are not sure the document passes it: sdl_checks.py
    valid = certainly_valid(definitions)
    try:
        schema = build_ast_schema(
            DocumentNode(definitions=tuple(definitions)), assume_valid_sdl=valid
        )
    except (GraphQLError, TypeError) as error:
        raise SupergraphError(f"{source}: cannot build the API schema: {error}") from None
    errors = validate_schema(schema)
    if errors:
        detail = "; ".join(e.message for e in errors[:5])
        raise SupergraphError(f"{source}: the API schema is invalid: {detail}")
    return _with_defer(schema)


def api_definitions(document: DocumentNode, names: FeatureNames) -> list[Any]:
    """The supergraph's definitions as clients see them."""
    hidden = _inaccessible_types(document, names)
    definitions: list[Any] = []
    for definition in document.definitions:
        if isinstance(definition, SchemaDefinitionNode):
            definitions.append(_strip(definition, names))
        elif isinstance(definition, DirectiveDefinitionNode):
            if not names.is_machinery_directive(definition.name.value):
                definitions.append(definition)
        elif isinstance(definition, TypeDefinitionNode):
            name = definition.name.value
            if not names.is_machinery_type(name) and name not in hidden:
                definitions.append(_clean_type(definition, names, hidden))
    return definitions


def _with_defer(schema: GraphQLSchema) -> GraphQLSchema:
    """Clients may send ``@defer`` (Apollo Client does), as Apollo Router's API schema allows:
    validated with graphql-core's defer rules, then answered whole — the incremental-delivery
    spec lets a server deliver deferred fields in the first payload (docs/defer.md)."""
    if any(d.name == "defer" for d in schema.directives):
        return schema  # the supergraph defines its own: keep it
    kwargs = schema.to_kwargs()
    kwargs["directives"] = (*schema.directives, GraphQLDeferDirective)
    return GraphQLSchema(**kwargs)


def _inaccessible_types(document: DocumentNode, names: FeatureNames) -> set[str]:
    return {
        d.name.value
        for d in document.definitions
        if isinstance(d, TypeDefinitionNode) and names.has_inaccessible(d.directives)
    }


def _strip(node: N, names: FeatureNames) -> N:
    """A copy of ``node`` without directives that belong to linked specs."""
    directives = getattr(node, "directives", None)
    if not directives:
        return node
    kept = tuple(d for d in directives if not names.is_machinery_directive(d.name.value))
    changed: N = replace_node(node, {"directives": kept})
    return changed


def _clean_type(node: TypeDefinitionNode, names: FeatureNames, hidden: set[str]) -> Any:
    changes: dict[str, Any] = {}
    fields = getattr(node, "fields", None)
    if fields is not None:
        changes["fields"] = tuple(
            _clean_field(f, names, hidden) for f in fields if _visible(f, names, hidden)
        )
    if isinstance(node, EnumTypeDefinitionNode):
        changes["values"] = tuple(
            _strip(v, names) for v in node.values or () if not names.has_inaccessible(v.directives)
        )
    if isinstance(node, UnionTypeDefinitionNode):
        changes["types"] = tuple(t for t in node.types or () if t.name.value not in hidden)
    interfaces = getattr(node, "interfaces", None)
    if interfaces:
        changes["interfaces"] = tuple(i for i in interfaces if i.name.value not in hidden)
    return replace_node(_strip(node, names), changes)


def _visible(node: Any, names: FeatureNames, hidden: set[str]) -> bool:
    return not names.has_inaccessible(node.directives) and _named(node.type) not in hidden


def _clean_field(node: Any, names: FeatureNames, hidden: set[str]) -> Any:
    clone = _strip(node, names)
    arguments = getattr(node, "arguments", None)
    if arguments:
        kept = tuple(_strip(a, names) for a in arguments if _visible(a, names, hidden))
        clone = replace_node(clone, {"arguments": kept})
    return clone


def _named(type_node: Any) -> str:
    while not hasattr(type_node, "name"):
        type_node = type_node.type
    return str(type_node.name.value)
