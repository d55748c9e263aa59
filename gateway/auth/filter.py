"""Removes the parts of an operation a request may not read, before planning (Apollo's
semantics): a field whose need fails, an inline fragment or fragment spread on a type whose
need fails, and a field whose whole selection went. Each removal is one path, in Apollo's
form (response keys, ``@`` for a list position, ``... on T`` for a fragment). Fragment spreads
become inline fragments in the filtered operation: the same fragment may be cut differently
at two places. So no subgraph is ever asked for a removed field.

``needs`` walks the same way without removing: the union of what the operation could need,
which keys the plan cache (two requests with the same answer to these needs share a plan).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLList,
    GraphQLNonNull,
    GraphQLSchema,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    get_named_type,
)
from graphql.type import GraphQLNamedType, GraphQLOutputType

from .requirements import Access, Need, Requirements

__all__ = ["Filtered", "OperationNeeds", "filter_operation", "operation_needs"]

PathKey = str  # response key, "@" (list item) or "... on T"


@dataclass(frozen=True, slots=True)
class OperationNeeds:
    """What an operation's elements mention: the parts of a request's access that matter."""

    authenticated: bool = False
    scopes: frozenset[str] = frozenset()
    policies: frozenset[str] = frozenset()

    def __bool__(self) -> bool:
        return self.authenticated or bool(self.scopes) or bool(self.policies)


@dataclass(frozen=True, slots=True)
class Filtered:
    """``operation``: None when nothing at all is left; ``paths``: what was removed."""

    operation: OperationDefinitionNode | None
    paths: tuple[tuple[PathKey, ...], ...]


class _Walk:
    __slots__ = ("access", "fragments", "paths", "reqs", "schema", "seen")

    def __init__(
        self,
        schema: GraphQLSchema,
        reqs: Requirements,
        fragments: Mapping[str, FragmentDefinitionNode],
        access: Access | None,
    ) -> None:
        self.schema = schema
        self.reqs = reqs
        self.fragments = fragments
        self.access = access  # None: collect needs, remove nothing
        self.paths: list[tuple[PathKey, ...]] = []
        self.seen: list[Need] = []

    def denied(self, need: Need, path: tuple[PathKey, ...]) -> bool:
        if not need:
            return False
        if self.access is None:
            self.seen.append(need)
            return False
        if need.allows(self.access):
            return False
        self.paths.append(path)
        return True

    def selection_set(
        self, sel: SelectionSetNode, parent: GraphQLNamedType, path: tuple[PathKey, ...]
    ) -> SelectionSetNode | None:
        kept: list[FieldNode | InlineFragmentNode] = []
        changed = False
        for node in sel.selections:
            out = self.selection(node, parent, path)
            if out is not node:
                changed = True
            if out is not None:
                kept.append(out)
        if not kept:
            return None
        return SelectionSetNode(selections=tuple(kept)) if changed else sel

    def selection(
        self, node: object, parent: GraphQLNamedType, path: tuple[PathKey, ...]
    ) -> FieldNode | InlineFragmentNode | None:
        if isinstance(node, FieldNode):
            return self.field(node, parent, path)
        if isinstance(node, InlineFragmentNode):
            cond = node.type_condition
            inner = self.schema.get_type(cond.name.value) if cond is not None else parent
            assert inner is not None  # validated
            if cond is not None and self.denied(
                self.reqs.type(inner.name), (*path, f"... on {inner.name}")
            ):
                return None
            sub = self.selection_set(node.selection_set, inner, path)
            if sub is None:
                return None
            if sub is node.selection_set:
                return node
            return replace(node, selection_set=sub)
        assert isinstance(node, FragmentSpreadNode)
        fragment = self.fragments[node.name.value]
        inner = self.schema.get_type(fragment.type_condition.name.value)
        assert inner is not None  # validated
        if self.denied(self.reqs.type(inner.name), (*path, f"... on {inner.name}")):
            return None
        sub = self.selection_set(fragment.selection_set, inner, path)
        if sub is None:
            return None
        return InlineFragmentNode(
            type_condition=fragment.type_condition, directives=node.directives, selection_set=sub
        )

    def field(
        self, node: FieldNode, parent: GraphQLNamedType, path: tuple[PathKey, ...]
    ) -> FieldNode | None:
        name = node.name.value
        if name.startswith("__"):
            return node
        here = (*path, node.alias.value if node.alias else name)
        if self.denied(self.reqs.field(parent.name, name), here):
            return None
        if node.selection_set is None:
            return node
        definition = parent.fields[name]  # type: ignore[attr-defined]
        inner = get_named_type(definition.type)
        inner_path = (*here, "@") if _is_list(definition.type) else here
        sub = self.selection_set(node.selection_set, inner, inner_path)
        if sub is None:
            return None
        if sub is node.selection_set:
            return node
        return replace(node, selection_set=sub)


def _is_list(t: GraphQLOutputType) -> bool:
    if isinstance(t, GraphQLNonNull):
        t = t.of_type
    return isinstance(t, GraphQLList)


def _root(schema: GraphQLSchema, operation: OperationDefinitionNode) -> GraphQLNamedType:
    root = schema.get_root_type(operation.operation)
    assert root is not None  # validated
    return root


def operation_needs(
    schema: GraphQLSchema,
    reqs: Requirements,
    operation: OperationDefinitionNode,
    fragments: Mapping[str, FragmentDefinitionNode],
) -> OperationNeeds:
    walk = _Walk(schema, reqs, fragments, None)
    walk.selection_set(operation.selection_set, _root(schema, operation), ())
    return OperationNeeds(
        any(n.authenticated for n in walk.seen),
        frozenset(s for n in walk.seen for d in n.scopes for c in d for s in c),
        frozenset(p for n in walk.seen for d in n.policies for c in d for p in c),
    )


def filter_operation(
    schema: GraphQLSchema,
    reqs: Requirements,
    operation: OperationDefinitionNode,
    fragments: Mapping[str, FragmentDefinitionNode],
    access: Access,
) -> Filtered:
    walk = _Walk(schema, reqs, fragments, access)
    sub = walk.selection_set(operation.selection_set, _root(schema, operation), ())
    if not walk.paths:
        return Filtered(operation, ())
    if sub is None:
        return Filtered(None, tuple(walk.paths))
    return Filtered(replace(operation, selection_set=sub), tuple(walk.paths))
