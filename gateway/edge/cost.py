"""Operation cost as Apollo Router's demand control defines it (the IBM cost spec with
Apollo's defaults), on the client operation against the API schema:

- an operation costs its base (mutation 10, query and subscription 0) plus its fields;
- a field costs ``instances x (type cost + cost of its selections) + argument costs``; the
  type cost is the field's ``@cost`` weight, else its type's, else 1 for objects, interfaces
  and unions and 0 for scalars and enums;
- ``instances`` is 1 for a non-list, and for a list: the largest slicing argument given
  (``@listSize(slicingArguments:)``), else ``assumedSize``, else the configured ``list_size``;
  a parent's ``sizedFields`` hand its size to the named child fields;
- an argument given costs its ``@cost`` weight (and an input object's fields theirs);
- a field with ``@requires`` adds the cost of the fields it requires (fetched for it).

``estimate`` walks the operation (with the request's variables: slicing arguments and
``@skip``/``@include`` may be variables); ``actual`` walks the response (by response shape:
lists count their real length, null objects nothing); ``Walk.entity`` scores one object of a
subgraph's ``_entities`` answer (``cost_subgraph``: Apollo's ``by_subgraph`` actual cost).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from graphql import (
    ArgumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLArgument,
    GraphQLError,
    GraphQLField,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNamedType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLUnionType,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    Undefined,
    VariableNode,
    get_named_type,
    parse,
    value_from_ast_untyped,
)

from .cost_directives import CostDirectives, ListSize

__all__ = ["OPERATION_COSTS", "CostError", "CostModel", "Memo"]

OPERATION_COSTS = {"mutation": 10.0, "query": 0.0, "subscription": 0.0}
_COMPOSITE = (GraphQLObjectType, GraphQLInterfaceType, GraphQLUnionType)


class CostError(Exception):
    """An operation the cost rules refuse (``requireOneSlicingArgument``)."""


class CostModel:
    """One supergraph's cost rules: the API schema, its directives, the default list size."""

    def __init__(
        self,
        schema: GraphQLSchema,
        directives: CostDirectives,
        list_size: int,
        requires: Mapping[tuple[str, str], str] | None = None,
    ) -> None:
        """``requires``: ``@requires`` field sets by (type, field), counted with the field."""
        self.schema = schema
        self.directives = directives
        self.list_size = list_size
        self.requires = {key: _selection(text) for key, text in (requires or {}).items()}

    def estimate(
        self,
        operation: OperationDefinitionNode,
        fragments: Mapping[str, FragmentDefinitionNode],
        variables: Mapping[str, Any],
    ) -> float:
        root = self.schema.get_root_type(operation.operation)
        assert root is not None  # the operation was validated against this schema
        walk = Walk(self, fragments, variables)
        return OPERATION_COSTS[operation.operation.value] + walk.selections(
            operation.selection_set, root, {}
        )

    def actual(
        self,
        operation: OperationDefinitionNode,
        fragments: Mapping[str, FragmentDefinitionNode],
        variables: Mapping[str, Any],
        data: Mapping[str, Any] | None,
        memo: Memo | None = None,
    ) -> float:
        """``memo``: the compiled selection sets, kept by a caller that sees the same
        operation and variables again (they decide what is compiled)."""
        root = self.schema.get_root_type(operation.operation)
        assert root is not None
        base = OPERATION_COSTS[operation.operation.value]
        if data is None:
            return base
        walk = Walk(self, fragments, variables, memo)
        return base + walk.response(operation.selection_set, root, data)

    def type_cost(self, parent: str, field_name: str, named: GraphQLNamedType) -> float:
        weight = self.directives.fields.get((parent, field_name))
        if weight is None:
            weight = self.directives.types.get(named.name)
        if weight is None:
            weight = 1.0 if isinstance(named, _COMPOSITE) else 0.0
        return weight


# one costed field of a compiled selection set: response key, type cost, argument cost,
# sub-selections, named type
_Scored = tuple[str, float, float, SelectionSetNode | None, GraphQLNamedType]
Memo = dict[tuple[int, str, str | None], list[_Scored]]


class Walk:
    """One walk over an operation (fragments and variables of one request)."""

    def __init__(
        self,
        model: CostModel,
        fragments: Mapping[str, FragmentDefinitionNode],
        variables: Mapping[str, Any],
        memo: Memo | None = None,
    ) -> None:
        self.model = model
        self.fragments = fragments
        self.variables = variables
        self.memo: Memo = {} if memo is None else memo

    # --- estimated -------------------------------------------------------------------------

    def selections(
        self, selection_set: SelectionSetNode, parent: GraphQLNamedType, sized: Mapping[str, int]
    ) -> float:
        total = 0.0
        for node, owner in self.fields(selection_set, parent):
            total += self.field(node, owner, sized)
        return total

    def field(self, node: FieldNode, parent: GraphQLNamedType, sized: Mapping[str, int]) -> float:
        definition = _field_def(parent, node.name.value)
        if definition is None:
            return 0.0  # __typename and the introspection fields
        named = get_named_type(definition.type)
        list_size = self.model.directives.list_sizes.get((parent.name, node.name.value))
        size = self.instances(node, definition, list_size, sized.get(node.name.value))
        child_sized: dict[str, int] = {}
        if list_size is not None and list_size.sized_fields:
            child_size = self.sliced(node, definition, list_size)
            child_size = self.model.list_size if child_size is None else child_size
            child_sized = dict.fromkeys(list_size.sized_fields, child_size)
        own = self.model.type_cost(parent.name, node.name.value, named)
        below = self.selections(node.selection_set, named, child_sized) if node.selection_set else 0
        total = size * (own + below) + self.arguments(node, parent.name)
        required = self.model.requires.get((parent.name, node.name.value))
        if required is not None:
            # the fields fetched for @requires cost what they would if selected (Apollo's)
            total += self.selections(required, parent, {})
        return total

    def instances(
        self,
        node: FieldNode,
        definition: GraphQLField,
        list_size: ListSize | None,
        from_parent: int | None,
    ) -> int:
        if not _is_list(definition.type):
            return 1
        if from_parent is not None:
            return from_parent
        if list_size is not None:
            sliced = self.sliced(node, definition, list_size)
            if sliced is not None:
                return sliced
            if list_size.assumed_size is not None:
                return list_size.assumed_size
        return self.model.list_size

    def sliced(self, node: FieldNode, definition: GraphQLField, list_size: ListSize) -> int | None:
        """The largest slicing argument given, or defaulted in the schema (the IBM spec's
        rule); ``requireOneSlicingArgument``: exactly one."""
        if not list_size.slicing_arguments:
            return None
        values = {
            name: _default(arg)
            for name, arg in definition.args.items()
            if name in list_size.slicing_arguments
        }
        for arg in node.arguments or ():
            if arg.name.value in list_size.slicing_arguments:
                values[arg.name.value] = self.value(arg)
        given = [v for v in values.values() if isinstance(v, int) and not isinstance(v, bool)]
        if list_size.require_one_slicing_argument and len(given) != 1:
            names = ", ".join(list_size.slicing_arguments)
            raise CostError(
                f"Exactly one slicing argument is required on field {node.name.value!r} "
                f"({names}), but {len(given)} were given"
            )
        return max(given) if given else None

    def arguments(self, node: FieldNode, parent: str) -> float:
        weights = self.model.directives.arguments
        total = 0.0
        definition = _field_def(self.model.schema.get_type(parent), node.name.value)
        for arg in node.arguments or ():
            total += weights.get((parent, node.name.value, arg.name.value), 0.0)
            if definition is not None and arg.name.value in definition.args:
                arg_type = get_named_type(definition.args[arg.name.value].type)
                total += self.input_cost(arg_type, self.value(arg))
        return total

    def input_cost(self, type_: GraphQLNamedType, value: Any) -> float:
        if not isinstance(type_, GraphQLInputObjectType) or not self.model.directives.input_fields:
            return 0.0
        if isinstance(value, list):
            return sum(self.input_cost(type_, item) for item in value)
        if not isinstance(value, dict):
            return 0.0
        total = 0.0
        for name, item in value.items():
            total += self.model.directives.input_fields.get((type_.name, name), 0.0)
            if name in type_.fields:
                total += self.input_cost(get_named_type(type_.fields[name].type), item)
        return total

    def value(self, arg: ArgumentNode) -> Any:
        if isinstance(arg.value, VariableNode):
            return self.variables.get(arg.value.name.value)
        return value_from_ast_untyped(arg.value, dict(self.variables))

    # --- actual ----------------------------------------------------------------------------

    def response(
        self, selection_set: SelectionSetNode, parent: GraphQLNamedType, data: Mapping[str, Any]
    ) -> float:
        # abstract parents: which fragments apply depends on the object's __typename
        typename = None if isinstance(parent, GraphQLObjectType) else data.get("__typename")
        memo_key = (id(selection_set), parent.name, typename)
        entries = self.memo.get(memo_key)
        if entries is None:
            entries = self.compile(selection_set, parent, typename)
            self.memo[memo_key] = entries
        return self.score(entries, data)

    def entity(
        self, selection_set: SelectionSetNode, typename: str, data: Mapping[str, Any]
    ) -> float:
        """One object of an ``_entities`` answer: its type's cost plus the fields the fetch
        asked of it (the fragments on its ``__typename``)."""
        named = self.model.schema.get_type(typename)
        if not isinstance(named, GraphQLObjectType):
            return 0.0
        memo_key = (id(selection_set), "_entities", typename)
        entries = self.memo.get(memo_key)
        if entries is None:
            entries = self.compile(selection_set, named, typename)
            self.memo[memo_key] = entries
        return self.model.type_cost("", "", named) + self.score(entries, data)

    def score(self, entries: list[_Scored], data: Mapping[str, Any]) -> float:
        total = 0.0
        for key, own, extra, sub, named in entries:
            value = data.get(key)
            if value is None:
                continue
            if sub is not None and type(value) is dict:
                total += extra + own + self.response(sub, named, value)
            else:
                total += extra + self.values(sub, named, own, value)
        return total

    def compile(
        self, selection_set: SelectionSetNode, parent: GraphQLNamedType, typename: str | None
    ) -> list[_Scored]:
        """The fields of one selection set that can cost something, once per walk (a
        response's thousand objects of one type share it): scalars that cost nothing and take
        no costed argument are left out."""
        out: list[_Scored] = []
        seen: set[str] = set()
        for node, owner in self.fields(selection_set, parent, typename):
            key = node.alias.value if node.alias else node.name.value
            if key in seen:
                continue
            seen.add(key)
            definition = _field_def(owner, node.name.value)
            if definition is None:
                continue
            named = get_named_type(definition.type)
            own = self.model.type_cost(owner.name, node.name.value, named)
            extra = self.arguments(node, owner.name)
            if node.selection_set is None and own == 0 and extra == 0:
                continue
            out.append((key, own, extra, node.selection_set, named))
        return out

    def values(
        self, sub: SelectionSetNode | None, named: GraphQLNamedType, own: float, value: Any
    ) -> float:
        if isinstance(value, list):
            # the hot loop of a large response: lists of objects, unrolled one level
            total = 0.0
            for item in value:
                if item is None:
                    continue
                if isinstance(item, list):
                    total += self.values(sub, named, own, item)
                elif sub is not None:
                    total += own + self.response(sub, named, item)
                else:
                    total += own
            return total
        if sub is not None and isinstance(value, dict):
            return own + self.response(sub, named, value)
        return own

    # --- both ------------------------------------------------------------------------------

    def fields(
        self,
        selection_set: SelectionSetNode,
        parent: GraphQLNamedType,
        typename: str | None = None,
    ) -> list[tuple[FieldNode, GraphQLNamedType]]:
        """The fields of a selection set, through fragments (each with the type it is read
        on); ``@skip``/``@include`` applied. ``typename``: in a response, fragments on other
        types are left out."""
        out: list[tuple[FieldNode, GraphQLNamedType]] = []
        for selection in selection_set.selections:
            if not self.included(selection):
                continue
            if isinstance(selection, FieldNode):
                out.append((selection, parent))
                continue
            if isinstance(selection, FragmentSpreadNode):
                fragment = self.fragments.get(selection.name.value)
                if fragment is None:
                    continue
                condition, inner = fragment.type_condition.name.value, fragment.selection_set
            else:
                assert isinstance(selection, InlineFragmentNode)
                condition = selection.type_condition.name.value if selection.type_condition else ""
                inner = selection.selection_set
            owner = self.model.schema.get_type(condition) if condition else parent
            if owner is None or not self.applies(owner, typename):
                continue
            out.extend(self.fields(inner, owner, typename))
        return out

    def applies(self, owner: GraphQLNamedType, typename: str | None) -> bool:
        if typename is None or owner.name == typename:
            return True
        concrete = self.model.schema.get_type(typename)
        if not isinstance(concrete, GraphQLObjectType) or not isinstance(
            owner, GraphQLInterfaceType | GraphQLUnionType
        ):
            return False
        return self.model.schema.is_sub_type(owner, concrete)

    def included(self, node: Any) -> bool:
        for directive in node.directives or ():
            name = directive.name.value
            if name not in ("skip", "include"):
                continue
            args = {a.name.value: self.value(a) for a in directive.arguments or ()}
            if bool(args.get("if")) is (name == "skip"):
                return False
        return True


def _field_def(parent: Any, name: str) -> GraphQLField | None:
    if isinstance(parent, GraphQLObjectType | GraphQLInterfaceType):
        found: GraphQLField | None = parent.fields.get(name)
        return found
    return None


def _selection(field_set: str) -> SelectionSetNode:
    operation = parse("{" + field_set + "}").definitions[0]
    assert isinstance(operation, OperationDefinitionNode)
    return operation.selection_set


def _default(arg: GraphQLArgument) -> Any:
    """An argument's schema default (read from its definition where the schema left it
    out: the API schema keeps the definitions' nodes)."""
    if arg.default_value is not Undefined:
        return arg.default_value
    node = arg.ast_node
    if node is not None and node.default_value is not None:
        return value_from_ast_untyped(node.default_value)
    return None


def _is_list(type_: Any) -> bool:
    if isinstance(type_, GraphQLNonNull):
        type_ = type_.of_type
    return isinstance(type_, GraphQLList)


def single_operation(
    text: str,
) -> tuple[OperationDefinitionNode, dict[str, FragmentDefinitionNode]] | None:
    """The one operation of a document the gateway wrote (a fetch's) and its fragments; None
    for text that does not parse or holds another number of operations."""
    try:
        document = parse(text)
    except GraphQLError:
        return None
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if len(operations) != 1:
        return None
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    return operations[0], fragments
