"""The merge stage: every type of every subgraph into one supergraph model."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace

from .context import MergeContext
from .merge_auth import propagate_auth
from .merge_composed import composed_directives
from .merge_enums import merge_enum
from .merge_inputs import merge_input
from .merge_objects import merge_composite
from .merge_unions import merge_scalar, merge_union
from .model import Subgraph, TypeDef, TypeKind
from .printer_specs import FEATURE_ORDER
from .spec_names import spec_names
from .supergraph import Graph, JoinField, MergedField, MergedType, Supergraph

Merger = Callable[[MergeContext, str, Sequence[tuple[Subgraph, TypeDef]]], MergedType]
MERGERS: dict[TypeKind, Merger] = {
    TypeKind.OBJECT: merge_composite,
    TypeKind.INTERFACE: merge_composite,
    TypeKind.UNION: merge_union,
    TypeKind.ENUM: merge_enum,
    TypeKind.INPUT: merge_input,
    TypeKind.SCALAR: merge_scalar,
}
KIND_LABELS = {
    TypeKind.OBJECT: "Object Type",
    TypeKind.INTERFACE: "Interface Type",
    TypeKind.UNION: "Union Type",
    TypeKind.ENUM: "Enum Type",
    TypeKind.INPUT: "Input Object Type",
    TypeKind.SCALAR: "Scalar Type",
}


def _kind_matches(defs: Sequence[tuple[Subgraph, TypeDef]]) -> bool:
    kinds = {TypeKind.INTERFACE if td.has("interfaceObject") else td.kind for _, td in defs}
    return len(kinds) == 1


def _report_kind_mismatch(
    ctx: MergeContext, name: str, defs: Sequence[tuple[Subgraph, TypeDef]]
) -> None:
    groups: dict[str, list[str]] = {}
    for sg, td in defs:
        groups.setdefault(KIND_LABELS[td.kind], []).append(sg.name)
    parts = [
        f"{kind} in subgraph{'s' if len(n) > 1 else ''} " + " and ".join(f'"{x}"' for x in n)
        for kind, n in groups.items()
    ]
    ctx.error(
        "TYPE_KIND_MISMATCH",
        f'Type "{name}" has mismatched kind: it is defined as ' + " but ".join(parts),
        element=name,
        subgraphs=tuple(sg.name for sg, _ in defs),
        locations=tuple(td.loc for _, td in defs),
        fix="Define the type with the same kind (object, interface, ...) in every subgraph, "
        "or rename one of them.",
    )


def merge_types(ctx: MergeContext) -> list[MergedType]:
    merged: list[MergedType] = []
    for name in ctx.type_names():
        defs = ctx.defs(name)
        if not _kind_matches(defs):
            _report_kind_mismatch(ctx, name, defs)
            continue
        kind = ctx.kind_of(name)
        assert kind is not None
        merged.append(MERGERS[kind](ctx, name, defs))
    return propagate_auth(ctx, _add_interface_object_fields(ctx, merged))


def _add_interface_object_fields(ctx: MergeContext, types: list[MergedType]) -> list[MergedType]:
    """Fields an @interfaceObject adds to an interface also exist on its implementations."""
    by_name = {t.name: t for t in types}
    result = []
    for t in types:
        extra: list[MergedField] = []
        for iface_name in t.interfaces:
            iface = by_name.get(iface_name)
            if iface is None or not any(j.interface_object for j in iface.joins):
                continue
            for f in iface.fields:
                if t.field(f.name) is None and all(e.name != f.name for e in extra):
                    extra.append(
                        replace(f, joins=(JoinField(None),), applied=(), join_directives=())
                    )
        result.append(replace(t, fields=t.fields + tuple(extra)) if extra else t)
    return result


def _directive_names(sg: Subgraph) -> set[str]:
    names: set[str] = set()
    for td in sg.types.values():
        names.update(d.name for d in td.directives if d.federation)
        for f in td.fields:
            names.update(d.name for d in f.directives if d.federation)
            names.update(d.name for a in f.args for d in a.directives if d.federation)
        names.update(d.name for v in td.values for d in v.directives if d.federation)
    return names


def feature_order(ctx: MergeContext) -> tuple[str, ...]:
    """Features of the output in Apollo's link order: by subgraph, then a fixed order."""
    order: list[str] = []
    for sg in ctx.subgraphs:
        used = _directive_names(sg)
        if "listSize" in used:
            used.add("cost")
        order += [f for f in FEATURE_ORDER if f in used and f in ctx.features and f not in order]
    order += [f for f in FEATURE_ORDER if f in ctx.features and f not in order]
    return tuple(order) + tuple(sorted(f for f in ctx.features if f not in FEATURE_ORDER))


def merge(ctx: MergeContext) -> Supergraph:
    definitions, links = composed_directives(ctx)
    types = merge_types(ctx)
    roots = tuple(
        r for r in ("Query", "Mutation", "Subscription") if any(t.name == r for t in types)
    )
    return Supergraph(
        graphs=tuple(Graph(ctx.graph(sg), sg.name, sg.url) for sg in ctx.subgraphs),
        types=tuple(types),
        features=feature_order(ctx),
        max_version=max(sg.version for sg in ctx.subgraphs),
        custom_directives=definitions,
        custom_links=links,
        roots=roots,
        spec_names=tuple(sorted(spec_names(ctx).items())),
    )
