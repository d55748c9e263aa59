"""Which fields of a subgraph are used by its @key, @requires and @provides field sets."""

from __future__ import annotations

from .fieldset import FieldSetSyntaxError, Selection, parse_fieldset
from .model import Subgraph, named_type


def _walk(
    sg: Subgraph, type_name: str, selections: tuple[Selection, ...], out: set[tuple[str, str]]
) -> None:
    td = sg.types.get(type_name)
    for sel in selections:
        if not sel.name:
            _walk(sg, sel.type_condition or type_name, sel.selections, out)
            continue
        out.add((type_name, sel.name))
        f = td.field(sel.name) if td is not None else None
        if f is not None and sel.selections:
            _walk(sg, named_type(f.type), sel.selections, out)


def _add(sg: Subgraph, type_name: str, text: object, out: set[tuple[str, str]]) -> None:
    try:
        _walk(sg, type_name, parse_fieldset(str(text)), out)
    except FieldSetSyntaxError:
        return


def fields_used_by(sg: Subgraph, directives: tuple[str, ...]) -> set[tuple[str, str]]:
    """(type, field) pairs selected by the given federation directives' field sets."""
    used: set[tuple[str, str]] = set()
    for td in sg.types.values():
        if "key" in directives:
            for key in td.all_directives("key"):
                _add(sg, td.name, key.args.get("fields", ""), used)
        for f in td.fields:
            requires = f.directive("requires")
            if requires is not None and "requires" in directives:
                _add(sg, td.name, requires.args.get("fields", ""), used)
            provides = f.directive("provides")
            if provides is not None and "provides" in directives:
                _add(sg, named_type(f.type), provides.args.get("fields", ""), used)
    return used


def key_fields(sg: Subgraph, type_name: str) -> set[str]:
    """Top-level field names of the type's keys in the subgraph."""
    td = sg.types.get(type_name)
    names: set[str] = set()
    for key in td.all_directives("key") if td is not None else ():
        try:
            names.update(s.name for s in parse_fieldset(str(key.args.get("fields", ""))) if s.name)
        except FieldSetSyntaxError:
            continue
    return names


def key_field_pairs(sg: Subgraph, type_name: str) -> set[tuple[str, str]]:
    """(type, field) pairs the type's keys select, nested fields included."""
    td = sg.types.get(type_name)
    pairs: set[tuple[str, str]] = set()
    for key in td.all_directives("key") if td is not None else ():
        _add(sg, type_name, key.args.get("fields", ""), pairs)
    return pairs
