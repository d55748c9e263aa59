"""Shapes the merged subgraph data into exactly the client's response.

Walks a ``SelectionShape`` (see ``shape_compile.py``): request order, aliases, fragments by
``__typename``, enum checks against the API schema, and the spec's null propagation.

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
from .shape_compile import EnumShape, FieldKind, ListShape, SelectionShape, ValueShape

__all__ = ["shape_response"]

# Response paths are built as cons cells (parent, key) and only turned into lists for errors.
_Path = tuple[Any, str | int] | None
_TYPENAME = FieldKind.TYPENAME


def shape_response(
    root: SelectionShape,
    data: dict[str, Any],
    errors: list[dict[str, Any]],
    notes: list[dict[str, Any]] | None = None,
) -> dict[str, Any] | None:
    """The client's ``data`` (None if a null propagated to the root). ``errors``: the errors so
    far (they explain the nulls they caused); value completion notes are appended to ``notes``."""
    return _object(root, data, None, _Errors(errors, [] if notes is None else notes))


class _Errors:
    __slots__ = ("_exact", "_prefixes", "errors", "notes")

    def __init__(self, errors: list[dict[str, Any]], notes: list[dict[str, Any]]) -> None:
        self.errors = errors
        self.notes = notes
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


def _object(
    sel: SelectionShape, data: dict[str, Any], path: _Path, errs: _Errors
) -> dict[str, Any] | None:
    fields = sel.concrete
    if fields is None:
        fields = sel.fields_for(data.get("__typename"))
        if fields is None:
            _invalid_typename(sel, data, path, errs)
            return None
    elif sel.leaves is not None:
        out = {key: data.get(key) for key in sel.leaves}
        for key in sel.required:
            if out[key] is None:
                break  # the general walk below reports it and nulls the parent
        else:
            return out
    out = {}
    for key, kind, non_null, shape, coordinate, typename, source in fields:
        if kind == _TYPENAME:
            out[key] = typename or data.get("__typename")
            continue
        value = data.get(source)
        if value is not None and shape is not None:
            if type(shape) is SelectionShape:
                if type(value) is not dict:
                    value = _not_object(value, (path, key), coordinate, errs)
                elif shape.leaves is not None:
                    # a scalars-only object (most objects of a large response), without the
                    # call: ``_object``'s first branch, inlined; a null where a non-null
                    # belongs takes the general walk
                    leaf = {k: value.get(k) for k in shape.leaves}
                    for k in shape.required:
                        if leaf[k] is None:
                            value = _object(shape, value, (path, key), errs)
                            break
                    else:
                        value = leaf
                else:
                    value = _object(shape, value, (path, key), errs)
            else:
                value = _complete(shape, value, (path, key), coordinate, errs)
        if value is None and non_null:
            errs.null(coordinate, (path, key))
            return None
        out[key] = value
    return out


def _complete(shape: ValueShape, value: Any, path: _Path, coordinate: str, errs: _Errors) -> Any:
    if type(shape) is SelectionShape:
        if type(value) is dict:
            return _object(shape, value, path, errs)
        return _not_object(value, path, coordinate, errs)
    if type(shape) is EnumShape:
        if isinstance(value, str) and value in shape.values:
            return value
        errs.add(f'Enum "{shape.name}" cannot represent value: {_repr(value)}', path)
        return None
    assert type(shape) is ListShape
    return _list(shape, value, path, coordinate, errs)


def _invalid_typename(
    sel: SelectionShape, data: dict[str, Any], path: _Path, errs: _Errors
) -> None:
    """An object whose type the API schema does not have (an ``@inaccessible`` type): null."""
    typename = _repr(data.get("__typename"))
    errs.add(f"Invalid __typename {typename} for an object of type {sel.parent.name}.", path)


def _not_object(value: Any, path: _Path, coordinate: str, errs: _Errors) -> Any:
    """A non-object where the schema wants one: null plus an error."""
    errs.add(f"Expected an object for {coordinate}, got {type(value).__name__}.", path)
    return None


def _list(shape: ListShape, value: Any, path: _Path, coordinate: str, errs: _Errors) -> Any:
    if type(value) is not list:
        errs.add(f"Expected a list for {coordinate}, got {type(value).__name__}.", path)
        return None
    item = shape.item
    item_non_null = shape.item_non_null
    out: list[Any] = []
    if type(item) is SelectionShape:
        # The common case (a list of objects), without the generic dispatch per item.
        for i, v in enumerate(value):
            if v is not None:
                v = (
                    _object(item, v, (path, i), errs)
                    if type(v) is dict
                    else _not_object(v, (path, i), coordinate, errs)
                )
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


def _repr(value: Any) -> str:
    return f'"{value}"' if isinstance(value, str) else repr(value)
