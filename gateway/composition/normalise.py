"""Normalise subgraphs before merging.

Type-level ``@shareable`` and ``@external`` are pushed down to the fields. Federation 1
subgraphs are read with Federation 1 semantics: every field may be shared, ``@external``
on a key field of an extension only marks the key, and unused ``@external`` fields are
dropped (Federation 1 allowed them). In Federation 2, an ``@external`` key field of an
extension (``extend type`` or ``@extends``) is not external either, as in Apollo's composition
("fake" externals, kept for compatibility): it is marked ``fakeExternal`` instead, which only
the @requires/@provides messages read.
"""

from __future__ import annotations

from dataclasses import replace

from .model import Directive, Field, Subgraph, TypeDef, TypeKind
from .usage import fields_used_by, key_field_pairs, key_fields


def _push_down(td: TypeDef, name: str) -> TypeDef:
    directive = td.directive(name)
    if directive is None or td.kind is not TypeKind.OBJECT:
        return td
    fields = tuple(
        f if f.has(name) else replace(f, directives=(*f.directives, directive)) for f in td.fields
    )
    return replace(td, fields=fields)


def _fed1_type(sg: Subgraph, td: TypeDef, used: set[tuple[str, str]]) -> TypeDef:
    keys = key_fields(sg, td.name)
    shareable = Directive("shareable", {}, td.loc, federation=True)
    fields: list[Field] = []
    for f in td.fields:
        if f.has("external"):
            if f.name in keys:
                f = replace(f, directives=tuple(d for d in f.directives if d.name != "external"))
            elif (td.name, f.name) not in used:
                continue
        if td.kind is TypeKind.OBJECT and not f.has("shareable"):
            f = replace(f, directives=(*f.directives, shareable))
        fields.append(f)
    return replace(td, fields=tuple(fields))


def normalise(sg: Subgraph) -> Subgraph:
    types = {
        name: _push_down(_push_down(td, "shareable"), "external") for name, td in sg.types.items()
    }
    sg = replace(sg, types=types)
    if not sg.fed1:
        return _without_fake_externals(sg)
    used = fields_used_by(sg, ("requires", "provides"))
    return replace(sg, types={n: _fed1_type(sg, td, used) for n, td in sg.types.items()})


def _without_fake_externals(sg: Subgraph) -> Subgraph:
    fake = {
        pair for td in sg.types.values() if td.extension for pair in key_field_pairs(sg, td.name)
    }
    if not fake:
        return sg
    types = dict(sg.types)
    for type_name, field_name in fake:
        td = types.get(type_name)
        f = td.field(field_name) if td is not None else None
        if td is None or f is None or not f.has("external"):
            continue
        directives = tuple(
            replace(d, name="fakeExternal") if d.name == "external" else d for d in f.directives
        )
        fields = tuple(replace(x, directives=directives) if x is f else x for x in td.fields)
        types[type_name] = replace(td, fields=fields)
    return replace(sg, types=types)
