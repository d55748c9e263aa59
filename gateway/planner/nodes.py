"""Small constructors shared by the plan builders: flattened Sequence/Parallel, conditions."""

from __future__ import annotations

from collections.abc import Iterable

from .operation import Cond
from .plan import Condition, Parallel, PlanNode, Sequence

__all__ = ["par", "seq", "wrap_conditions"]


def seq(nodes: Iterable[PlanNode | None]) -> PlanNode:
    flat: list[PlanNode] = []
    for n in nodes:
        if isinstance(n, Sequence):
            flat.extend(n.nodes)
        elif n is not None:
            flat.append(n)
    return flat[0] if len(flat) == 1 else Sequence(tuple(flat))


def par(nodes: list[PlanNode]) -> PlanNode:
    return nodes[0] if len(nodes) == 1 else Parallel(tuple(nodes))


def wrap_conditions(node: PlanNode, conds: Iterable[Cond]) -> PlanNode:
    """``node`` under ``Include``/``Skip`` conditions (the first condition outermost)."""
    for cond in reversed(list(conds)):
        node = (
            Condition(cond.variable, node, None)
            if cond.include
            else Condition(cond.variable, None, node)
        )
    return node
