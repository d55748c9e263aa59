"""The fast shaping function generated per object field list: ``fast(data) -> dict``, for
data that is what the API schema says (the usual request), raising ``Fallback`` (or the
``KeyError`` of a missing key) at the first value that is not.

Why a second function beside ``shape_codegen``'s: that one carries the response path and the
error list through every object, so it can null a value, write its note and propagate the
null where the data breaks the schema. On valid data none of that is used, yet it costs per
object a path tuple for each child and a call of ``data.get`` per field. This one reads by
subscript (a missing key raises), keeps no path and writes no error: it has no side effect,
so where it raises, the caller shapes the same object again with the path-aware function
(``shape.object_value`` and the path-aware code's child calls, ``MISSES``), which gives the
results, notes and their order exactly as if the fast function had not been tried. The
path-aware function tries the fast one again for each child object until one gives up below
the root (then the rest of the request is shaped the path-aware way: data that broke the
schema once likely does again); a request that has errors already does not try at all
(``shape.shape_response``).

Per object it is one function: child objects and the items of lists of objects are read
inline, in loops in the parent's function, up to ``_INLINE_DEPTH`` levels down (a call less
per object); deeper, each child's own fast function is called (a list of them by
``list(map())``: an item that is not an object fails its first subscript with a
``TypeError``, which gives up too, as does a null item: rare, and the path-aware code knows
whether the items are nullable).

What the fast function handles without raising: nulls where the schema allows them, the
lossless scalar conversions (an ID given as an int, an Int as an integral float: ``shape``'s
``fast_leaf``) and abstract types (``shape.fast_object``). Everything else that the
path-aware function would turn into a note or a propagated null raises.

The source holds only ``repr()`` literals of the selection's keys and names bound in its own
namespace, as ``shape_codegen``'s does; the same text compiles once (``_SOURCES``), each
function gets its own copy of the code (``SourceCache.fresh``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from .source_cache import SourceCache

if TYPE_CHECKING:
    from .shape_compile import FieldShape, ListShape, SelectionShape

__all__ = ["MISSES", "Fallback", "FastFn", "generate_fast"]

FastFn = Callable[[dict[str, Any]], dict[str, Any]]


class Fallback(Exception):
    """The data breaks the schema here: shape this object with the path-aware function."""


# What a fast function raises where it gives up: a missing key raises KeyError, a subscript
# of what is not an object (a list item) TypeError
MISSES = (KeyError, TypeError, Fallback)

# The inline test of a value (``{v}``) that is not a valid non-null value of the scalar: each
# comparison directly before its jump, so CPython specialises it (a chained comparison
# is not)
_WRONG = {
    "String": "type({v}) is not str",
    "ID": "type({v}) is not str",
    "Boolean": "type({v}) is not bool",
    "Int": "type({v}) is not int or {v} < -2147483648 or {v} > 2147483647",
    "Float": "type({v}) is not float and type({v}) is not int",
}


def generate_fast(fields: Sequence[FieldShape]) -> FastFn:
    """The fast function of one object's field list (see the module docstring)."""
    from . import shape

    namespace: dict[str, Any] = {
        "_Fallback": Fallback,
        "_leaf": shape.fast_leaf,
        "_object": shape.fast_object,
        "_list": shape.fast_list,
        "_item": shape.fast_item,
    }
    body, built = _object(fields, "data", "v", namespace, 0)
    body.append(f"return {built}")
    source = f"def shape_fast(data, {_LOCAL_BUILTINS}):\n" + "".join(
        f"    {line}\n" for line in body
    )
    exec(_SOURCES.fresh(source), namespace)
    fn: FastFn = namespace["shape_fast"]
    return fn


def _object(
    fields: Sequence[FieldShape], data: str, prefix: str, namespace: dict[str, Any], depth: int
) -> tuple[list[str], str]:
    """The lines reading and checking the fields of the object in variable ``data`` into
    variables named from ``prefix``, and the dict display building the shaped object."""
    from .shape_compile import EnumShape, FieldKind, ListShape, ScalarShape, SelectionShape

    body: list[str] = []
    keys: list[str] = []
    for i, f in enumerate(fields):
        x = f"{prefix}{i}"
        keys.append(f"{f.key!r}: {x}")
        if f.kind == FieldKind.TYPENAME:
            found = repr(f.typename) if f.typename else f"{data}.get('__typename')"
            body.append(f"{x} = {found}")
            continue
        body.append(f"{x} = {data}[{f.source!r}]")
        value = f.value
        nullable = "" if f.non_null else f" and {x} is not None"
        if f.kind != FieldKind.VALUE or value is None:
            if f.non_null:
                body += [f"if {x} is None:", "    raise _Fallback"]
            continue
        name = f"s{x}"
        namespace[name] = value
        if type(value) is ScalarShape:
            # a valid value (the usual case) pays the one type test
            wrong = _WRONG[value.name].format(v=x)
            body += [f"if ({wrong}){nullable}:", f"    {x} = _leaf({x}, {name})"]
        elif type(value) is EnumShape:
            namespace[f"e{x}"] = value.values
            body += [
                f"if (type({x}) is not str or {x} not in e{x}){nullable}:",
                "    raise _Fallback",
            ]
        elif type(value) is SelectionShape:
            body.append(f"if type({x}) is dict:")
            body += [f"    {line}" for line in _child(value, x, name, namespace, depth)]
            body += [f"elif {x} is not None:" if nullable else "else:", "    raise _Fallback"]
        else:
            assert type(value) is ListShape
            body += _list(x, name, value, nullable, namespace, depth)
    return body, "{" + ", ".join(keys) + "}"


def _child(
    value: SelectionShape, x: str, name: str, namespace: dict[str, Any], depth: int
) -> list[str]:
    """A child object in variable ``x`` (a dict): an object type's fields read inline, in
    this function (a call less per object), up to ``_INLINE_DEPTH`` levels; deeper, its own
    fast function; an abstract type's by ``shape.fast_object``."""
    if value.concrete is not None and value.fast is not None:
        if depth < _INLINE_DEPTH:
            lines, built = _object(value.concrete, x, f"{x}_", namespace, depth + 1)
            return [*lines, f"{x} = {built}"]
        namespace[f"f{x}"] = value.fast
        return [f"{x} = f{x}({x})"]
    return [f"{x} = _object({name}, {x})"]


def _list(
    x: str, name: str, value: ListShape, nullable: str, namespace: dict[str, Any], depth: int
) -> list[str]:
    """A list field: a list of one object type by a comprehension calling the items' function
    (a null item where the items are nullable stays null: ``_item``), any other by
    ``shape.fast_list``."""
    from .shape_compile import SelectionShape

    item = value.item
    if (
        type(item) is SelectionShape
        and item.concrete is not None
        and _reads(item.concrete)
        and depth < _INLINE_DEPTH
    ):
        w, out = f"w{x}", f"o{x}"
        lines, built = _object(item.concrete, w, f"{x}_", namespace, depth + 1)
        return [
            f"if type({x}) is list:",
            f"    {out} = []",
            f"    for {w} in {x}:",
            *(f"        {line}" for line in lines),
            f"        {out}.append({built})",
            f"    {x} = {out}",
            f"elif {x} is not None:" if nullable else "else:",
            "    raise _Fallback",
        ]
    if type(item) is SelectionShape and item.fast is not None and _reads(item.concrete):
        namespace[f"f{x}"] = item.fast
        items = f"list(map(f{x}, {x}))"
    elif type(item) is SelectionShape and item.fast is not None:
        namespace[f"f{x}"] = item.fast
        other = f"_item(w, {value.item_non_null})"
        items = f"[f{x}(w) if type(w) is dict else {other} for w in {x}]"
    else:
        items = f"_list({name}, {x})"
    return [
        f"if type({x}) is list:",
        f"    {x} = {items}",
        f"elif {x} is not None:" if nullable else "else:",
        "    raise _Fallback",
    ]


def _reads(fields: Sequence[FieldShape] | None) -> bool:
    from .shape_compile import FieldKind

    return fields is not None and any(f.kind != FieldKind.TYPENAME for f in fields)


# Child objects and list items read inline in their parent's function, at most this many
# levels down (the heavy benchmark query's shaping, instructions: 2 levels 1,623 k, 3 1,572 k,
# 4 1,552 k, 5 1,611 k; each level more makes each function's source longer: compiled per
# plan)
_INLINE_DEPTH = 3
# The builtins the tests use, as parameters with defaults: a local load is cheaper than a
# global one (a fast function is only ever called with its one argument)
_LOCAL_BUILTINS = "type=type, str=str, int=int, bool=bool, float=float, dict=dict, list=list"

# Compiled sources, by text (the same selection compiles once), bounded
_SOURCES = SourceCache("<fedgate fast shaping>", 4096)
