"""Root fields: which subgraph answers each top-level field, and the root fetch groups.

Queries share one root group per subgraph (they run in parallel). Mutation fields run in
document order, so consecutive fields on one subgraph share a group and every other change
of subgraph starts a new one. A root field several subgraphs can resolve goes where its whole
subtree costs the fewest fetches (counted by planning it in a scratch walker).
"""

from __future__ import annotations

from collections.abc import Iterator

from ..errors import PlanningError
from .fetch_group import FetchGroup
from .metadata import Metadata
from .operation import Cond, Field, Fragment, Operation, Selection
from .walker import Ctx, Walker

__all__ = ["plan_roots"]


def plan_roots(meta: Metadata, op: Operation) -> tuple[Walker, list[FetchGroup]]:
    walker = Walker(meta, op)
    roots: list[FetchGroup] = []
    by_graph: dict[str, FetchGroup] = {}
    for f, conds in _root_fields(op.selections, ()):
        if f.name == "__typename":
            continue
        graph = _choose_graph(meta, op, f)
        if op.kind == "mutation":
            group = roots[-1] if roots and roots[-1].subgraph == graph else None
        else:
            group = by_graph.get(graph)
        if group is None:
            group = walker.new_group(graph, (), None)
            roots.append(group)
            by_graph[graph] = group
        target = group.selection.fragment(None, conds)
        walker.walk(Ctx(group, op.root_type, (), target), (f,))
    return walker, roots


def _root_fields(
    sels: tuple[Selection, ...], conds: tuple[Cond, ...]
) -> Iterator[tuple[Field, tuple[Cond, ...]]]:
    for s in sels:
        if isinstance(s, Field):
            yield s, conds
        elif isinstance(s, Fragment):
            yield from _root_fields(s.selections, conds + s.conditions)


def _choose_graph(meta: Metadata, op: Operation, f: Field) -> str:
    candidates = meta.field_graphs(op.root_type, f.name)
    if not candidates:
        raise PlanningError(f"Cannot plan {op.root_type}.{f.name}: no subgraph can resolve it.")
    if len(candidates) == 1:
        return candidates[0]
    best: tuple[int, str] | None = None
    errors: list[str] = []
    for graph in candidates:
        scratch = Walker(meta, op)
        group = scratch.new_group(graph, (), None)
        try:
            scratch.walk(Ctx(group, op.root_type, (), group.selection), (f,))
        except PlanningError as error:
            errors.append(error.message)
            continue
        cost = len(scratch.groups)
        if best is None or cost < best[0]:
            best = (cost, graph)
    if best is None:
        raise PlanningError(errors[0])
    return best[1]
