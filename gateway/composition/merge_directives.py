"""Directives applied in subgraphs that are carried into the supergraph (@tag, @cost, ...)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from graphql.language.print_string import print_string

from .context import MergeContext
from .events_spec import EVENT_DIRECTIVES
from .model import Directive, Subgraph

Uses = Sequence[tuple[Subgraph, Directive]]


def print_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return print_string(value)
    if isinstance(value, list):
        return "[" + ", ".join(print_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {print_value(v)}" for k, v in value.items()) + "}"
    if value is None:
        return "null"
    return str(value)


def _tag(uses: Uses) -> list[str]:
    names = dict.fromkeys(str(d.args.get("name")) for _, d in uses)
    return [f"@tag(name: {print_string(n)})" for n in names]


def _flag(name: str) -> Callable[[Uses], list[str]]:
    return lambda uses: [f"@{name}"]


def _dnf(name: str, arg: str) -> Callable[[Uses], list[str]]:
    def merge(uses: Uses) -> list[str]:
        result: list[list[str]] = [[]]
        for value in dict.fromkeys(print_value(d.args.get(arg)) for _, d in uses):
            disjuncts = next(
                d.args.get(arg) for _, d in uses if print_value(d.args.get(arg)) == value
            )
            result = _conjunction(result, disjuncts if isinstance(disjuncts, list) else [])
        return [f"@{name}({arg}: {print_value(result)})"]

    return merge


def _conjunction(left: list[list[str]], right: list[object]) -> list[list[str]]:
    combined: list[list[str]] = []
    for a in left:
        for b in right:
            merged = list(dict.fromkeys([*a, *(b if isinstance(b, list) else [b])]))
            if merged not in combined:
                combined.append(merged)
    return combined


def _cost(uses: Uses) -> list[str]:
    weights = [d.args.get("weight") for _, d in uses]
    best = max(w for w in weights if isinstance(w, int))
    return [f"@cost(weight: {best})"]


def _context(uses: Uses) -> list[str]:
    names = dict.fromkeys(f"{sg.name}__{d.args.get('name')}" for sg, d in uses)
    return [f"@context(name: {print_string(n)})" for n in names]


def _first(name: str) -> Callable[[Uses], list[str]]:
    return lambda uses: [f"@{name}{uses[0][1].source}"]


HANDLERS: dict[str, Callable[[Uses], list[str]]] = {
    "tag": _tag,
    "inaccessible": _flag("inaccessible"),
    "authenticated": _flag("authenticated"),
    "requiresScopes": _dnf("requiresScopes", "scopes"),
    "policy": _dnf("policy", "policies"),
    "cost": _cost,
    "listSize": _first("listSize"),
    "deprecated": _first("deprecated"),
    "context": _context,
    "specifiedBy": _first("specifiedBy"),
    # events (gateway/composition/events_spec.py): carried as applied, on the one subgraph's
    # root field that has it
    **{name: _first(name) for name in EVENT_DIRECTIVES},
}
FEATURES = {"listSize": "cost", **dict.fromkeys(EVENT_DIRECTIVES, "events")}


def applied_directives(
    ctx: MergeContext, elements: Sequence[tuple[Subgraph, tuple[Directive, ...]]]
) -> tuple[str, ...]:
    """The supergraph directive applications for one element defined in several subgraphs."""
    by_name: dict[str, list[tuple[Subgraph, Directive]]] = {}
    for sg, directives in elements:
        for d in directives:
            by_name.setdefault(d.name, []).append((sg, d))
    applied: list[str] = []
    for name, uses in by_name.items():
        handler = HANDLERS.get(name)
        if handler is not None and (uses[0][1].federation or name in _BUILT_IN):
            ctx.features.update({name, FEATURES.get(name, name)})
            applied.extend(handler(uses))
        elif name in ctx.composed:
            texts = list(dict.fromkeys(f"@{name}{d.source}" for _, d in uses))
            applied.extend(texts if ctx.composed[name].repeatable else texts[:1])
    return tuple(applied)


_BUILT_IN = frozenset({"deprecated", "specifiedBy", *EVENT_DIRECTIVES})


#: Federation directives the supergraph carries as ``@join__directive`` (per subgraph) rather
#: than as themselves, with the feature their ``@link`` brings into the supergraph.
JOIN_DIRECTIVES = {"cacheTag": "cacheTag"}


def join_directives(
    ctx: MergeContext, elements: Sequence[tuple[Subgraph, tuple[Directive, ...]]]
) -> tuple[str, ...]:
    """``@join__directive(graphs:, name:, args:)`` for one element, as Apollo groups them: one
    application per distinct argument set, listing the subgraphs (in graph order) that apply
    it, named by the spec's default name whatever name the subgraphs import it under."""
    by_name: dict[str, list[tuple[list[str], str]]] = {}
    for sg, directives in elements:
        for d in directives:
            if not d.federation or d.name not in JOIN_DIRECTIVES:
                continue
            ctx.features.add(JOIN_DIRECTIVES[d.name])
            args = print_value(dict(d.args))
            joins = by_name.setdefault(f"federation__{d.name}", [])
            found = next((graphs for graphs, a in joins if a == args), None)
            if found is not None:
                found.append(ctx.graph(sg))
            else:
                joins.append(([ctx.graph(sg)], args))
    return tuple(
        f"@join__directive(graphs: [{', '.join(graphs)}], name: {print_string(name)}, args: {args})"
        for name, joins in by_name.items()
        for graphs, args in joins
    )
