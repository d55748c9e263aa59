"""Shapes the merged subgraph data into exactly the client's response.

Walks a ``SelectionShape`` (see ``shape_compile.py``; each object by its generated fast
function, ``shape_fast.py``, and where that gives up by its path-aware one,
``shape_codegen.py``; both call back here for lists, abstract types and wrong values):
request order, aliases, fragments by ``__typename``, the result coercion of built-in scalar
leaves (GraphQL spec, "Scalars": a value of another type is null, decision 0011), enum
checks against the API schema, and the spec's null propagation.

Where the merged data breaks the API schema (a null in a non-null position that no subgraph error
explains, an enum value or a ``__typename`` the API schema does not have, a scalar where an
object or a list belongs), the value becomes null, as in Apollo Gateway and Hive Router, and the
reason is a *value completion* note, not a response error (docs/decisions/
0008-errors-beside-nulls.md). A null gets a note only where no error or earlier note explains it
(one at the same path, above it, or below it).
"""

from __future__ import annotations

from typing import Any

from .errors import error_paths_cover
from .representations import ResponsePath
from .shape_compile import EnumShape, ListShape, ScalarShape, SelectionShape, ValueShape
from .shape_fast import MISSES, Fallback

__all__ = [
    "bad_enum",
    "fast_item",
    "fast_leaf",
    "fast_list",
    "fast_object",
    "leaf",
    "list_value",
    "not_object",
    "object_value",
    "shape_response",
]

# Response paths are built as cons cells (parent, key) and only turned into lists for errors.
_Path = tuple[Any, str | int] | None
_INT_MIN, _INT_MAX = -(2**31), 2**31 - 1
_INVALID = object()  # ``_coerced``'s answer for a value the scalar cannot represent


def shape_response(
    root: SelectionShape,
    data: dict[str, Any],
    errors: list[dict[str, Any]],
    notes: list[dict[str, Any]] | None = None,
) -> dict[str, Any] | None:
    """The client's ``data`` (None if a null propagated to the root). ``errors``: the errors so
    far (they explain the nulls they caused); value completion notes are appended to ``notes``.

    The fast functions (``shape_fast.py``) are tried only where no error came before: an
    error is a fetch that failed, and the objects it should have filled miss their fields,
    where every fast try would be walked twice."""
    errs = _Errors(errors, [] if notes is None else notes)
    errs.fast = not errors
    return object_value(root, data, None, errs)


class _Errors:
    __slots__ = ("_exact", "_prefixes", "errors", "fast", "notes")

    def __init__(self, errors: list[dict[str, Any]], notes: list[dict[str, Any]]) -> None:
        self.errors = errors
        self.notes = notes
        # whether to try the fast functions (``shape_fast.py``): not after one gave up
        # below the root (``shape_codegen._fast_first``)
        self.fast = True
        self._exact: set[ResponsePath] | None = None
        self._prefixes: set[ResponsePath] = set()

    def add(self, message: str, path: _Path) -> None:
        at = _materialize(path)
        # Apollo Gateway's code for these notes
        note = {"message": message, "path": list(at), "extensions": {"code": "INVALID_GRAPHQL"}}
        self.notes.append(note)
        if self._exact is not None:
            self._exact.add(at)
            self._prefixes.update(at[:i] for i in range(len(at) + 1))

    def null(self, coordinate: str, path: _Path) -> None:
        if self._exact is None:
            self._exact, self._prefixes = error_paths_cover([*self.errors, *self.notes])
        at = _materialize(path)
        if self._covered(at):
            return
        # authorization's errors name list positions "@" (Apollo's form, known before execution)
        wild = tuple("@" if type(k) is int else k for k in at)
        if wild != at and self._covered(wild):
            return
        self.add(f"Cannot return null for non-nullable field {coordinate}.", path)

    def _covered(self, at: tuple[str | int, ...]) -> bool:
        assert self._exact is not None
        return at in self._prefixes or any(at[:i] in self._exact for i in range(len(at)))


def _materialize(path: _Path) -> ResponsePath:
    keys: list[str | int] = []
    while path is not None:
        path, key = path
        keys.append(key)
    keys.reverse()
    return tuple(keys)


def object_value(
    sel: SelectionShape, data: dict[str, Any], path: _Path, errs: _Errors
) -> dict[str, Any] | None:
    """One object: its type's generated fast function, and where that gives up (it has no
    side effect) the path-aware one (``shape_fast.py``, ``shape_codegen.py``)."""
    fn = sel.fn
    if fn is not None:
        fast = sel.fast
    else:
        typename = data.get("__typename")
        fn = sel.fn_for(typename)
        if fn is None:
            _invalid_typename(sel, data, path, errs)
            return None
        fast = sel.fast_for(typename)
    if fast is None or not errs.fast:  # None: the compiled walker (shape_choice.py)
        return fn(data, path, errs)
    try:
        return fast(data)
    except MISSES:
        if path is not None:  # below the root: see ``shape_codegen._fast_first``
            errs.fast = False
        return fn(data, path, errs)


def _complete(shape: ValueShape, value: Any, path: _Path, coordinate: str, errs: _Errors) -> Any:
    if type(shape) is ScalarShape:
        return leaf(value, shape, path, errs)
    if type(shape) is SelectionShape:
        if type(value) is dict:
            return object_value(shape, value, path, errs)
        return not_object(value, path, coordinate, errs)
    if type(shape) is EnumShape:
        if type(value) is str and value in shape.values:
            return value
        return bad_enum(shape, value, path, errs)
    assert type(shape) is ListShape
    return list_value(shape, value, path, coordinate, errs)


def leaf(value: Any, shape: ScalarShape, path: _Path, errs: _Errors) -> Any:
    """Result coercion of a built-in scalar (not None): the value when it is of the type,
    the lossless conversions the spec allows (an ID given as an int is its decimal string, an
    Int given as an integral float the int), else null with Apollo Gateway's note."""
    value = _coerced(value, shape.name)
    if value is _INVALID:
        errs.add(f"Invalid value found for field {shape.coordinate}.", path)
        return None
    return value


def fast_leaf(value: Any, shape: ScalarShape) -> Any:
    """``leaf`` for the fast functions: the value or its lossless conversion, else (a wrong
    value, or a null where the field is non-null) ``Fallback``."""
    value = _coerced(value, shape.name)
    if value is _INVALID:
        raise Fallback
    return value


def _coerced(value: Any, name: str) -> Any:
    kind = type(value)
    if name == "String":
        if kind is str:
            return value
    elif name == "ID":
        if kind is str:
            return value
        if kind is int:
            return str(value)
    elif name == "Boolean":
        if kind is bool:
            return value
    elif name == "Int":
        if kind is float and value.is_integer():
            value = int(value)
            kind = int
        if kind is int and _INT_MIN <= value <= _INT_MAX:
            return value
    elif kind is float or kind is int:  # Float: JSON numbers are finite (orjson refuses more)
        return value
    return _INVALID


def bad_enum(shape: EnumShape, value: Any, path: _Path, errs: _Errors) -> None:
    errs.add(f'Enum "{shape.name}" cannot represent value: {_repr(value)}', path)
    return None


def _invalid_typename(
    sel: SelectionShape, data: dict[str, Any], path: _Path, errs: _Errors
) -> None:
    """An object whose type the API schema does not have (an ``@inaccessible`` type): null."""
    typename = _repr(data.get("__typename"))
    errs.add(f"Invalid __typename {typename} for an object of type {sel.parent.name}.", path)


def not_object(value: Any, path: _Path, coordinate: str, errs: _Errors) -> Any:
    """A non-object where the schema wants one: null plus an error."""
    errs.add(f"Expected an object for {coordinate}, got {type(value).__name__}.", path)
    return None


def list_value(shape: ListShape, value: Any, path: _Path, coordinate: str, errs: _Errors) -> Any:
    if type(value) is not list:
        errs.add(f"Expected a list for {coordinate}, got {type(value).__name__}.", path)
        return None
    item = shape.item
    item_non_null = shape.item_non_null
    out: list[Any] = []
    if type(item) is SelectionShape:
        # The common case (a list of objects), without the generic dispatch per item
        for i, v in enumerate(value):
            if v is not None:
                if type(v) is not dict:
                    v = not_object(v, (path, i), coordinate, errs)
                else:
                    v = object_value(item, v, (path, i), errs)
            if v is None and item_non_null:
                errs.null(coordinate, (path, i))
                return None
            out.append(v)
        return out
    for i, v in enumerate(value):
        if v is not None and item is not None:
            v = _complete(item, v, (path, i), coordinate, errs)
        if v is None and item_non_null:
            errs.null(coordinate, (path, i))
            return None
        out.append(v)
    return out


def fast_object(sel: SelectionShape, data: dict[str, Any]) -> dict[str, Any]:
    """An object of an abstract type (or a selection with no fast function) for the fast
    functions: its runtime type's fast function; an unknown type gives up (``Fallback``)."""
    fast = sel.fast
    if fast is None:
        fast = sel.fast_for(data.get("__typename"))
        if fast is None:
            raise Fallback
    return fast(data)


def fast_item(value: Any, non_null: bool) -> None:
    """A list item that is not an object where the list holds objects: a null stays null
    where the items are nullable; anything else gives up (``Fallback``)."""
    if value is None and not non_null:
        return None
    raise Fallback


def fast_list(shape: ListShape, value: list[Any]) -> list[Any]:
    """``list_value`` for the fast functions: the same list where every item is valid, else
    ``Fallback`` (``value`` is a list)."""
    item = shape.item
    non_null = shape.item_non_null
    out: list[Any] = []
    for v in value:
        if v is None:
            if non_null:
                raise Fallback
        elif item is not None:
            v = _fast_value(item, v)
        out.append(v)
    return out


def _fast_value(shape: ValueShape, value: Any) -> Any:
    """A list item (not None) for ``fast_list``, as ``_complete`` completes it."""
    if type(shape) is ScalarShape:
        return fast_leaf(value, shape)
    if type(shape) is SelectionShape:
        if type(value) is dict:
            return fast_object(shape, value)
        raise Fallback
    if type(shape) is EnumShape:
        if type(value) is str and value in shape.values:
            return value
        raise Fallback
    assert type(shape) is ListShape
    if type(value) is list:
        return fast_list(shape, value)
    raise Fallback


def _repr(value: Any) -> str:
    return f'"{value}"' if isinstance(value, str) else repr(value)
