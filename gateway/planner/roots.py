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
from dataclasses import replace

from ..errors import PlanningError
from .fetch_group import FetchGroup, FieldItem, SelTree
from .metadata import Metadata
from .operation import Cond, Field, Fragment, Operation, Selection
from .walker import Ctx, Walker

__all__ = ["plan_roots"]

# a root field's cost from one subgraph, and the subgraphs its root fetches go to
_Option = tuple[tuple[int, int], frozenset[str]]


class _Roots:
    def __init__(self, meta: Metadata, op: Operation, max_groups: int) -> None:
        self.meta = meta
        self.op = op
        self.walker = Walker(meta, op, max_groups)
        self.walker.root_router = self.route
        self.roots: list[FetchGroup] = []
        # per subgraph and @defer block (None: the primary part)
        self.by_graph: dict[tuple[str, int | None], FetchGroup] = {}

    def group(self, graph: str) -> FetchGroup:
        if self.op.kind == "mutation":
            group = self.roots[-1] if self.roots and self.roots[-1].subgraph == graph else None
        else:
            group = self.by_graph.get((graph, self.walker.current_defer))
        if group is None:
            group = self.walker.new_group(graph, (), None)
            self.roots.append(group)
            self.by_graph[graph, self.walker.current_defer] = group
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
        subgraph; only for queries: a mutation field must run exactly once, a subscription
        field's events come from one stream."""
        if self.op.kind != "query":
            raise PlanningError(
                f"Cannot plan {self.op.kind} field {self.op.root_type}.{f.name}: its selection "
                "needs more than one subgraph and it cannot be sent twice."
            )
        candidates = [
            g for g in self.meta.field_graphs(self.op.root_type, f.name) if g not in avoid
        ]
        if not candidates:
            raise PlanningError(_split_error(self.op.root_type, f, avoid))
        self.add(f, candidates[0], avoid=avoid)


def plan_roots(meta: Metadata, op: Operation, max_groups: int) -> tuple[Walker, list[FetchGroup]]:
    roots = _Roots(meta, op, max_groups)
    _add_roots(roots, op.selections, ())
    return roots.walker, roots.roots


def _add_roots(roots: _Roots, sels: tuple[Selection, ...], conds: tuple[Cond, ...]) -> None:
    meta, op, max_groups = roots.meta, roots.op, roots.walker.max_groups
    fields = [(f, c) for f, c in _root_fields(sels, conds) if f.name != "__typename"]
    if op.kind != "mutation":
        fields = _merged(fields)
    costs = [_candidate_costs(meta, op, f, max_groups) for f, _ in fields]
    for (f, c), graph in zip(fields, _assign(costs), strict=True):
        roots.add(f, graph, c)
    for frag, c in _root_defers(sels, conds):
        # @defer on the root type: root fetches of the block's own (planner/defer.py)
        assert frag.defer is not None
        walker = roots.walker
        enclosing = walker.current_defer
        walker.defers.record(frag.defer, enclosing, (), replace(frag, defer=None))
        walker.current_defer = frag.defer.index
        try:
            _add_roots(roots, frag.selections, c + frag.conditions)
        finally:
            walker.current_defer = enclosing


def _merged(fields: list[tuple[Field, tuple[Cond, ...]]]) -> list[tuple[Field, tuple[Cond, ...]]]:
    """Selections of one root field under one response key (and the same arguments and
    conditions) as one field, at the first's place: CollectFields merges them, so the
    subgraph is chosen for the whole subtree (``viewer { book } viewer { media song }``
    ties as ``viewer { book media song }`` does, as Apollo and Hive plan)."""
    out: list[tuple[Field, tuple[Cond, ...]]] = []
    at: dict[tuple[str, str, str, tuple[Cond, ...], tuple[Cond, ...]], int] = {}
    for f, conds in fields:
        key = (f.response_key, f.name, f.arguments_text, f.conditions, conds)
        i = at.get(key)
        if i is None:
            at[key] = len(out)
            out.append((f, conds))
        else:
            first = out[i][0]
            out[i] = (replace(first, selections=first.selections + f.selections), conds)
    return out


def _root_fields(
    sels: tuple[Selection, ...], conds: tuple[Cond, ...]
) -> Iterator[tuple[Field, tuple[Cond, ...]]]:
    for s in sels:
        if isinstance(s, Field):
            yield s, conds
        elif isinstance(s, Fragment) and s.defer is None:
            yield from _root_fields(s.selections, conds + s.conditions)


def _root_defers(
    sels: tuple[Selection, ...], conds: tuple[Cond, ...]
) -> Iterator[tuple[Fragment, tuple[Cond, ...]]]:
    """The @defer fragments on the root type, outside other deferred fragments."""
    for s in sels:
        if isinstance(s, Fragment):
            if s.defer is not None:
                yield s, conds
            else:
                yield from _root_defers(s.selections, conds + s.conditions)


def _candidate_costs(
    meta: Metadata, op: Operation, f: Field, max_groups: int
) -> dict[str, _Option]:
    """What root field ``f``'s subtree costs from each subgraph that can plan it (in
    supergraph order), counted by planning it in a scratch walker, with the subgraphs its
    root fetches go to."""
    candidates = meta.field_graphs(op.root_type, f.name)
    if not candidates:
        raise PlanningError(f"Cannot plan {op.root_type}.{f.name}: no subgraph can resolve it.")
    if len(candidates) == 1:
        return {candidates[0]: ((0, 0), frozenset(candidates))}
    costs: dict[str, _Option] = {}
    errors: list[str] = []
    for graph in candidates:
        scratch = _Roots(meta, op, max_groups)
        try:
            scratch.add(f, graph)
        except PlanningError as error:
            errors.append(error.message)
            continue
        roots = frozenset(g.subgraph for g in scratch.roots)
        costs[graph] = (_cost(scratch.walker.groups), roots)
    if not costs:
        raise PlanningError(errors[0])
    return costs


def _assign(costs: list[dict[str, _Option]]) -> list[str]:
    """The subgraph of each root field: its cheapest; where several tie, the one that adds
    the fewest root fetches to those the other root fields make anyway (one root fetch for
    both, as Apollo and Hive plan), whatever the order the client wrote the fields in; else
    the first. A field whose subtree needs both subgraphs either way adds none from either:
    the first it is (``b: viewer { book media song }``, ``media`` on both: Apollo and Hive
    keep it in the first subgraph's fetch, and its answer may depend on which)."""
    tops = [
        [g for g, (c, _) in by_graph.items() if c == min(c for c, _ in by_graph.values())]
        for by_graph in costs
    ]
    used: set[str] = set()
    for tied, by_graph in zip(tops, costs, strict=True):
        if len(tied) == 1:
            used |= by_graph[tied[0]][1]
    out: list[str] = []
    for tied, by_graph in zip(tops, costs, strict=True):
        pick = min(tied, key=lambda g: len(used | by_graph[g][1]))  # the first of equals
        used |= by_graph[pick][1]
        out.append(pick)
    return out


def _cost(groups: list[FetchGroup]) -> tuple[int, int]:
    """Fetches first; between as many fetches, the fewer fields fetched through entity jumps
    wins: a subgraph that answers (or @provides) more of the subtree itself is asked less
    afterwards (Apollo ranks the same way: a field the root fetch provides is not fetched
    again from its owner)."""
    return len(groups), sum(_field_count(g.selection) for g in groups if g.is_entity)


def _field_count(tree: SelTree) -> int:
    n = 0
    for item in tree.items.values():
        if isinstance(item, FieldItem):
            n += 1 + (_field_count(item.sub) if item.sub is not None else 0)
        else:
            n += _field_count(item.sub)
    return n


def _split_error(root: str, f: Field, avoid: frozenset[str]) -> str:
    tried = ", ".join(repr(g) for g in sorted(avoid))
    return (
        f"Cannot plan {root}.{f.name}: part of its selection is not reachable from "
        f"subgraph(s) {tried}, and no other subgraph resolves {root}.{f.name}."
    )
