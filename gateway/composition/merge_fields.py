"""Merging of field and argument types, arguments and default values."""

from __future__ import annotations

from collections.abc import Sequence

from .context import MergeContext, quote_list, sgs
from .merge_directives import applied_directives
from .model import Argument, Field, Location, Subgraph
from .supergraph import MergedArgument


def is_subtype(ctx: MergeContext, sub: str, sup: str) -> bool:
    """Whether a value of type ``sub`` is always a valid value of type ``sup``."""
    if sup.endswith("!"):
        return sub.endswith("!") and is_subtype(ctx, sub[:-1], sup[:-1])
    sub = sub.removesuffix("!")
    if sup.startswith("["):
        return sub.startswith("[") and is_subtype(ctx, sub[1:-1], sup[1:-1])
    if sub.startswith("["):
        return False
    return sub == sup or ctx.is_subtype_name(sub, sup)


def merge_output_type(ctx: MergeContext, types: Sequence[str]) -> str | None:
    """The most general of the types, if every other one is a subtype of it."""
    distinct = list(dict.fromkeys(types))
    for candidate in distinct:
        if all(is_subtype(ctx, other, candidate) for other in distinct):
            return candidate
    return None


def merge_input_type(ctx: MergeContext, types: Sequence[str]) -> str | None:
    """The most restrictive of the types, if it is a subtype of every other one."""
    distinct = list(dict.fromkeys(types))
    for candidate in distinct:
        if all(is_subtype(ctx, candidate, other) for other in distinct):
            return candidate
    return None


def describe_by_value(label: str, pairs: Sequence[tuple[str, str]], quote: bool = True) -> str:
    """``type "Int" in subgraph "a" but type "String" in subgraphs "b" and "c"``."""
    groups: dict[str, list[str]] = {}
    for sg_name, value in pairs:
        groups.setdefault(value, []).append(sg_name)
    parts = []
    for value, names in groups.items():
        plural = "subgraphs" if len(names) > 1 else "subgraph"
        shown = f'"{value}"' if quote else value
        parts.append(f"{label} {shown} in {plural} {quote_list(names)}")
    return parts[0] + "".join(
        f" {'but' if i == 1 else 'and'} {p}" for i, p in enumerate(parts) if i
    )


def merge_field_type(
    ctx: MergeContext, coordinate: str, defs: Sequence[tuple[Subgraph, Field]], *, is_input: bool
) -> str | None:
    types = [f.type for _, f in defs]
    merged = merge_input_type(ctx, types) if is_input else merge_output_type(ctx, types)
    names = tuple(sg.name for sg, _ in defs)
    if merged is None:
        pairs = [(sg.name, f.type) for sg, f in defs]
        code = "FIELD_TYPE_MISMATCH"
        ctx.error(
            code,
            f'Type of field "{coordinate}" is incompatible across subgraphs: it has '
            f"{describe_by_value('type', pairs)}",
            element=coordinate,
            subgraphs=names,
            locations=tuple(f.loc for _, f in defs),
            fix="Use the same type (or compatible types differing only by nullability or "
            "by a subtype) for this field in every subgraph.",
        )
    elif len(set(types)) > 1:
        ctx.hint(
            "INCONSISTENT_BUT_COMPATIBLE_FIELD_TYPE",
            f'Type of field "{coordinate}" is inconsistent but compatible across subgraphs: '
            f'will use type "{merged}" in supergraph.',
            element=coordinate,
            subgraphs=names,
        )
    return merged


def merge_arguments(
    ctx: MergeContext, coordinate: str, defs: Sequence[tuple[Subgraph, Field]]
) -> tuple[MergedArgument, ...]:
    """Arguments present in every subgraph defining the field (intersection)."""
    names = list(dict.fromkeys(a.name for _, f in defs for a in f.args))
    merged = []
    for name in names:
        arg_defs = [(sg, a) for sg, f in defs if (a := f.arg(name)) is not None]
        arg_coordinate = f"{coordinate}({name}:)"
        if len(arg_defs) < len(defs):
            _report_missing_argument(ctx, arg_coordinate, defs, arg_defs)
            continue
        result = _merge_argument(ctx, arg_coordinate, arg_defs)
        if result is not None:
            merged.append(result)
    return tuple(merged)


def _report_missing_argument(
    ctx: MergeContext,
    coordinate: str,
    defs: Sequence[tuple[Subgraph, Field]],
    arg_defs: Sequence[tuple[Subgraph, Argument]],
) -> None:
    having = [sg.name for sg, _ in arg_defs]
    missing = [sg.name for sg, _ in defs if sg.name not in having]
    required = [sg.name for sg, a in arg_defs if a.type.endswith("!") and a.default is None]
    if required:
        ctx.error(
            "REQUIRED_ARGUMENT_MISSING_IN_SOME_SUBGRAPH",
            f'Argument "{coordinate}" is required in some subgraphs but does not appear in all '
            f"subgraphs: it is required in {sgs(required)} but does not appear in "
            f"{sgs(missing)}",
            element=coordinate,
            subgraphs=tuple(having + missing),
            locations=tuple(a.loc for _, a in arg_defs),
            fix="Add the argument to the field in every subgraph, or make it optional.",
        )
        return
    ctx.hint(
        "INCONSISTENT_ARGUMENT_PRESENCE",
        f'Optional argument "{coordinate}" will not be included in the supergraph as it does '
        f"not appear in all subgraphs: it is defined in {sgs(having)} but not in "
        f"{sgs(missing)}",
        element=coordinate,
        subgraphs=tuple(having + missing),
    )


def _merge_argument(
    ctx: MergeContext, coordinate: str, arg_defs: Sequence[tuple[Subgraph, Argument]]
) -> MergedArgument | None:
    types = [a.type for _, a in arg_defs]
    merged_type = merge_input_type(ctx, types)
    if merged_type is None:
        ctx.error(
            "FIELD_ARGUMENT_TYPE_MISMATCH",
            f'Type of argument "{coordinate}" is incompatible across subgraphs: it has '
            f"{describe_by_value('type', [(sg.name, a.type) for sg, a in arg_defs])}",
            element=coordinate,
            subgraphs=tuple(sg.name for sg, _ in arg_defs),
            locations=tuple(a.loc for _, a in arg_defs),
            fix="Use the same type for this argument in every subgraph.",
        )
        return None
    default = merge_default(ctx, coordinate, [(sg, a.default, a.loc) for sg, a in arg_defs])
    return MergedArgument(
        name=arg_defs[0][1].name,
        type=merged_type,
        default=default,
        description=ctx.description(coordinate, [(sg, a.description) for sg, a in arg_defs]),
        applied=applied_directives(ctx, [(sg, a.directives) for sg, a in arg_defs]),
    )


def merge_default(
    ctx: MergeContext, coordinate: str, defaults: Sequence[tuple[Subgraph, str | None, Location]]
) -> str | None:
    values = {d for _, d, _ in defaults if d is not None}
    if len(values) > 1:
        is_arg = "(" in coordinate
        code = "FIELD_ARGUMENT_DEFAULT_MISMATCH" if is_arg else "INPUT_FIELD_DEFAULT_MISMATCH"
        what = "Argument" if is_arg else "Input field"
        pairs = [(sg.name, d or "no default") for sg, d, _ in defaults]
        ctx.error(
            code,
            f'{what} "{coordinate}" has incompatible default values across subgraphs: it has '
            f"{describe_by_value('default value', pairs, quote=False)}",
            element=coordinate,
            subgraphs=tuple(sg.name for sg, _, _ in defaults),
            locations=tuple(loc for _, _, loc in defaults),
            fix="Use the same default value in every subgraph.",
        )
        return None
    if values and any(d is None for _, d, _ in defaults):
        ctx.hint(
            "INCONSISTENT_DEFAULT_VALUE_PRESENCE",
            f'Default value of "{coordinate}" is defined in some subgraphs but not others; '
            "it is kept in the supergraph.",
            element=coordinate,
        )
    return next(iter(values)) if values else None
