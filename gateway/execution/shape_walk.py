"""The shaping walk as a loop over precomputed field steps, for the compiled build.

``shape_codegen.py`` generates Python source per object field list: the fastest shaping a
pure-Python install can have, but bytecode whatever the build. In the compiled build
(docs/compiled.md) this module is C: one ``Walker`` per object field list holds a
``_Step`` per field (what ``shape_codegen`` would have written inline: the field's
operation as a small int, its keys, its child walker), and ``Walker.walk`` runs them with
native attribute reads and native calls between the walkers of a response. The results,
errors and their order are those of the generated functions (same checks in the same
order; ``tests/execution/test_shape_walk.py`` compares the two). ``shape_choice.py`` picks
this walker when this module is compiled, the generated functions otherwise.

``Walker.fast`` is the same walk without the response path and the error list, for data
that fits the schema (``shape_fast.py``'s contract): it raises ``Fallback`` at the first
value that the path-aware walk would turn into a note or a propagated null, and has no side
effect, so ``shape.object_value`` shapes the object again with ``walk``, with the same
results, notes and order. On valid data it saves the path tuple of every object and list
item (docs/benchmarks.md, "Compiled build, served path").
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Final

from .shape import (
    _Errors,
    bad_enum,
    fast_leaf,
    fast_list,
    leaf,
    list_value,
    not_object,
    object_value,
)
from .shape_codegen import ShapeFn
from .shape_compile import EnumShape, FieldKind, FieldShape, ListShape, ScalarShape, SelectionShape
from .shape_fast import Fallback

__all__ = ["Walker", "fast_walker", "walker"]

# A step's operation: what its field needs (``shape_codegen.generate``'s cases)
_TYPENAME: Final = 0  # the parent's type name, a constant (in the template already)
_TYPENAME_READ: Final = 1  # the object's ``__typename`` as it is
_AS_IS: Final = 2  # custom scalar, introspection: the value as it is
_STRING: Final = 3  # String and ID: a str passes
_BOOLEAN: Final = 4
_INT: Final = 5
_FLOAT: Final = 6
_ENUM: Final = 7
_OBJECT: Final = 8
_OBJECT_LIST: Final = 9  # a list of one object type (its function known)
_LIST: Final = 10  # any other list: ``shape.list_value``

_INT_MIN: Final = -2147483648
_INT_MAX: Final = 2147483647
_SCALAR_OPS: Final = {"String": _STRING, "ID": _STRING, "Boolean": _BOOLEAN, "Int": _INT}


class _Step:
    """One field of an object's field list, with what its operation reads."""

    def __init__(self, field: FieldShape, op: int) -> None:
        self.key: str = field.key
        self.source: str = field.source
        self.op = op
        self.non_null: bool = field.non_null
        self.coordinate: str = field.coordinate
        value = field.value
        self.scalar: ScalarShape | None = value if type(value) is ScalarShape else None
        self.enum: EnumShape | None = value if type(value) is EnumShape else None
        self.values: frozenset[str] = value.values if type(value) is EnumShape else frozenset()
        self.list: ListShape | None = value if type(value) is ListShape else None
        # an object (or a list's object items): its walker, else its function, else its
        # selection (an abstract type: ``shape.object_value`` picks by ``__typename``)
        sel = value.item if type(value) is ListShape else value
        self.sel: SelectionShape | None = sel if type(sel) is SelectionShape else None
        fn = self.sel.fn if self.sel is not None else None
        self.walker: Walker | None = fn if isinstance(fn, Walker) else None
        self.fn: ShapeFn | None = None if isinstance(fn, Walker) else fn
        self.item_non_null: bool = type(value) is ListShape and value.item_non_null


class Walker:
    """Shapes one object of an object type's field list (``fn(data, path, errs)``, as a
    generated shaping function)."""

    def __init__(self, fields: Sequence[FieldShape]) -> None:
        self.steps: list[_Step] = []
        # the output's keys in field order, the constant type names already in place: each
        # object starts as a copy (no growing dict), its values stored over the Nones
        self.template: dict[str, Any] = {}
        for f in fields:
            op = _op(f)
            self.template[f.key] = f.typename if op == _TYPENAME else None
            if op != _TYPENAME:
                self.steps.append(_Step(f, op))

    def __call__(self, data: dict[str, Any], path: Any, errs: _Errors) -> dict[str, Any] | None:
        return self.walk(data, path, errs)

    def walk(self, data: dict[str, Any], path: Any, errs: _Errors) -> dict[str, Any] | None:
        out = self.template.copy()
        for step in self.steps:
            op = step.op
            if op == _TYPENAME_READ:
                out[step.key] = data.get("__typename")
                continue
            v: Any = data.get(step.source)
            if v is not None:
                if op == _STRING:
                    if type(v) is not str:
                        v = _leaf(step, v, path, errs)
                elif op == _OBJECT:
                    v = _object(step, v, path, errs)
                elif op == _OBJECT_LIST:
                    v = _object_list(step, v, path, errs)
                elif op == _INT:
                    if type(v) is not int or not _INT_MIN <= v <= _INT_MAX:
                        v = _leaf(step, v, path, errs)
                elif op == _BOOLEAN:
                    if type(v) is not bool:
                        v = _leaf(step, v, path, errs)
                elif op == _FLOAT:
                    if type(v) is not float and type(v) is not int:
                        v = _leaf(step, v, path, errs)
                elif op == _ENUM:
                    if type(v) is not str or v not in step.values:
                        assert step.enum is not None
                        bad_enum(step.enum, v, (path, step.key), errs)
                        v = None
                elif op == _LIST:
                    assert step.list is not None
                    v = list_value(step.list, v, (path, step.key), step.coordinate, errs)
            if v is None and step.non_null:
                errs.null(step.coordinate, (path, step.key))
                return None
            out[step.key] = v
        return out

    def fast(self, data: dict[str, Any]) -> dict[str, Any]:
        """``walk`` for data that fits the schema: no path, no errors; ``Fallback`` where
        ``walk`` would write a note or null a non-null field (the same checks)."""
        out = self.template.copy()
        for step in self.steps:
            op = step.op
            if op == _TYPENAME_READ:
                out[step.key] = data.get("__typename")
                continue
            v: Any = data.get(step.source)
            if v is None:
                if step.non_null:
                    raise Fallback
            elif op == _STRING:
                if type(v) is not str:
                    v = _fast_leaf(step, v)
            elif op == _OBJECT:
                v = _fast_object(step.walker, step.sel, v)
            elif op == _OBJECT_LIST:
                v = _fast_object_list(step, v)
            elif op == _INT:
                if type(v) is not int or not _INT_MIN <= v <= _INT_MAX:
                    v = _fast_leaf(step, v)
            elif op == _BOOLEAN:
                if type(v) is not bool:
                    v = _fast_leaf(step, v)
            elif op == _FLOAT:
                if type(v) is not float and type(v) is not int:
                    v = _fast_leaf(step, v)
            elif op == _ENUM:
                if type(v) is not str or v not in step.values:
                    raise Fallback
            elif op == _LIST:
                assert step.list is not None
                if type(v) is not list:
                    raise Fallback
                v = fast_list(step.list, v)  # lists of scalars, enums, abstract types, lists
            out[step.key] = v
        return out


def walker(fields: Sequence[FieldShape]) -> Walker:
    """The shaping function of one object's field list (``shape_codegen.generate``'s)."""
    return Walker(fields)


def fast_walker(fields: Sequence[FieldShape]) -> Callable[[dict[str, Any]], dict[str, Any]]:
    """The fast shaping function of one object's field list (``shape_fast``'s contract)."""
    return Walker(fields).fast


def _op(f: FieldShape) -> int:
    if f.kind == FieldKind.TYPENAME:
        return _TYPENAME if f.typename else _TYPENAME_READ
    value = f.value
    if f.kind != FieldKind.VALUE or value is None:
        return _AS_IS
    if type(value) is ScalarShape:
        return _SCALAR_OPS.get(value.name, _FLOAT)
    if type(value) is EnumShape:
        return _ENUM
    if type(value) is SelectionShape:
        return _OBJECT
    assert type(value) is ListShape
    item = value.item
    return _OBJECT_LIST if type(item) is SelectionShape and item.fn is not None else _LIST


def _leaf(step: _Step, v: Any, path: Any, errs: _Errors) -> Any:
    assert step.scalar is not None
    return leaf(v, step.scalar, (path, step.key), errs)


def _object(step: _Step, v: Any, path: Any, errs: _Errors) -> Any:
    if type(v) is not dict:
        return not_object(v, (path, step.key), step.coordinate, errs)
    w = step.walker
    if w is not None:
        return w.walk(v, (path, step.key), errs)
    fn = step.fn
    if fn is not None:
        return fn(v, (path, step.key), errs)
    assert step.sel is not None
    return object_value(step.sel, v, (path, step.key), errs)


def _object_list(step: _Step, v: Any, path: Any, errs: _Errors) -> Any:
    """``shape.list_value`` for a list of one object type: the same results and errors in
    the same order (a non-list goes there for its error)."""
    here = (path, step.key)
    if type(v) is not list:
        assert step.list is not None
        return list_value(step.list, v, here, step.coordinate, errs)
    w = step.walker
    fn = step.fn
    out: list[Any] = []
    for j, item in enumerate(v):
        if item is not None:
            if type(item) is not dict:
                item = not_object(item, (here, j), step.coordinate, errs)
            elif w is not None:
                item = w.walk(item, (here, j), errs)
            elif fn is not None:
                item = fn(item, (here, j), errs)
        if item is None and step.item_non_null:
            errs.null(step.coordinate, (here, j))
            return None
        out.append(item)
    return out


def _fast_leaf(step: _Step, v: Any) -> Any:
    """A scalar that is not of its type as it is: its lossless conversion, or ``Fallback``
    (``leaf``'s note)."""
    assert step.scalar is not None
    return fast_leaf(v, step.scalar)


def _fast_object(w: Walker | None, sel: SelectionShape | None, v: Any) -> dict[str, Any]:
    """A child object: its walker's fast walk; an abstract type's by ``__typename``; what
    the walker cannot take fast (no walker for the type, not an object) gives up."""
    if type(v) is not dict:
        raise Fallback
    if w is None:
        assert sel is not None
        fn = sel.fn if sel.fn is not None else sel.fn_for(v.get("__typename"))
        if not isinstance(fn, Walker):
            raise Fallback
        w = fn
    return w.fast(v)


def _fast_object_list(step: _Step, v: Any) -> list[Any]:
    if type(v) is not list:
        raise Fallback
    w = step.walker
    out: list[Any] = []
    for item in v:
        if item is None:
            if step.item_non_null:
                raise Fallback
            out.append(None)
        elif type(item) is dict and w is not None:
            out.append(w.fast(item))
        else:
            out.append(_fast_object(w, step.sel, item))
    return out
