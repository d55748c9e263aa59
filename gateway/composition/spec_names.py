"""The names @tag and @inaccessible get in the supergraph: the ones the subgraphs use.

@cacheTag must be imported under one name too, but reaches the supergraph as
``@join__directive(name: "federation__cacheTag")`` whatever that name is.

Subgraphs may use them renamed (``import: [{name: "@tag", as: "@label"}]``) or namespaced
(``@federation__tag``); every subgraph using one must use the same name (else
LINK_IMPORT_NAME_MISMATCH), and the supergraph then imports the spec under that name.
"""

from __future__ import annotations

from .context import MergeContext, quote_list
from .links import FEDERATION_URL
from .model import Directive, Subgraph

SPECS = ("tag", "inaccessible", "cacheTag")
#: Reach the supergraph as @join__directive under their default name: never renamed there.
_JOINED = frozenset({"cacheTag"})


def _uses(sg: Subgraph, name: str) -> list[Directive]:
    found = []
    for td in sg.types.values():
        found += [d for d in td.directives if d.name == name and d.federation]
        for f in td.fields:
            found += [d for d in f.directives if d.name == name and d.federation]
            found += [d for a in f.args for d in a.directives if d.name == name and d.federation]
        for v in td.values:
            found += [d for d in v.directives if d.name == name and d.federation]
    return found


def _federation_url(sg: Subgraph) -> str:
    return next(
        (
            str(link.args.get("url"))
            for link in sg.links
            if str(link.args.get("url", "")).startswith(FEDERATION_URL)
        ),
        FEDERATION_URL + "v1.0",
    )


def spec_names(ctx: MergeContext) -> dict[str, str]:
    """Canonical name -> name in the supergraph, for the specs used under another name."""
    names: dict[str, str] = {}
    for spec in SPECS:
        by_name: dict[str, list[Subgraph]] = {}
        for sg in ctx.subgraphs:
            for use in _uses(sg, spec)[:1]:
                by_name.setdefault(use.local or spec, []).append(sg)
        if len(by_name) > 1:
            ordered = sorted(by_name.items(), key=lambda item: item[0] != spec)  # default first
            _report(ctx, spec, dict(ordered))
        elif by_name and next(iter(by_name)) != spec and spec not in _JOINED:
            names[spec] = next(iter(by_name))
    return names


def _report(ctx: MergeContext, spec: str, by_name: dict[str, list[Subgraph]]) -> None:
    parts = [
        f'"@{name}" in subgraph{"s" if len(sgs) > 1 else ""} {quote_list([s.name for s in sgs])}'
        for name, sgs in by_name.items()
    ]
    first = next(iter(by_name.values()))[0]
    ctx.error(
        "LINK_IMPORT_NAME_MISMATCH",
        f'The "@{spec}" directive (from {_federation_url(first)}) is imported with mismatched name '
        f"between subgraphs: it is imported as {' but '.join(parts)}",
        element=f"@{spec}",
        subgraphs=tuple(s.name for sgs in by_name.values() for s in sgs),
        locations=tuple(_uses(s, spec)[0].loc for sgs in by_name.values() for s in sgs),
        fix=f"Import @{spec} under the same name in every subgraph that uses it.",
    )
