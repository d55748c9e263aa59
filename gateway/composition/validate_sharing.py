"""INVALID_FIELD_SHARING: a field resolved by several subgraphs must be @shareable in all."""

from __future__ import annotations

from .context import MergeContext, quote_list, sgs
from .merge_objects import overrides_of
from .model import Field, Subgraph, TypeKind
from .usage import fields_used_by


class _Usage:
    """Per subgraph: (type, field) pairs used by keys (any depth) and by @provides."""

    def __init__(self, ctx: MergeContext) -> None:
        self.keys = {sg.name: fields_used_by(sg, ("key",)) for sg in ctx.subgraphs}
        self.provided = {sg.name: fields_used_by(sg, ("provides",)) for sg in ctx.subgraphs}

    def shareable(self, sg: Subgraph, type_name: str, field: Field) -> bool:
        """Marked @shareable, @external (then only provided) or part of a key."""
        return (
            field.has("shareable")
            or field.has("external")
            or (type_name, field.name) in self.keys[sg.name]
        )

    def resolving(
        self, ctx: MergeContext, type_name: str, field_name: str
    ) -> list[tuple[Subgraph, Field]]:
        """Subgraphs resolving the field: not @external, or @external but provided."""
        defs = ctx.field_defs(type_name, field_name)
        overridden = overrides_of(defs)
        return [
            (sg, f)
            for sg, f in defs
            if (not f.has("external") and sg.name not in overridden)
            or (f.has("external") and (type_name, field_name) in self.provided[sg.name])
        ]


def check_field_sharing(ctx: MergeContext, usage: _Usage, type_name: str, field_name: str) -> None:
    resolving = usage.resolving(ctx, type_name, field_name)
    if len(resolving) < 2:
        return
    non_shareable = [sg.name for sg, f in resolving if not usage.shareable(sg, type_name, f)]
    if not non_shareable:
        return
    names = [sg.name for sg, _ in resolving]
    where = "all of them" if len(non_shareable) == len(names) else sgs(non_shareable)
    coordinate = f"{type_name}.{field_name}"
    ctx.error(
        "INVALID_FIELD_SHARING",
        f'Non-shareable field "{coordinate}" is resolved from multiple subgraphs: it is '
        f"resolved from subgraphs {quote_list(names)} and defined as non-shareable in {where}",
        element=coordinate,
        subgraphs=tuple(names),
        locations=tuple(f.loc for _, f in resolving),
        fix="Mark the field @shareable in every subgraph that resolves it, or resolve it from "
        "one subgraph only (use @external or @override in the others).",
    )


def validate_sharing(ctx: MergeContext) -> None:
    usage = _Usage(ctx)
    for name in ctx.type_names():
        defs = ctx.defs(name)
        if any(td.kind is not TypeKind.OBJECT or td.has("interfaceObject") for _, td in defs):
            continue
        for field_name in dict.fromkeys(f.name for _, td in defs for f in td.fields):
            check_field_sharing(ctx, usage, name, field_name)
