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
path-aware function tries the fast one again for each child object, so only the subtree
holding the unexpected value is shaped the slow way.

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
    from .shape_compile import FieldShape

__all__ = ["MISSES", "Fallback", "FastFn", "generate_fast"]

FastFn = Callable[[dict[str, Any]], dict[str, Any]]


class Fallback(Exception):
    """The data breaks the schema here: shape this object with the path-aware function."""


# What a fast function raises where it gives up (a missing key raises KeyError by itself)
MISSES = (KeyError, Fallback)

# The inline test of a valid non-null value ``{v}``, as in ``shape_codegen._FAST``
_FAST = {
    "String": "type({v}) is str",
    "ID": "type({v}) is str",
    "Boolean": "type({v}) is bool",
    "Int": "type({v}) is int and -2147483648 <= {v} <= 2147483647",
    "Float": "type({v}) is float or type({v}) is int",
}


def generate_fast(fields: Sequence[FieldShape]) -> FastFn:
    """The fast function of one object's field list (see the module docstring)."""
    from . import shape
    from .shape_compile import EnumShape, FieldKind, ListShape, ScalarShape, SelectionShape

    namespace: dict[str, Any] = {
        "_Fallback": Fallback,
        "_leaf": shape.fast_leaf,
        "_object": shape.fast_object,
        "_list": shape.fast_list,
        "_item": shape.fast_item,
    }
    body: list[str] = []
    keys: list[str] = []
    for i, f in enumerate(fields):
        x = f"v{i}"
        keys.append(f"{f.key!r}: {x}")
        if f.kind == FieldKind.TYPENAME:
            found = repr(f.typename) if f.typename else "data.get('__typename')"
            body.append(f"{x} = {found}")
            continue
        body.append(f"{x} = data[{f.source!r}]")
        value = f.value
        nullable = "" if f.non_null else f" and {x} is not None"
        if f.kind != FieldKind.VALUE or value is None:
            if f.non_null:
                body += [f"if {x} is None:", "    raise _Fallback"]
            continue
        name = f"s{i}"
        namespace[name] = value
        if type(value) is ScalarShape:
            # a valid value (the usual case) pays the one type test
            fast = _FAST[value.name].format(v=x)
            body += [f"if not ({fast}){nullable}:", f"    {x} = _leaf({x}, {name})"]
        elif type(value) is EnumShape:
            namespace[f"e{i}"] = value.values
            body += [
                f"if (type({x}) is not str or {x} not in e{i}){nullable}:",
                "    raise _Fallback",
            ]
        elif type(value) is SelectionShape:
            call = f"_object({name}, {x})"
            if value.fast is not None:  # an object type: its own function, directly
                namespace[f"f{i}"] = value.fast
                call = f"f{i}({x})"
            body += [f"if type({x}) is dict:", f"    {x} = {call}"]
            body += [f"elif {x} is not None:" if nullable else "else:", "    raise _Fallback"]
        else:
            assert type(value) is ListShape
            body += _list(i, x, name, value, nullable, namespace)
    body.append("return {" + ", ".join(keys) + "}")
    source = "def shape_fast(data):\n" + "".join(f"    {line}\n" for line in body)
    exec(_SOURCES.fresh(source), namespace)
    fn: FastFn = namespace["shape_fast"]
    return fn


def _list(
    i: int, x: str, name: str, value: Any, nullable: str, namespace: dict[str, Any]
) -> list[str]:
    """A list field: a list of one object type by a comprehension calling the items' function
    (a null item where the items are nullable stays null: ``_item``), any other by
    ``shape.fast_list``."""
    from .shape_compile import SelectionShape

    item = value.item
    if type(item) is SelectionShape and item.fast is not None:
        namespace[f"f{i}"] = item.fast
        other = f"_item(w, {value.item_non_null})"
        items = f"[f{i}(w) if type(w) is dict else {other} for w in {x}]"
    else:
        items = f"_list({name}, {x})"
    return [
        f"if type({x}) is list:",
        f"    {x} = {items}",
        f"elif {x} is not None:" if nullable else "else:",
        "    raise _Fallback",
    ]


# Compiled sources, by text (the same selection compiles once), bounded
_SOURCES = SourceCache("<fedgate fast shaping>", 4096)
