"""The client operation, normalised for planning.

Named fragments are inlined, ``@skip``/``@include`` with literal arguments are applied, and
``@skip``/``@include`` on variables are kept (as ``conditions``) on the selection they guard.
Introspection root fields (``__schema``, ``__type``) are left out: the gateway answers them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TypeAlias

from graphql import (
    ArgumentNode,
    BooleanValueNode,
    DirectiveNode,
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    VariableDefinitionNode,
    VariableNode,
    print_ast,
)

from ..errors import PlanningError
from .defer_marks import DeferCounter, DeferMark, defer_mark

__all__ = [
    "TYPENAME_ALIAS",
    "Cond",
    "Field",
    "Fragment",
    "Operation",
    "Selection",
    "normalize",
    "print_arguments",
]


@dataclass(frozen=True, slots=True)
class Cond:
    """``@include(if: $variable)`` (``include=True``) or ``@skip(if: $variable)``."""

    variable: str
    include: bool

    def directive(self) -> str:
        return f"@{'include' if self.include else 'skip'}(if: ${self.variable})"


@dataclass(frozen=True, slots=True)
class Field:
    name: str
    alias: str | None = None
    arguments: tuple[ArgumentNode, ...] = ()
    conditions: tuple[Cond, ...] = ()
    selections: tuple[Selection, ...] = ()

    @property
    def response_key(self) -> str:
        return self.alias or self.name

    @property
    def arguments_text(self) -> str:
        return print_arguments(self.arguments)


@dataclass(frozen=True, slots=True)
class Fragment:
    type_condition: str | None
    selections: tuple[Selection, ...]
    conditions: tuple[Cond, ...] = ()
    # @defer: set only when the planner plans incremental delivery (planner/defer.py)
    defer: DeferMark | None = None


Selection: TypeAlias = Field | Fragment


@dataclass(frozen=True, slots=True)
class Operation:
    kind: str  # query | mutation | subscription
    name: str | None
    root_type: str
    selections: tuple[Selection, ...]
    variable_definitions: Mapping[str, VariableDefinitionNode]


def print_arguments(arguments: Iterable[ArgumentNode]) -> str:
    args = list(arguments)
    if not args:
        return ""
    return "(" + ", ".join(f"{a.name.value}: {print_ast(a.value)}" for a in args) + ")"


def select_operation(document: DocumentNode, name: str | None) -> OperationDefinitionNode:
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if name is None:
        if len(operations) != 1:
            raise PlanningError(
                "Must provide operation name if query contains multiple operations.",
                code="OPERATION_RESOLUTION_FAILURE",
            )
        return operations[0]
    for op in operations:
        if op.name is not None and op.name.value == name:
            return op
    raise PlanningError(f'Unknown operation named "{name}".', code="OPERATION_RESOLUTION_FAILURE")


def normalize(
    document: DocumentNode,
    operation_name: str | None,
    root_types: Mapping[str, str | None],
    *,
    defer: bool = False,
) -> Operation:
    """``defer``: mark the @defer fragments of a query (``Fragment.defer``) for incremental
    delivery; without it they are plain fragments (answered whole)."""
    op = select_operation(document, operation_name)
    kind = op.operation.value
    root = root_types.get(kind)
    if root is None:
        raise PlanningError(f"The schema has no {kind} type.", code="OPERATION_RESOLUTION_FAILURE")
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    counter = DeferCounter() if defer and kind == "query" else None
    selections = _selections(op.selection_set, fragments, top=True, defers=counter)
    return Operation(
        kind=kind,
        name=op.name.value if op.name else None,
        root_type=root,
        selections=selections,
        variable_definitions={v.variable.name.value: v for v in op.variable_definitions or ()},
    )


def _selections(
    node: SelectionSetNode | None,
    fragments: Mapping[str, FragmentDefinitionNode],
    *,
    top: bool = False,
    defers: DeferCounter | None = None,
) -> tuple[Selection, ...]:
    if node is None:
        return ()
    out: list[Selection] = []
    for sel in node.selections:
        conditions = _conditions(sel.directives or ())
        if conditions is None:
            continue  # statically skipped
        if isinstance(sel, FieldNode):
            if top and sel.name.value in ("__schema", "__type"):
                continue
            out.append(
                Field(
                    name=sel.name.value,
                    alias=_alias(sel),
                    arguments=tuple(sel.arguments or ()),
                    conditions=conditions,
                    selections=_subselections(sel.selection_set, fragments, defers),
                )
            )
        elif isinstance(sel, InlineFragmentNode):
            tc = sel.type_condition.name.value if sel.type_condition else None
            # the mark is numbered before the fragment's own (nested) ones: document order
            mark = defer_mark(sel, defers)
            sub = _selections(sel.selection_set, fragments, top=top, defers=defers)
            out.append(Fragment(tc, sub, conditions, mark))
        elif isinstance(sel, FragmentSpreadNode):
            definition = fragments[sel.name.value]
            mark = defer_mark(sel, defers)
            sub = _selections(definition.selection_set, fragments, top=top, defers=defers)
            out.append(Fragment(definition.type_condition.name.value, sub, conditions, mark))
    return tuple(out)


def _subselections(
    node: SelectionSetNode | None,
    fragments: Mapping[str, FragmentDefinitionNode],
    defers: DeferCounter | None = None,
) -> tuple[Selection, ...]:
    """A field's selections. Where literal ``@skip``/``@include`` leave none, the field still
    needs a selection set in the subgraph query: ``__typename`` is one every type has (the
    client's response has ``{}`` there, as in Apollo's and Hive's answers)."""
    selections = _selections(node, fragments, defers=defers)
    if node is not None and not selections:
        return (_TYPENAME,)
    return selections


_TYPENAME = Field("__typename")


def _conditions(directives: Iterable[DirectiveNode]) -> tuple[Cond, ...] | None:
    """Variable conditions of a selection; None when a literal condition excludes it."""
    conds: list[Cond] = []
    for d in directives:
        name = d.name.value
        if name not in ("skip", "include"):
            continue
        arg = next((a for a in d.arguments or () if a.name.value == "if"), None)
        if arg is None:
            continue
        include = name == "include"
        if isinstance(arg.value, BooleanValueNode):
            if arg.value.value != include:
                return None
        elif isinstance(arg.value, VariableNode):
            conds.append(Cond(arg.value.name.value, include))
    return tuple(conds)


# The response key under which subgraphs are asked for a field the client aliased `__typename`
# (`{ __typename: name }`, valid GraphQL): in the merged data `__typename` stays the object's
# type, which fragments, representations and shaping read; the shaper answers the client's
# field from this key (``FieldShape.source``).
TYPENAME_ALIAS = "__typename__fedgate_alias"


def _alias(sel: FieldNode) -> str | None:
    if sel.alias is None:
        return None
    alias = sel.alias.value
    return TYPENAME_ALIAS if alias == "__typename" and sel.name.value != "__typename" else alias
