"""Validation of the merged supergraph: runs every cross-subgraph rule in turn."""

from __future__ import annotations

from .context import MergeContext, sgs
from .model import Location
from .supergraph import MergedType, Supergraph
from .validate_auth_requires import check_transitive_auth
from .validate_entity_interfaces import check_interface_key_implementations
from .validate_externals_merged import check_extensions_have_base, validate_field_rules
from .validate_inaccessible import validate_inaccessible
from .validate_interface_object import check_interface_objects
from .validate_override import validate_override
from .validate_sharing import validate_sharing


def check_queries(ctx: MergeContext, supergraph: Supergraph) -> None:
    query = supergraph.type("Query")
    if query is None or not query.fields:
        ctx.error(
            "NO_QUERIES",
            "No queries found in any subgraph: a supergraph must have a query root type.",
            element="Query",
            subgraphs=tuple(sg.name for sg in ctx.subgraphs),
            locations=tuple(Location(sg.file, 1, 1) for sg in ctx.subgraphs),
            fix="Add a `type Query` with at least one field to one of the subgraphs.",
        )


def _implements_in(ctx: MergeContext, type_name: str, iface: str) -> list[str]:
    return [sg.name for sg, td in ctx.defs(type_name) if iface in td.interfaces]


def check_interface_implementations(ctx: MergeContext, supergraph: Supergraph) -> None:
    for t in supergraph.types:
        for iface_name in t.interfaces:
            iface = supergraph.type(iface_name)
            if iface is None or any(j.interface_object for j in iface.joins):
                continue
            for f in iface.fields:
                if t.field(f.name) is None:
                    _report_missing_implementation(ctx, t, iface, f.name)


def _report_missing_implementation(
    ctx: MergeContext, t: MergedType, iface: MergedType, field_name: str
) -> None:
    declared = [sg.name for sg, _ in ctx.field_defs(iface.name, field_name)]
    implementing = _implements_in(ctx, t.name, iface.name)
    coordinate = f"{iface.name}.{field_name}"
    ctx.error(
        "INTERFACE_FIELD_NO_IMPLEM",
        f'Interface field "{coordinate}" is declared in {sgs(declared)} but type "{t.name}", '
        f'which implements "{iface.name}" only in {sgs(implementing)} does not have field '
        f'"{field_name}".',
        element=f"{t.name}.{field_name}",
        subgraphs=tuple(dict.fromkeys(declared + implementing)),
        locations=tuple(td.loc for _, td in ctx.defs(t.name)),
        fix=f'Add field "{field_name}" to type "{t.name}" in a subgraph that defines it.',
    )


def validate_merged(ctx: MergeContext, supergraph: Supergraph) -> None:
    check_queries(ctx, supergraph)
    validate_sharing(ctx)
    validate_field_rules(ctx)
    check_interface_objects(ctx)
    check_interface_key_implementations(ctx)
    ctx.errors.extend(check_extensions_have_base(ctx.subgraphs, fed1=False))
    for sg in ctx.subgraphs:
        ctx.errors.extend(validate_override(sg))
    check_interface_implementations(ctx, supergraph)
    validate_inaccessible(ctx, supergraph)
    check_transitive_auth(ctx, supergraph)
