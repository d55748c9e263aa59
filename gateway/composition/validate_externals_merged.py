"""@external and @override rules across subgraphs."""

from __future__ import annotations

from collections.abc import Sequence

from .context import MergeContext, sgs
from .errors import subgraph_error
from .merge_fields import describe_by_value, is_subtype
from .model import CompositionError, Field, Subgraph, TypeDef, TypeKind, is_root


def check_external_field(ctx: MergeContext, type_name: str, field_name: str) -> None:
    defs = ctx.field_defs(type_name, field_name)
    external = [(sg, f) for sg, f in defs if f.has("external")]
    if not external:
        return
    coordinate = f"{type_name}.{field_name}"
    base = [(sg, f) for sg, f in defs if not f.has("external")]
    if not base:
        ctx.error(
            "EXTERNAL_MISSING_ON_BASE",
            f'Field "{coordinate}" is marked @external on all the subgraphs in which it is '
            f"listed ({sgs([sg.name for sg, _ in external])}).",
            element=coordinate,
            subgraphs=tuple(sg.name for sg, _ in external),
            locations=tuple(f.loc for _, f in external),
            fix="Define the field without @external in the subgraph that resolves it, or remove "
            "@external.",
        )
        return
    _check_external_arguments(ctx, coordinate, external, base)
    for sg, f in external:
        if not any(is_subtype(ctx, b.type, f.type) for _, b in base):
            pairs = sorted([(sg.name, f.type)] + [(s.name, b.type) for s, b in base])
            ctx.error(
                "EXTERNAL_TYPE_MISMATCH",
                f'Type of field "{coordinate}" is incompatible across subgraphs (where marked '
                f"@external): it has {describe_by_value('type', pairs)}",
                element=coordinate,
                subgraphs=(sg.name, *(s.name for s, _ in base)),
                locations=(f.loc, *(b.loc for _, b in base)),
                fix="Declare the @external field with the type it has in the subgraph that "
                "resolves it.",
            )


def _check_external_arguments(
    ctx: MergeContext,
    coordinate: str,
    external: list[tuple[Subgraph, Field]],
    base: list[tuple[Subgraph, Field]],
) -> None:
    for arg_name in dict.fromkeys(a.name for _, b in base for a in b.args):
        lacking = [sg.name for sg, f in external if f.arg(arg_name) is None]
        if not lacking:
            _check_external_argument(ctx, coordinate, arg_name, external, base)
            continue
        declaring = [sg.name for sg, b in base if b.arg(arg_name) is not None]
        arg = f"{coordinate}({arg_name}:)"
        ctx.error(
            "EXTERNAL_ARGUMENT_MISSING",
            f'Field "{coordinate}" is missing argument "{arg}" in some subgraphs where it is '
            f'marked @external: argument "{arg}" is declared in {sgs(declaring)} but not in '
            f'{sgs(lacking)} (where "{coordinate}" is @external).',
            element=arg,
            subgraphs=tuple(declaring + lacking),
            locations=tuple(f.loc for sg, f in external if sg.name in lacking),
            fix="Declare the same arguments on the @external field as in the subgraph that "
            "resolves it.",
        )


def _check_external_argument(
    ctx: MergeContext,
    coordinate: str,
    arg_name: str,
    external: list[tuple[Subgraph, Field]],
    base: list[tuple[Subgraph, Field]],
) -> None:
    """EXTERNAL_ARGUMENT_TYPE_MISMATCH and EXTERNAL_ARGUMENT_DEFAULT_MISMATCH."""
    arg = f"{coordinate}({arg_name}:)"
    pairs = sorted((sg.name, a) for sg, f in [*base, *external] if (a := f.arg(arg_name)))
    where = f'(where "{coordinate}" is marked @external)'
    if len({a.type for _, a in pairs}) > 1:
        shown = describe_by_value("type", [(n, a.type) for n, a in pairs])
        code, message = (
            "EXTERNAL_ARGUMENT_TYPE_MISMATCH",
            (f'Type of argument "{arg}" is incompatible across subgraphs {where}: it has {shown}'),
        )
    elif len({a.default for _, a in pairs}) > 1:
        shown = describe_by_value(
            "default value", [(n, a.default or "none") for n, a in pairs], quote=False
        )
        code, message = (
            "EXTERNAL_ARGUMENT_DEFAULT_MISMATCH",
            (
                f'Argument "{arg}" has incompatible defaults across subgraphs {where}: '
                f"it has {shown}"
            ),
        )
    else:
        return
    ctx.error(
        code,
        message,
        element=arg,
        subgraphs=tuple(n for n, _ in pairs),
        locations=tuple(a.loc for _, a in pairs),
        fix="Declare the argument of the @external field exactly as in the subgraph that "
        "resolves the field.",
    )


def check_extensions_have_base(
    subgraphs: Sequence[Subgraph], *, fed1: bool
) -> list[CompositionError]:
    """EXTENSION_WITH_NO_BASE: a type that every subgraph only extends.

    Apollo finds it while upgrading Federation 1 subgraphs (``fed1=True``: before validation)
    or while merging (``fed1=False``: types extended in Federation 2 subgraphs only).
    """
    defs: dict[str, list[tuple[Subgraph, TypeDef]]] = {}
    for sg in subgraphs:
        for td in sg.types.values():
            defs.setdefault(td.name, []).append((sg, td))
    return [
        subgraph_error(
            sg,
            "EXTENSION_WITH_NO_BASE",
            f'Type "{name}" is an extension type, but there is no type definition for "{name}" '
            "in any subgraph.",
            element=name,
            loc=td.loc,
            fix=f'Define type "{name}" (without `extend`) in the subgraph that owns it.',
        )
        for name, found in defs.items()
        if not is_root(name)
        and all(td.extension for _, td in found)
        and any(sg.fed1 for sg, _ in found) == fed1
        for sg, td in found
    ]


def check_override_field(ctx: MergeContext, type_name: str, field_name: str) -> None:
    defs = ctx.field_defs(type_name, field_name)
    by_name = {sg.name: f for sg, f in defs}
    known = {sg.name for sg in ctx.subgraphs}
    coordinate = f"{type_name}.{field_name}"
    for sg, f in defs:
        override = f.directive("override")
        if override is None:
            continue
        source = str(override.args.get("from", ""))
        source_field = by_name.get(source)
        if source == sg.name:
            continue  # OVERRIDE_FROM_SELF_ERROR
        if source_field is not None and source_field.has("override"):
            ctx.error(
                "OVERRIDE_SOURCE_HAS_OVERRIDE",
                f'Field "{coordinate}" on subgraph "{sg.name}" is also marked with directive '
                f'@override in subgraph "{source}". Only one @override directive is allowed per '
                "field.",
                element=coordinate,
                subgraphs=(sg.name, source),
                locations=(override.loc, source_field.loc),
                fix="Keep @override only in the subgraph that should resolve the field.",
            )
        elif source not in known:
            ctx.hint(
                "FROM_SUBGRAPH_DOES_NOT_EXIST",
                f'Source subgraph "{source}" for field "{coordinate}" on subgraph "{sg.name}" '
                "does not exist.",
                element=coordinate,
                subgraphs=(sg.name,),
            )
        elif source_field is None:
            ctx.hint(
                "OVERRIDE_DIRECTIVE_CAN_BE_REMOVED",
                f'Field "{coordinate}" on subgraph "{sg.name}" no longer exists in the from '
                "subgraph. The @override directive can be removed.",
                element=coordinate,
                subgraphs=(sg.name,),
            )


def validate_field_rules(ctx: MergeContext) -> None:
    for name in ctx.type_names():
        defs = ctx.defs(name)
        if any(td.kind not in (TypeKind.OBJECT, TypeKind.INTERFACE) for _, td in defs):
            continue
        for field_name in dict.fromkeys(f.name for _, td in defs for f in td.fields):
            check_external_field(ctx, name, field_name)
            check_override_field(ctx, name, field_name)
