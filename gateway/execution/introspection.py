"""Introspection (``__schema``/``__type`` at the root) answered by the gateway.

graphql-core executes just those root fields against the API schema; that is not merged data,
so using its executor here does not break the no-``execute``-on-the-hot-path rule (and the
result is cached per operation when it uses no variables).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLSchema,
    InlineFragmentNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    VariableNode,
    execute_sync,
    visit,
)
from graphql.language import Visitor

from .shape_compile import INTROSPECTION_FIELDS

__all__ = ["Introspection"]


class Introspection:
    """The introspection part of one operation, or ``None`` from ``of`` when there is none."""

    __slots__ = ("_cached", "_document", "_schema", "uses_variables")

    def __init__(self, schema: GraphQLSchema, document: DocumentNode, uses_variables: bool) -> None:
        self._schema = schema
        self._document = document
        self.uses_variables = uses_variables
        self._cached: tuple[dict[str, Any], list[dict[str, Any]]] | None = None

    @classmethod
    def of(
        cls,
        schema: GraphQLSchema,
        operation: OperationDefinitionNode,
        fragments: Mapping[str, FragmentDefinitionNode],
    ) -> Introspection | None:
        if operation.operation is not OperationType.QUERY:
            return None
        fields: list[FieldNode] = []
        _root_fields(operation.selection_set, fragments, fields, set())
        if not fields:
            return None
        selection_set = SelectionSetNode(selections=tuple(fields))
        op = OperationDefinitionNode(
            operation=OperationType.QUERY,
            variable_definitions=operation.variable_definitions,
            directives=(),
            selection_set=selection_set,
        )
        document = DocumentNode(definitions=(op, *fragments.values()))
        return cls(schema, document, _uses_variables(selection_set, fragments))

    def execute(self, variables: Mapping[str, Any]) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        """(data by response key, formatted errors)."""
        if self._cached is not None:
            return self._cached
        result = execute_sync(self._schema, self._document, variable_values=dict(variables))
        out = (dict(result.data or {}), [dict(e.formatted) for e in result.errors or ()])
        if not self.uses_variables:
            self._cached = out
        return out


def _root_fields(
    selection_set: SelectionSetNode,
    fragments: Mapping[str, FragmentDefinitionNode],
    out: list[FieldNode],
    visited: set[str],
) -> None:
    # skip/include are left to shaping (resolved per request); here every candidate runs.
    for sel in selection_set.selections:
        if isinstance(sel, FieldNode):
            if sel.name.value in INTROSPECTION_FIELDS:
                out.append(
                    FieldNode(
                        alias=sel.alias,
                        name=sel.name,
                        arguments=sel.arguments,
                        directives=(),
                        selection_set=sel.selection_set,
                    )
                )
        elif isinstance(sel, InlineFragmentNode):
            _root_fields(sel.selection_set, fragments, out, visited)
        elif isinstance(sel, FragmentSpreadNode) and sel.name.value not in visited:
            visited.add(sel.name.value)
            frag = fragments.get(sel.name.value)
            if frag is not None:
                _root_fields(frag.selection_set, fragments, out, visited)


def _uses_variables(
    selection_set: SelectionSetNode, fragments: Mapping[str, FragmentDefinitionNode]
) -> bool:
    found = False

    class _Finder(Visitor):
        def enter_variable(self, node: VariableNode, *_: Any) -> None:
            nonlocal found
            found = True

    visit(selection_set, _Finder())
    for frag in fragments.values():
        visit(frag, _Finder())
    return found
