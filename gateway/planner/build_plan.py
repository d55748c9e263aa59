"""Fetch groups → plan nodes.

Each group becomes a ``Fetch`` (an entity group inside ``Flatten``). A group runs after its
parent and after the groups it depends on for ``@requires``/key fields. We hang every group
under the lowest common ancestor of all it waits for, and order the children of one group in
stages: a child whose inputs come from a sibling's subtree runs in a later stage.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

from graphql import VariableDefinitionNode, print_ast

from .defer import DeferBlocks
from .defer_plan import deferred_blocks
from .fetch_group import FetchGroup, FieldItem, FragmentItem, SelTree
from .nodes import par, seq, wrap_conditions
from .operation import Cond, Operation
from .plan import Fetch, Flatten, KeyRenamer, PlanNode, QueryPlan
from .waves import build_wave_plan

__all__ = ["build_plan"]

_ROOT = -1
_ROOT_KINDS: dict[str, Literal["query", "mutation", "subscription"]] = {
    "mutation": "mutation",
    "subscription": "subscription",
}


def build_plan(
    op: Operation,
    groups: list[FetchGroup],
    roots: list[FetchGroup],
    *,
    batch: bool = False,
    defers: DeferBlocks | None = None,
) -> QueryPlan:
    """The plan as a tree of dependencies, or (``batch``, queries only) in waves with the
    entity fetches of a wave to one subgraph batched (see ``waves.py``). ``defers``: the
    @defer blocks of the walk; their groups become ``QueryPlan.deferred`` (defer_plan.py)."""
    groups = [g for g in groups if g.selection.has_fields()]
    if defers is not None and defers.blocks:
        primary = [g for g in groups if g.defer is None]
        blocks = deferred_blocks(defers, groups, lambda subset: tree_node(op, subset))
        return QueryPlan(_primary(op, primary, roots, batch), blocks)
    return QueryPlan(_primary(op, groups, roots, batch))


def _primary(
    op: Operation, groups: list[FetchGroup], roots: list[FetchGroup], batch: bool
) -> PlanNode | None:
    if not groups:
        return None
    if batch and op.kind == "query":
        nodes = {g.id: _fetch(op, g) for g in groups}
        conditions = {g.id: _group_conditions(g) for g in groups}
        return build_wave_plan(op, groups, nodes, conditions).node
    builder = _builder(op, groups)
    if op.kind == "mutation":
        top: list[PlanNode | None] = [builder.subtree(r) for r in roots if r.id in builder.by_id]
        return seq(top)
    return builder.children_of(_ROOT)


def tree_node(op: Operation, groups: list[FetchGroup]) -> PlanNode | None:
    """The groups of one @defer block as a tree; what they wait for outside the block has
    run before the block starts, so they hang from the root."""
    return _builder(op, groups).children_of(_ROOT) if groups else None


def _builder(op: Operation, groups: list[FetchGroup]) -> _Builder:
    by_id = {g.id: g for g in groups}
    anchors = {g.id: _anchor(g, by_id) for g in groups}
    # an anchor outside the groups (a @defer block's enclosing part) is the root here
    anchors = {gid: a if a in by_id else _ROOT for gid, a in anchors.items()}
    children: dict[int, list[FetchGroup]] = {}
    for g in groups:
        children.setdefault(anchors[g.id], []).append(g)
    fetches = {g.id: _fetch(op, g) for g in groups}
    return _Builder(children, anchors, by_id, fetches)


def _ancestors(g: FetchGroup) -> list[int]:
    chain = [g.id]
    while g.parent is not None:
        g = g.parent
        chain.append(g.id)
    chain.append(_ROOT)
    return chain


def _anchor(g: FetchGroup, by_id: Mapping[int, FetchGroup]) -> int:
    """The lowest common ancestor of everything ``g`` waits for."""
    waits = [d for d in g.deps if d in by_id]
    if g.parent is None:
        return _ROOT if not waits else _lca([by_id[d] for d in waits])
    return _lca([g.parent, *(by_id[d] for d in waits)])


def _lca(groups: list[FetchGroup]) -> int:
    chains = [_ancestors(g) for g in groups]
    common = set(chains[0]).intersection(*chains[1:])
    return next(a for a in chains[0] if a in common)


class _Builder:
    def __init__(
        self,
        children: dict[int, list[FetchGroup]],
        anchors: dict[int, int],
        by_id: dict[int, FetchGroup],
        fetches: dict[int, PlanNode],
    ) -> None:
        self.children = children
        self.anchors = anchors
        self.by_id = by_id
        self.fetches = fetches

    def subtree(self, g: FetchGroup) -> PlanNode:
        rest = self.children_of(g.id)
        return self.fetches[g.id] if rest is None else seq([self.fetches[g.id], rest])

    def children_of(self, anchor: int) -> PlanNode | None:
        kids = self.children.get(anchor, [])
        if not kids:
            return None
        stage = {k.id: 0 for k in kids}
        for _ in kids:  # relax: a child runs after the siblings whose subtrees it waits for
            for k in kids:
                for w in self._waits(k, anchor):
                    stage[k.id] = max(stage[k.id], stage[w] + 1)
        stages = sorted(set(stage.values()))
        return seq([par([self.subtree(k) for k in kids if stage[k.id] == s]) for s in stages])

    def _waits(self, g: FetchGroup, anchor: int) -> set[int]:
        """Siblings (children of ``anchor``) whose subtree holds something ``g`` waits for."""
        out: set[int] = set()
        targets = [d for d in g.deps if d in self.by_id]
        if g.parent is not None and g.parent.id != anchor:
            targets.append(g.parent.id)
        for t in targets:
            sibling = self._sibling_under(t, anchor)
            if sibling is not None and sibling != g.id:
                out.add(sibling)
        return out

    def _sibling_under(self, gid: int, anchor: int) -> int | None:
        while gid in self.by_id and self.anchors[gid] != anchor:
            gid = self.anchors[gid]
        return gid if gid in self.by_id else None


# -- fetch nodes ----------------------------------------------------------------------------


def _fetch(op: Operation, g: FetchGroup) -> PlanNode:
    used: set[str] = set()
    g.selection.variables(used)
    variables = tuple(v for v in op.variable_definitions if v in used)
    defs = [_var_def(op.variable_definitions[v]) for v in variables]
    name = f" {op.name}__{_safe(g.subgraph)}__{g.id}" if op.name else ""
    rewrites: list[KeyRenamer] = []
    selection = g.selection.print(rewrites)
    # a rename is recorded before those inside its subtree, whose paths go through its
    # alias: applied innermost first, every path still exists when its rename runs
    rewrites.reverse()
    if g.is_entity:
        defs.insert(0, "$representations:[_Any!]!")
        defs += [f"${v}:{t}" for v, t in g.context_variables.items()]
        body = "{_entities(representations:$representations)" + selection + "}"
        text = f"query{name}({','.join(defs)}){body}"
        fetch = Fetch(
            service=g.subgraph,
            operation=text,
            variable_usages=variables,
            requires=g.requires.to_requires(),
            input_rewrites=tuple(g.input_rewrites.values()),
            output_rewrites=tuple(rewrites),
            id=g.id,
            context_variables=tuple(g.context_variables.items()),
            context_rewrites=tuple(g.context_rewrites),
        )
        node: PlanNode = Flatten(g.path, fetch)
    else:
        # a subscription's root fetch is the subgraph stream (gateway/subscriptions/)
        kind = _ROOT_KINDS.get(op.kind, "query")
        head = f"{kind}{name}" + (f"({','.join(defs)})" if defs else "")
        text = selection if head == "query" else head + selection
        node = Fetch(
            service=g.subgraph,
            operation=text,
            operation_kind=kind,
            variable_usages=variables,
            output_rewrites=tuple(rewrites),
            id=g.id,
        )
    return wrap_conditions(node, _group_conditions(g))


def _var_def(node: VariableDefinitionNode) -> str:
    """The client's variable definition as written, default included: the subgraph then
    validates and defaults the variable exactly as the client's operation does."""
    default = f"={print_ast(node.default_value)}" if node.default_value is not None else ""
    return f"${node.variable.name.value}:{print_ast(node.type)}{default}"


def _safe(name: str) -> str:
    return "".join(c if c.isalnum() or c == "_" else "_" for c in name)


def _group_conditions(g: FetchGroup) -> list[Cond]:
    """Conditions shared by every top-level selection: the fetch is needed only when they
    hold, so it goes under ``Condition`` nodes and costs nothing when they do not."""
    tops = _top_items(g.selection, g.is_entity)
    if not tops:
        return list(g.conditions or ())
    common = list(tops[0])
    for conds in tops[1:]:
        common = [c for c in common if c in conds]
    inherited = list(g.conditions or ())
    return inherited + [c for c in common if c not in inherited]


def _top_items(tree: SelTree, entity: bool) -> list[tuple[Cond, ...]]:
    out: list[tuple[Cond, ...]] = []
    for item in tree.items.values():
        if isinstance(item, FieldItem):
            out.append(item.conditions)
        elif isinstance(item, FragmentItem) and item.sub.has_fields():
            if item.conditions:
                out.append(item.conditions)
            elif item.type_condition is None or entity:
                out.extend(_top_items(item.sub, False))
            else:
                out.append(())
    return out
