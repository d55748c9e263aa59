"""Compiles the client's operation into the structure ``shape.py`` walks over merged data.

Per cached operation and per combination of the ``@skip``/``@include`` variables, so the walk
itself never looks at directives. Selections on abstract types are compiled per runtime type
(the object's ``__typename``) on first sight and memoised. Each object field list also gets
its generated shaping functions: the fast one for valid data (``shape_fast.py``) and the
path-aware one (``shape_codegen.py``) where that one gives up; ``shape.py`` calls them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final, NamedTuple

from graphql import (
    BooleanValueNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLEnumType,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLScalarType,
    GraphQLSchema,
    GraphQLUnionType,
    InlineFragmentNode,
    SelectionSetNode,
    VariableNode,
)

from ..planner.operation import TYPENAME_ALIAS

# compiled build: the compiled walker (shape_walk.py), no fast functions
from .shape_choice import generate, generate_fast
from .shape_codegen import ShapeFn
from .shape_fast import FastFn

__all__ = [
    "INTROSPECTION_FIELDS",
    "EnumShape",
    "FieldKind",
    "FieldShape",
    "ListShape",
    "ScalarShape",
    "SelectionShape",
    "ShapeCompiler",
    "ValueShape",
]

INTROSPECTION_FIELDS = frozenset({"__schema", "__type"})

CompositeType = GraphQLObjectType | GraphQLInterfaceType | GraphQLUnionType


class FieldKind:
    # Final: constants (mypyc compiles this module; plain class attributes would be instance
    # attributes of a native class)
    TYPENAME: Final = 0  # answered from the parent type or the object's __typename
    VALUE: Final = 1  # read from the data, completed by ``value`` (None: copied as is)
    PASSTHROUGH: Final = 2  # introspection: already shaped by graphql-core, copied verbatim


@dataclass(frozen=True, slots=True)
class EnumShape:
    name: str
    values: frozenset[str]


@dataclass(frozen=True, slots=True)
class ScalarShape:
    """A built-in scalar leaf, coerced as the spec's result coercion says (``shape.leaf``):
    ``name`` is String, ID, Int, Float or Boolean; ``coordinate`` "Type.field" names it in
    the note of a wrong value. Custom scalars have no shape: they pass as they are."""

    name: str
    coordinate: str


BUILT_IN_SCALARS = frozenset({"String", "ID", "Int", "Float", "Boolean"})


@dataclass(frozen=True, slots=True)
class ListShape:
    item: ValueShape | None
    item_non_null: bool
    coordinate: str


class FieldShape(NamedTuple):
    """One response field. A NamedTuple rather than a dataclass: the shaping loop unpacks it,
    which is markedly faster than attribute access on the hot path."""

    key: str
    kind: int
    non_null: bool
    value: ValueShape | None
    coordinate: str  # "Type.field", for error messages
    typename: str | None = None
    # where the value is in the merged data: the response key, except for a field the client
    # aliased `__typename` (that key holds the object's type there: ``TYPENAME_ALIAS``)
    source: str = ""


class SelectionShape:
    """A merged selection set on a composite type. ``concrete`` is the field list when the type
    is an object type; otherwise ``fields_for(typename)`` compiles per runtime type."""

    __slots__ = (
        "_by_type",
        "_compiler",
        "concrete",
        "fast",
        "fn",
        "parent",
        "selection_sets",
    )

    def __init__(
        self,
        parent: CompositeType,
        selection_sets: tuple[SelectionSetNode, ...],
        compiler: ShapeCompiler,
    ) -> None:
        self.parent = parent
        self.selection_sets = selection_sets
        self._compiler = compiler
        self._by_type: dict[object, _Compiled | None] = {}
        self.concrete: tuple[FieldShape, ...] | None = None
        # an object type's shaping functions (generated); abstract types: ``fns_for``
        self.fn: ShapeFn | None = None
        self.fast: FastFn | None = None
        if isinstance(parent, GraphQLObjectType):
            self.concrete = compiler.fields(self, parent)
            self.fn = generate(self.concrete)
            self.fast = generate_fast(self.concrete)

    def fields_for(self, typename: object) -> tuple[FieldShape, ...] | None:
        """The fields for an object whose ``__typename`` is ``typename``; None when the API
        schema has no composite type of that name (an ``@inaccessible`` type): the object is
        then null, as in Apollo Gateway. A missing ``__typename`` or an abstract type's name
        (an ``@interfaceObject`` subgraph answers the interface's name) select the fields
        on the static type only."""
        compiled = self._compiled(typename)
        return compiled[0] if compiled is not None else None

    def fn_for(self, typename: object) -> ShapeFn | None:
        """The shaping function of ``fields_for(typename)`` (None where that is None)."""
        compiled = self._compiled(typename)
        return compiled[1] if compiled is not None else None

    def fast_for(self, typename: object) -> FastFn | None:
        """The fast shaping function of ``fields_for(typename)`` (None where that is None)."""
        compiled = self._compiled(typename)
        return compiled[2] if compiled is not None else None

    def _compiled(self, typename: object) -> _Compiled | None:
        try:
            return self._by_type[typename]
        except KeyError:
            compiled = None
            if self._compiler.is_valid_typename(typename):
                runtime = self._compiler.runtime_type(self, typename)
                fields = self._compiler.fields(self, runtime)
                compiled = (fields, generate(fields), generate_fast(fields))
            self._by_type[typename] = compiled
            return compiled
        except TypeError:  # not hashable: not a type name either
            return None


ValueShape = EnumShape | ListShape | ScalarShape | SelectionShape
# one runtime type's fields and their two shaping functions (path-aware, fast)
_Compiled = tuple[tuple[FieldShape, ...], ShapeFn, FastFn | None]


class ShapeCompiler:
    """Holds what compiling needs: schema, fragments and the resolved skip/include values."""

    __slots__ = ("conditions", "fragments", "schema")

    def __init__(
        self,
        schema: GraphQLSchema,
        fragments: Mapping[str, FragmentDefinitionNode],
        conditions: Mapping[str, Any],
    ) -> None:
        self.schema = schema
        self.fragments = fragments
        self.conditions = conditions

    def root(self, root_type: GraphQLObjectType, selection_set: SelectionSetNode) -> SelectionShape:
        return SelectionShape(root_type, (selection_set,), self)

    def is_valid_typename(self, typename: object) -> bool:
        if typename is None:
            return True
        t = self.schema.type_map.get(typename) if isinstance(typename, str) else None
        return isinstance(t, GraphQLObjectType | GraphQLInterfaceType | GraphQLUnionType)

    def runtime_type(self, shape: SelectionShape, typename: object) -> GraphQLObjectType | None:
        t = self.schema.type_map.get(typename) if isinstance(typename, str) else None
        parent = shape.parent
        if isinstance(t, GraphQLObjectType) and (
            t is parent
            or (not isinstance(parent, GraphQLObjectType) and self.schema.is_sub_type(parent, t))
        ):
            return t
        return None

    def fields(
        self, shape: SelectionShape, runtime: GraphQLObjectType | None
    ) -> tuple[FieldShape, ...]:
        grouped: dict[str, list[FieldNode]] = {}
        for selection_set in shape.selection_sets:
            self._collect(selection_set, shape.parent, runtime, grouped, set())
        owner = runtime or shape.parent
        is_root = owner in (
            self.schema.query_type,
            self.schema.mutation_type,
            self.schema.subscription_type,
        )
        return tuple(
            self._field(key, nodes, owner, runtime, is_root) for key, nodes in grouped.items()
        )

    def _field(
        self,
        key: str,
        nodes: list[FieldNode],
        owner: CompositeType,
        runtime: GraphQLObjectType | None,
        is_root: bool,
    ) -> FieldShape:
        name = nodes[0].name.value
        coordinate = f"{owner.name}.{name}"
        if name == "__typename":
            typename = runtime.name if runtime is not None else None
            return FieldShape(key, FieldKind.TYPENAME, True, None, coordinate, typename, key)
        defn = None if isinstance(owner, GraphQLUnionType) else owner.fields.get(name)
        if defn is None or (is_root and name in INTROSPECTION_FIELDS):
            return FieldShape(key, FieldKind.PASSTHROUGH, False, None, coordinate, None, key)
        subs = tuple(n.selection_set for n in nodes if n.selection_set is not None)
        non_null, value = self._value(defn.type, subs, coordinate)
        source = TYPENAME_ALIAS if key == "__typename" else key
        return FieldShape(key, FieldKind.VALUE, non_null, value, coordinate, None, source)

    def _value(
        self, t: GraphQLOutputType, subs: tuple[SelectionSetNode, ...], coordinate: str
    ) -> tuple[bool, ValueShape | None]:
        non_null = isinstance(t, GraphQLNonNull)
        if isinstance(t, GraphQLNonNull):
            t = t.of_type
        if isinstance(t, GraphQLList):
            item_non_null, item = self._value(t.of_type, subs, coordinate)
            if item is None and not item_non_null:
                return non_null, None  # a list of nullable custom scalars needs no checking
            return non_null, ListShape(item, item_non_null, coordinate)
        if isinstance(t, GraphQLEnumType):
            return non_null, EnumShape(t.name, frozenset(t.values))
        if isinstance(t, GraphQLObjectType | GraphQLInterfaceType | GraphQLUnionType):
            return non_null, SelectionShape(t, subs, self)
        if isinstance(t, GraphQLScalarType) and t.name in BUILT_IN_SCALARS:
            return non_null, ScalarShape(t.name, coordinate)
        return non_null, None  # a custom scalar: any JSON value, as it is

    def _collect(
        self,
        selection_set: SelectionSetNode,
        parent: CompositeType,
        runtime: GraphQLObjectType | None,
        out: dict[str, list[FieldNode]],
        visited: set[str],
    ) -> None:
        """The spec's CollectFields for one runtime type (``None``: unknown, so only fields
        and fragments on the static parent type apply)."""
        for sel in selection_set.selections:
            if not self._included(sel):
                continue
            if isinstance(sel, FieldNode):
                out.setdefault(sel.alias.value if sel.alias else sel.name.value, []).append(sel)
            elif isinstance(sel, InlineFragmentNode):
                cond = sel.type_condition.name.value if sel.type_condition else None
                if cond is None or self._applies(cond, parent, runtime):
                    self._collect(sel.selection_set, parent, runtime, out, visited)
            elif isinstance(sel, FragmentSpreadNode):
                name = sel.name.value
                frag = self.fragments.get(name)
                if name in visited or frag is None:
                    continue
                visited.add(name)
                if self._applies(frag.type_condition.name.value, parent, runtime):
                    self._collect(frag.selection_set, parent, runtime, out, visited)

    def _applies(self, cond: str, parent: CompositeType, runtime: GraphQLObjectType | None) -> bool:
        if runtime is None:
            return cond == parent.name
        if cond == runtime.name:
            return True
        t = self.schema.type_map.get(cond)
        return isinstance(t, GraphQLInterfaceType | GraphQLUnionType) and self.schema.is_sub_type(
            t, runtime
        )

    def _included(self, node: FieldNode | InlineFragmentNode | FragmentSpreadNode | Any) -> bool:
        for directive in node.directives or ():
            name = directive.name.value
            if name not in ("skip", "include"):
                continue
            value: Any = None
            for arg in directive.arguments or ():
                if arg.name.value == "if":
                    value = self._bool(arg.value)
            if (name == "skip" and value is True) or (name == "include" and value is not True):
                return False
        return True

    def _bool(self, node: Any) -> Any:
        if isinstance(node, BooleanValueNode):
            return node.value
        if isinstance(node, VariableNode):
            return self.conditions.get(node.name.value)
        return None
