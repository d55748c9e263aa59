"""Merging of input object types: fields by intersection."""

from __future__ import annotations

from collections.abc import Sequence

from .context import MergeContext, sgs
from .merge_directives import applied_directives
from .merge_fields import merge_default, merge_field_type
from .model import Field, Subgraph, TypeDef, TypeKind
from .supergraph import JoinField, JoinType, MergedField, MergedType


def merge_input(
    ctx: MergeContext, name: str, defs: Sequence[tuple[Subgraph, TypeDef]]
) -> MergedType:
    field_names = list(dict.fromkeys(f.name for _, td in defs for f in td.fields))
    fields = []
    for field_name in field_names:
        having = [(sg, f) for sg, td in defs if (f := td.field(field_name)) is not None]
        if len(having) < len(defs):
            _report_partial(ctx, name, field_name, defs, having)
            continue
        merged = _merge_input_field(ctx, f"{name}.{field_name}", having)
        if merged is not None:
            fields.append(merged)
    if not fields:
        ctx.error(
            "EMPTY_MERGED_INPUT_TYPE",
            f'None of the fields of input object type "{name}" are consistently defined in all '
            f"the subgraphs defining that type. As only fields common to all subgraphs are "
            f"merged, this would result in an empty type.",
            element=name,
            subgraphs=tuple(sg.name for sg, _ in defs),
            locations=tuple(td.loc for _, td in defs),
            fix="Define at least one common field in every subgraph defining the input type.",
        )
    return MergedType(
        name=name,
        kind=TypeKind.INPUT,
        description=ctx.description(name, [(sg, td.description) for sg, td in defs]),
        joins=tuple(JoinType(ctx.graph(sg)) for sg, _ in defs),
        fields=tuple(fields),
        applied=applied_directives(ctx, [(sg, td.directives) for sg, td in defs]),
    )


def _merge_input_field(
    ctx: MergeContext, coordinate: str, having: list[tuple[Subgraph, Field]]
) -> MergedField | None:
    field_type = merge_field_type(ctx, coordinate, having, is_input=True)
    if field_type is None:
        return None
    differ = len({f.type for _, f in having}) > 1
    joins = tuple(JoinField(ctx.graph(sg), type=f.type) for sg, f in having) if differ else ()
    return MergedField(
        name=having[0][1].name,
        type=field_type,
        description=ctx.description(coordinate, [(sg, f.description) for sg, f in having]),
        joins=joins,
        applied=applied_directives(ctx, [(sg, f.directives) for sg, f in having]),
        default=merge_default(ctx, coordinate, [(sg, f.default, f.loc) for sg, f in having]),
    )


def _report_partial(
    ctx: MergeContext,
    name: str,
    field_name: str,
    defs: Sequence[tuple[Subgraph, TypeDef]],
    having: list[tuple[Subgraph, Field]],
) -> None:
    present = [sg.name for sg, _ in having]
    absent = [sg.name for sg, _ in defs if sg.name not in present]
    required = [sg.name for sg, f in having if f.type.endswith("!") and f.default is None]
    coordinate = f"{name}.{field_name}"
    if required:
        ctx.error(
            "REQUIRED_INPUT_FIELD_MISSING_IN_SOME_SUBGRAPH",
            f'Input object field "{coordinate}" is required in some subgraphs but does not '
            f"appear in all subgraphs: it is required in {sgs(required)} but does not appear "
            f"in {sgs(absent)}",
            element=coordinate,
            subgraphs=tuple(present + absent),
            locations=tuple(f.loc for _, f in having),
            fix="Add the field to the input type in every subgraph, or make it optional.",
        )
        return
    ctx.hint(
        "INCONSISTENT_INPUT_OBJECT_FIELD",
        f'Input object field "{field_name}" will not be added to "{name}" in the supergraph as '
        f"it does not appear in all subgraphs: it is defined in {sgs(present)} but not in "
        f"{sgs(absent)}.",
        element=coordinate,
        subgraphs=tuple(present + absent),
    )
