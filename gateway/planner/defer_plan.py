"""@defer blocks → ``DeferredBlock`` plan nodes, and the same plan as one tree (``whole``)
for a client that gets the whole response at once."""

from __future__ import annotations

from collections.abc import Callable

from .defer import DeferBlocks
from .fetch_group import FetchGroup
from .nodes import par, seq
from .operation import Field, Fragment, Selection, print_arguments
from .plan import DeferredBlock, PlanNode, QueryPlan

__all__ = ["deferred_blocks", "print_selections", "whole"]


def deferred_blocks(
    defers: DeferBlocks,
    groups: list[FetchGroup],
    tree: Callable[[list[FetchGroup]], PlanNode | None],
) -> tuple[DeferredBlock, ...]:
    """One ``DeferredBlock`` per @defer block, in document order; ``tree`` builds the plan
    node of a block's groups."""
    out: list[DeferredBlock] = []
    known = {g.id for g in groups}
    for index in sorted(defers.blocks):
        info = defers.blocks[index]
        mine = [g for g in groups if g.defer == index]
        ids = {g.id for g in mine}
        reads: set[int] = set()
        for g in mine:
            if g.parent is not None:
                reads.add(g.parent.id)
            reads |= g.deps
        depends = tuple(sorted(d for d in reads if d in known and d not in ids))
        out.append(
            DeferredBlock(
                index=index,
                label=info.mark.label,
                condition=info.mark.condition,
                parent=info.parent,
                path=info.path,
                depends=depends,
                node=tree(mine),
                subselection=print_selections(info.fragment.selections),
            )
        )
    return tuple(out)


def whole(plan: QueryPlan) -> QueryPlan:
    """The plan with every deferred block run after the part enclosing it, as one tree: the
    whole response at once (a client that does not take multipart, ``defer_support: false``
    is planned without blocks instead)."""
    if not plan.deferred:
        return plan
    children: dict[int | None, list[DeferredBlock]] = {}
    for block in plan.deferred:
        children.setdefault(block.parent, []).append(block)

    def after(parent: int | None) -> PlanNode | None:
        nodes = [n for b in children.get(parent, []) if (n := subtree(b)) is not None]
        return par(nodes) if nodes else None

    def subtree(block: DeferredBlock) -> PlanNode | None:
        rest = after(block.index)
        if block.node is None:
            return rest
        return block.node if rest is None else seq([block.node, rest])

    rest = after(None)
    if plan.node is None:
        return QueryPlan(rest)
    return QueryPlan(plan.node if rest is None else seq([plan.node, rest]))


def print_selections(sels: tuple[Selection, ...]) -> str:
    """A selection as compact GraphQL text (the ``subselection`` of a deferred block)."""
    parts: list[str] = []
    for s in sels:
        if isinstance(s, Field):
            head = f"{s.alias}: {s.name}" if s.alias else s.name
            head += print_arguments(s.arguments)
            head += "".join(" " + c.directive() for c in s.conditions)
            parts.append(head + (" " + print_selections(s.selections) if s.selections else ""))
        elif isinstance(s, Fragment):
            head = "..." + (f" on {s.type_condition}" if s.type_condition else "")
            head += "".join(" " + c.directive() for c in s.conditions)
            if s.defer is not None:
                label = f'(label: "{s.defer.label}")' if s.defer.label else ""
                head += f" @defer{label}"
            parts.append(head + " " + print_selections(s.selections))
    return "{ " + " ".join(parts) + " }"
