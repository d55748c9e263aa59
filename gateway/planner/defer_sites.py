"""The @defer fragments of a client operation, numbered as ``normalize`` numbers them.

``normalize`` (operation.py) marks deferred fragments in document order with fragments
expanded where they are spread, statically skipped selections left out and the root's
introspection fields ignored; this walk does the same over the client's document, so that
site ``i`` here is ``DeferredBlock.index == i`` in the plan. It also says where each site is:
the response keys from the root to the deferred object and the static type there, which
incremental delivery needs to cut and shape the parts."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLCompositeType,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLUnionType,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    get_named_type,
)

from .defer_marks import defer_arguments
from .operation import _conditions

__all__ = ["DeferSite", "defer_sites"]


@dataclass(frozen=True, slots=True)
class DeferSite:
    index: int
    node: InlineFragmentNode | FragmentSpreadNode
    parent_type: GraphQLCompositeType
    keys: tuple[str, ...]  # client response keys from the root to the deferred object
    type_condition: str | None
    enclosing: int | None  # the site this one is nested in


def defer_sites(
    schema: GraphQLSchema,
    operation: OperationDefinitionNode,
    fragments: Mapping[str, FragmentDefinitionNode],
) -> tuple[DeferSite, ...]:
    root = schema.get_root_type(operation.operation)
    if root is None:
        return ()
    walk = _Walk(schema, fragments)
    walk.selections(operation.selection_set, root, (), None, top=True)
    return tuple(walk.sites)


class _Walk:
    def __init__(
        self, schema: GraphQLSchema, fragments: Mapping[str, FragmentDefinitionNode]
    ) -> None:
        self.schema = schema
        self.fragments = fragments
        self.sites: list[DeferSite] = []

    def selections(
        self,
        node: SelectionSetNode | None,
        parent: GraphQLCompositeType,
        keys: tuple[str, ...],
        enclosing: int | None,
        *,
        top: bool = False,
    ) -> None:
        if node is None:
            return
        for sel in node.selections:
            if _conditions(sel.directives or ()) is None:
                continue  # statically skipped: normalize leaves it out too
            if isinstance(sel, FieldNode):
                self.field(sel, parent, keys, enclosing, top)
                continue
            if isinstance(sel, InlineFragmentNode):
                tc = sel.type_condition.name.value if sel.type_condition else None
                body = sel.selection_set
            else:
                assert isinstance(sel, FragmentSpreadNode)
                definition = self.fragments[sel.name.value]
                tc, body = definition.type_condition.name.value, definition.selection_set
            inner = enclosing
            found = defer_arguments(sel)
            if found is not None and found[0]:
                inner = len(self.sites)
                self.sites.append(DeferSite(inner, sel, parent, keys, tc, enclosing))
            narrowed = self.schema.get_type(tc) if tc is not None else parent
            if not isinstance(
                narrowed, GraphQLObjectType | GraphQLInterfaceType | GraphQLUnionType
            ):
                narrowed = parent
            self.selections(body, narrowed, keys, inner, top=top)

    def field(
        self,
        sel: FieldNode,
        parent: GraphQLCompositeType,
        keys: tuple[str, ...],
        enclosing: int | None,
        top: bool,
    ) -> None:
        name = sel.name.value
        if top and name in ("__schema", "__type"):
            return
        if sel.selection_set is None or isinstance(parent, GraphQLUnionType):
            return
        definition = parent.fields.get(name)
        if definition is None:
            return
        named = get_named_type(definition.type)
        if isinstance(named, GraphQLObjectType | GraphQLInterfaceType | GraphQLUnionType):
            key = sel.alias.value if sel.alias else name
            self.selections(sel.selection_set, named, (*keys, key), enclosing)
