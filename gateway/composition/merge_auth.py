"""Authorization requirements of implementations are copied onto their interfaces.

A query through an interface may reach any implementation, so the interface (and each of
its fields) must require at least what every implementation requires.
"""

from __future__ import annotations

from dataclasses import replace

from .context import MergeContext
from .merge_directives import HANDLERS
from .model import Directive, Subgraph
from .supergraph import MergedField, MergedType

AUTH = ("authenticated", "requiresScopes", "policy")


def _auth_uses(
    ctx: MergeContext, type_names: list[str], field_name: str | None
) -> dict[str, list[tuple[Subgraph, Directive]]]:
    uses: dict[str, list[tuple[Subgraph, Directive]]] = {}
    for type_name in type_names:
        for sg, td in ctx.defs(type_name):
            element = td if field_name is None else td.field(field_name)
            for d in element.directives if element is not None else ():
                if d.name in AUTH and d.federation:
                    uses.setdefault(d.name, []).append((sg, d))
    return uses


def field_order(applied: tuple[str, ...]) -> tuple[str, ...]:
    """Apollo lists a field's authorization directives first, last applied first."""
    auth = [a for a in applied if a.split("(")[0][1:] in AUTH]
    return tuple(reversed(auth)) + tuple(a for a in applied if a not in auth)


def _merge_applied(
    applied: tuple[str, ...], uses: dict[str, list[tuple[Subgraph, Directive]]]
) -> tuple[str, ...]:
    if not uses:
        return applied
    kept = [a for a in applied if not any(a.startswith(f"@{n}") for n in uses)]
    added = [text for name in AUTH if name in uses for text in HANDLERS[name](uses[name])]
    return tuple(kept + added)


def _with_auth(ctx: MergeContext, t: MergedType) -> MergedType:
    names = [t.name, *sorted(ctx.implementations.get(t.name, ()))]
    fields: list[MergedField] = []
    for f in t.fields:
        uses = _auth_uses(ctx, names, f.name)
        fields.append(replace(f, applied=field_order(_merge_applied(f.applied, uses))))
    type_uses = _auth_uses(ctx, names, None)
    ctx.features.update(type_uses)
    return replace(t, applied=_merge_applied(t.applied, type_uses), fields=tuple(fields))


def propagate_auth(ctx: MergeContext, types: list[MergedType]) -> list[MergedType]:
    return [_with_auth(ctx, t) if t.kind.value == "interface" else t for t in types]
