"""Merging of union types (members by union) and scalar types."""

from __future__ import annotations

from collections.abc import Sequence

from .context import MergeContext, sgs
from .merge_directives import applied_directives
from .model import Subgraph, TypeDef, TypeKind
from .supergraph import JoinType, MergedType


def merge_union(
    ctx: MergeContext, name: str, defs: Sequence[tuple[Subgraph, TypeDef]]
) -> MergedType:
    order = list(dict.fromkeys(m for _, td in defs for m in td.members))
    members = tuple((ctx.graph(sg), m) for m in order for sg, td in defs if m in td.members)
    for member in order:
        present = [sg.name for sg, td in defs if member in td.members]
        if len(present) < len(defs):
            absent = [sg.name for sg, _ in defs if sg.name not in present]
            ctx.hint(
                "INCONSISTENT_UNION_MEMBER",
                f'Union type "{name}" includes member type "{member}" in some but not all '
                f'defining subgraphs: "{member}" is defined in {sgs(present)} but not in '
                f"{sgs(absent)}.",
                element=name,
                subgraphs=tuple(present + absent),
            )
    return MergedType(
        name=name,
        kind=TypeKind.UNION,
        description=ctx.description(name, [(sg, td.description) for sg, td in defs]),
        joins=tuple(JoinType(ctx.graph(sg)) for sg, _ in defs),
        members=members,
        applied=applied_directives(ctx, [(sg, td.directives) for sg, td in defs]),
    )


def merge_scalar(
    ctx: MergeContext, name: str, defs: Sequence[tuple[Subgraph, TypeDef]]
) -> MergedType:
    return MergedType(
        name=name,
        kind=TypeKind.SCALAR,
        description=ctx.description(name, [(sg, td.description) for sg, td in defs]),
        joins=tuple(JoinType(ctx.graph(sg)) for sg, _ in defs),
        applied=applied_directives(ctx, [(sg, td.directives) for sg, td in defs]),
    )
