"""Response shapes for incremental delivery: the operation with the deferred fragments of
this request left out (the first part), and one deferred fragment's selection on its object
(a later part). Compiled once per combination of @skip/@include values and active defers."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from graphql import (
    FragmentDefinitionNode,
    GraphQLCompositeType,
    GraphQLObjectType,
    GraphQLSchema,
    SelectionSetNode,
)

from .shape_compile import SelectionShape, ShapeCompiler

__all__ = ["DeferShapeCompiler", "fragment_shape", "primary_shape"]


class DeferShapeCompiler(ShapeCompiler):
    """A shape compiler that leaves out the fragments in ``excluded`` (by node identity):
    those delivered in another part."""

    __slots__ = ("excluded",)

    def __init__(
        self,
        schema: GraphQLSchema,
        fragments: Mapping[str, FragmentDefinitionNode],
        conditions: Mapping[str, Any],
        excluded: frozenset[int],
    ) -> None:
        super().__init__(schema, fragments, conditions)
        self.excluded = excluded

    def _included(self, node: Any) -> bool:
        if id(node) in self.excluded:
            return False
        return super()._included(node)


def primary_shape(
    schema: GraphQLSchema,
    root: GraphQLObjectType,
    selection_set: SelectionSetNode,
    fragments: Mapping[str, FragmentDefinitionNode],
    conditions: Mapping[str, Any],
    deferred: frozenset[int],
) -> SelectionShape:
    compiler = DeferShapeCompiler(schema, fragments, conditions, deferred)
    return compiler.root(root, selection_set)


def fragment_shape(
    schema: GraphQLSchema,
    parent: GraphQLCompositeType,
    node: Any,
    fragments: Mapping[str, FragmentDefinitionNode],
    conditions: Mapping[str, Any],
    deferred: frozenset[int],
) -> SelectionShape:
    """The shape of deferred fragment ``node`` on its object (``deferred``: the other
    deferred fragments, delivered in parts of their own)."""
    compiler = DeferShapeCompiler(schema, fragments, conditions, deferred - {id(node)})
    return SelectionShape(parent, (SelectionSetNode(selections=(node,)),), compiler)


def fragment_included(
    compiler_conditions: Mapping[str, Any], node: Any, schema: GraphQLSchema
) -> bool:
    """Whether @skip/@include let the deferred fragment itself in."""
    return ShapeCompiler(schema, {}, compiler_conditions)._included(node)
