"""Root fields: which subgraph answers each top-level field, and the root fetch groups.

Queries share one root group per subgraph (they run in parallel). Mutation fields run in
document order, so consecutive fields on one subgraph share a group and every other change
of subgraph starts a new one. A root field several subgraphs can resolve goes where its whole
subtree costs the fewest fetches (counted by planning it in a scratch walker). A selection
under a shareable root field that its subgraph cannot reach is fanned out: the root field is
also fetched, with just that selection, from another subgraph (``_Roots.route``).
"""

from __future__ import annotations

from collections.abc import Iterator

from ..errors import PlanningError
from .fetch_group import FetchGroup
from .metadata import Metadata
from .operation import Cond, Field, Fragment, Operation, Selection
from .walker import Ctx, Walker

__all__ = ["plan_roots"]


class _Roots:
    def __init__(self, meta: Metadata, op: Operation) -> None:
        self.meta = meta
        self.op = op
        self.walker = Walker(meta, op)
        self.walker.root_router = self.route
        self.roots: list[FetchGroup] = []
        self.by_graph: dict[str, FetchGroup] = {}

    def group(self, graph: str) -> FetchGroup:
        if self.op.kind == "mutation":
            group = self.roots[-1] if self.roots and self.roots[-1].subgraph == graph else None
        else:
            group = self.by_graph.get(graph)
        if group is None:
            group = self.walker.new_group(graph, (), None)
            self.roots.append(group)
            self.by_graph[graph] = group
        return group

    def add(
        self,
        f: Field,
        graph: str,
        conds: tuple[Cond, ...] = (),
        avoid: frozenset[str] = frozenset(),
    ) -> None:
        group = self.group(graph)
        target = group.selection.fragment(None, conds)
        ctx = Ctx(
            group, self.op.root_type, (), target, avoid=avoid, conds=conds, level=group.selection
        )
        self.walker.walk(ctx, (f,))

    def route(self, f: Field, avoid: frozenset[str]) -> None:
        """Fetch root field ``f`` (holding just what could not be reached) from another
        subgraph; only for queries: a mutation field must run exactly once."""
        if self.op.kind == "mutation":
            raise PlanningError(
                f"Cannot plan mutation field {self.op.root_type}.{f.name}: its selection "
                "needs more than one subgraph and a mutation cannot be sent twice."
            )
        candidates = [
            g for g in self.meta.field_graphs(self.op.root_type, f.name) if g not in avoid
        ]
        if not candidates:
            raise PlanningError(_split_error(self.op.root_type, f, avoid))
        self.add(f, candidates[0], avoid=avoid)


def plan_roots(meta: Metadata, op: Operation) -> tuple[Walker, list[FetchGroup]]:
    roots = _Roots(meta, op)
    for f, conds in _root_fields(op.selections, ()):
        if f.name != "__typename":
            roots.add(f, _choose_graph(meta, op, f), conds)
    return roots.walker, roots.roots


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
        scratch = _Roots(meta, op)
        try:
            scratch.add(f, graph)
        except PlanningError as error:
            errors.append(error.message)
            continue
        cost = len(scratch.walker.groups)
        if best is None or cost < best[0]:
            best = (cost, graph)
    if best is None:
        raise PlanningError(errors[0])
    return best[1]


def _split_error(root: str, f: Field, avoid: frozenset[str]) -> str:
    tried = ", ".join(repr(g) for g in sorted(avoid))
    return (
        f"Cannot plan {root}.{f.name}: part of its selection is not reachable from "
        f"subgraph(s) {tried}, and no other subgraph resolves {root}.{f.name}."
    )
