"""Python source generated per compiled selection: one function per object field list, which
shapes one object of the merged data (``fn(data, path, errs) -> dict | None``).

Why generated: the shaping walk touches every leaf of the response, and a generic loop over
the field list pays per field for unpacking the ``FieldShape``, testing its kind and its
shape, and storing into the output dict. The generated function does only what each field
needs, inline: a read, the leaf's result coercion as a fast type test (``type(v) is str``,
an Int's range, an enum's known values) whose failure alone calls into ``shape.py``, the
non-null check, a direct call of a child object's own function; the object is built by one
dict display. So checking every built-in scalar leaf (issue 9, decision 0011) costs about
what the unchecked generic walk did.

The source holds only ``repr()`` literals of the selection's keys, coordinates and type names
(GraphQL names) and names bound in the function's own namespace (the child shapes, enum
value sets): nothing from the data. Generated once per field list, at plan time; the same
source text is compiled once (``_SOURCES``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from .shape_fast import MISSES
from .source_cache import SourceCache

if TYPE_CHECKING:
    from .shape_compile import FieldShape

__all__ = ["ShapeFn", "generate"]

ShapeFn = Callable[[dict[str, Any], Any, Any], "dict[str, Any] | None"]

# The inline test of a value that is correct as it is (``{v}``: the value, not None).
# Anything else takes ``_leaf`` (shape.py), which converts losslessly or nulls with a note.
_FAST = {
    "String": "type({v}) is str",
    "ID": "type({v}) is str",
    "Boolean": "type({v}) is bool",
    "Int": "type({v}) is int and -2147483648 <= {v} <= 2147483647",
    "Float": "type({v}) is float or type({v}) is int",
}


def generate(fields: Sequence[FieldShape]) -> ShapeFn:
    """The shaping function of one object's field list (see the module docstring)."""
    from . import shape  # the walker's helpers (shape.py imports this module's caller)
    from .shape_compile import EnumShape, FieldKind, ListShape, ScalarShape, SelectionShape

    namespace: dict[str, Any] = {
        "_leaf": shape.leaf,
        "_object": shape.object_value,
        "_not_object": shape.not_object,
        "_list": shape.list_value,
        "_bad_enum": shape.bad_enum,
        "_MISSES": MISSES,
    }
    body = ["    get = data.get"]
    keys: list[str] = []
    for i, f in enumerate(fields):
        x = f"v{i}"
        keys.append(f"{f.key!r}: {x}")
        if f.kind == FieldKind.TYPENAME:
            found = repr(f.typename) if f.typename else "get('__typename')"
            body.append(f"    {x} = {found}")
            continue
        here = f"(path, {f.key!r})"
        lines = [f"{x} = get({f.source!r})"]
        value = f.value
        if f.kind == FieldKind.VALUE and value is not None:
            name = f"s{i}"
            namespace[name] = value
            if type(value) is ScalarShape:
                # a valid value (the usual case) pays the one type test, nothing more
                fast = _FAST[value.name].format(v=x)
                lines += [f"if not ({fast}):", f"    if {x} is not None:"]
                lines.append(f"        {x} = _leaf({x}, {name}, {here}, errs)")
                if f.non_null:
                    lines += _null_exit(x, f.coordinate, here, "    ")
                body += [f"    {line}" for line in lines]
                continue
            elif type(value) is EnumShape:
                namespace[f"e{i}"] = value.values
                lines += [
                    f"if {x} is not None and (type({x}) is not str or {x} not in e{i}):",
                    f"    {x} = _bad_enum({name}, {x}, {here}, errs)",
                ]
            elif type(value) is SelectionShape:
                call = [f"{x} = _object({name}, {x}, {here}, errs)"]
                if value.fn is not None and value.fast is not None:  # an object type
                    namespace[f"f{i}"] = value.fn
                    namespace[f"g{i}"] = value.fast
                    call = _fast_first(x, f"g{i}", f"f{i}", here)
                lines += [f"if {x} is not None:", f"    if type({x}) is dict:"]
                lines += [f"        {line}" for line in call]
                lines += [
                    "    else:",
                    f"        {x} = _not_object({x}, {here}, {f.coordinate!r}, errs)",
                ]
            else:
                assert type(value) is ListShape
                item = value.item
                if type(item) is SelectionShape and item.fn is not None and item.fast:
                    # a list of one object type: the items' loop inline (shape.list_value's,
                    # without the call and its dispatch per list)
                    namespace[f"f{i}"] = item.fn
                    namespace[f"g{i}"] = item.fast
                    lines += _object_list(i, x, name, here, f.coordinate, value.item_non_null)
                else:
                    lines += [
                        f"if {x} is not None:",
                        f"    {x} = _list({name}, {x}, {here}, {f.coordinate!r}, errs)",
                    ]
        if f.non_null:
            lines += _null_exit(x, f.coordinate, here)
        body += [f"    {line}" for line in lines]
    body.append("    return {" + ", ".join(keys) + "}")
    source = "def shape_object(data, path, errs):\n" + "\n".join(body) + "\n"
    exec(_SOURCES.fresh(source), namespace)
    fn: ShapeFn = namespace["shape_object"]
    return fn


# Compiled sources, by text (the same selection compiles once), bounded
_SOURCES = SourceCache("<fedgate shaping>", 4096)


def _fast_first(x: str, fast: str, fn: str, here: str) -> list[str]:
    """A child object of an object type: its fast function while the request's fast
    functions have not given up below the root (``errs.fast``), and where that gives up (it
    has no side effect: ``shape_fast.py``) its path-aware one; after that, the path-aware
    one only (data that broke the schema once is likely to again: an entity fetch that
    failed for every object; each try would cost the subtree's fast walk again)."""
    return [
        "if errs.fast:",
        "    try:",
        f"        {x} = {fast}({x})",
        "    except _MISSES:",
        "        errs.fast = False",
        f"        {x} = {fn}({x}, {here}, errs)",
        "else:",
        f"    {x} = {fn}({x}, {here}, errs)",
    ]


def _null_exit(x: str, coordinate: str, here: str, indent: str = "") -> list[str]:
    """A null where the schema says non-null: the object is null (the spec's propagation)."""
    return [
        f"{indent}if {x} is None:",
        f"{indent}    errs.null({coordinate!r}, {here})",
        f"{indent}    return None",
    ]


def _object_list(
    i: int, x: str, name: str, here: str, coordinate: str, item_non_null: bool
) -> list[str]:
    """``shape.list_value`` for a list of one object type, inline: the same results and
    errors, in the same order (a non-list goes to ``_list`` for its error)."""
    p, out, w, j = f"p{i}", f"o{i}", f"w{i}", f"j{i}"
    at = f"({p}, {j})"
    lines = [
        f"if {x} is not None:",
        f"    if type({x}) is list:",
        f"        {p} = {here}",
        f"        {out} = []",
        f"        for {j}, {w} in enumerate({x}):",
        f"            if {w} is not None:",
        f"                if type({w}) is dict:",
        *(f"                    {line}" for line in _fast_first(w, f"g{i}", f"f{i}", at)),
        "                else:",
        f"                    {w} = _not_object({w}, ({p}, {j}), {coordinate!r}, errs)",
    ]
    if item_non_null:
        lines += [
            f"            if {w} is None:",
            f"                errs.null({coordinate!r}, ({p}, {j}))",
            f"                {out} = None",
            "                break",
        ]
    lines += [
        f"            {out}.append({w})",
        f"        {x} = {out}",
        "    else:",
        f"        {x} = _list({name}, {x}, {here}, {coordinate!r}, errs)",
    ]
    return lines
