"""Merging of enum types: union for output-only, intersection for input-only, else equality."""

from __future__ import annotations

from collections.abc import Sequence

from .context import MergeContext, sgs
from .merge_directives import applied_directives
from .model import EnumValue, Subgraph, TypeDef, TypeKind, named_type
from .supergraph import JoinType, MergedEnumValue, MergedType


def enum_usage(ctx: MergeContext, name: str) -> tuple[str | None, str | None]:
    """An example input position and an example output position using the enum, if any."""
    as_input: str | None = None
    as_output: str | None = None
    for _, td, f in ctx.all_fields():
        coordinate = f"{td.name}.{f.name}"
        if td.kind is TypeKind.INPUT:
            if named_type(f.type) == name and as_input is None:
                as_input = coordinate
            continue
        if named_type(f.type) == name and as_output is None and not f.has("external"):
            as_output = coordinate
        for arg in f.args:
            if named_type(arg.type) == name and as_input is None:
                as_input = f"{coordinate}({arg.name}:)"
    return as_input, as_output


def merge_enum(
    ctx: MergeContext, name: str, defs: Sequence[tuple[Subgraph, TypeDef]]
) -> MergedType:
    as_input, as_output = enum_usage(ctx, name)
    value_names = list(dict.fromkeys(v.name for _, td in defs for v in td.values))
    values = []
    for value_name in value_names:
        having = [(sg, v) for sg, td in defs for v in td.values if v.name == value_name]
        if len(having) < len(defs) and not _keep_partial(
            ctx, name, value_name, defs, having, as_input, as_output
        ):
            continue
        values.append(_merged_value(ctx, f"{name}.{value_name}", having))
    if not values and not (as_input and as_output):
        ctx.error(
            "EMPTY_MERGED_ENUM_TYPE",
            f'None of the values of enum type "{name}" are defined consistently in all the '
            f"subgraphs defining that type. As only values common to all subgraphs are merged, "
            f"this would result in an empty type.",
            element=name,
            subgraphs=tuple(sg.name for sg, _ in defs),
            locations=tuple(td.loc for _, td in defs),
            fix="Define at least one common value in every subgraph defining the enum.",
        )
    return MergedType(
        name=name,
        kind=TypeKind.ENUM,
        description=ctx.description(name, [(sg, td.description) for sg, td in defs]),
        joins=tuple(JoinType(ctx.graph(sg)) for sg, _ in defs),
        values=tuple(values),
        applied=applied_directives(ctx, [(sg, td.directives) for sg, td in defs]),
    )


def _merged_value(
    ctx: MergeContext, coordinate: str, having: list[tuple[Subgraph, EnumValue]]
) -> MergedEnumValue:
    return MergedEnumValue(
        name=coordinate.split(".")[1],
        description=ctx.description(coordinate, [(sg, v.description) for sg, v in having]),
        graphs=tuple(ctx.graph(sg) for sg, _ in having),
        applied=applied_directives(ctx, [(sg, v.directives) for sg, v in having]),
    )


def _keep_partial(
    ctx: MergeContext,
    name: str,
    value_name: str,
    defs: Sequence[tuple[Subgraph, TypeDef]],
    having: list[tuple[Subgraph, EnumValue]],
    as_input: str | None,
    as_output: str | None,
) -> bool:
    """Decide on a value missing from some subgraphs (and report it); True keeps it."""
    present = [sg.name for sg, _ in having]
    absent = [sg.name for sg, _ in defs if sg.name not in present]
    where = f'"{value_name}" is defined in {sgs(present)} but not in {sgs(absent)}'
    coordinate = f"{name}.{value_name}"
    if as_input and as_output:
        ctx.error(
            "ENUM_VALUE_MISMATCH",
            f'Enum type "{name}" is used as both input type (for example, as type of '
            f'"{as_input}") and output type (for example, as type of "{as_output}"), but '
            f'value "{value_name}" is not defined in all the subgraphs defining "{name}": '
            f"{where}",
            element=coordinate,
            subgraphs=tuple(present + absent),
            locations=tuple(v.loc for _, v in having),
            fix=f'Define "{value_name}" in every subgraph defining "{name}", or remove it '
            "from all of them.",
        )
        return False
    code, message = _partial_hint(name, value_name, where, is_input=as_input is not None)
    ctx.hint(code, message, element=coordinate, subgraphs=tuple(present + absent))
    return as_input is None


def _partial_hint(name: str, value_name: str, where: str, *, is_input: bool) -> tuple[str, str]:
    if is_input:
        return "INCONSISTENT_ENUM_VALUE_FOR_INPUT_ENUM", (
            f'Value "{value_name}" of input enum type "{name}" has been removed from the '
            f'supergraph because it is not defined in all the subgraphs defining "{name}": '
            f"{where}."
        )
    return "INCONSISTENT_ENUM_VALUE_FOR_OUTPUT_ENUM", (
        f'Value "{value_name}" of enum type "{name}" has been added to the supergraph but is '
        f'only defined in a subset of the subgraphs defining "{name}": {where}.'
    )
