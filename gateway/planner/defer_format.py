"""@defer plans in Apollo's text and JSON forms: ``Defer { Primary { ... }, [ Deferred(...)
{ ... } ] }`` and ``{"kind": "Defer", "primary": ..., "deferred": [...]}``.

Apollo nests the blocks of a nested @defer inside their enclosing block; ours are one list in
document order, each naming its enclosing block (``parent``), which says the same."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .plan import DeferredBlock, PlanNode, QueryPlan

__all__ = ["defer_json", "format_defer"]

_INDENT = "  "


def format_defer(
    plan: QueryPlan, node: Callable[[PlanNode, int, list[str]], None], out: list[str]
) -> None:
    """The plan's ``Defer`` node, printed with ``node`` for the plan nodes inside."""
    pad = _INDENT
    out.append(f"{pad}Defer {{")
    out.append(f"{pad * 2}Primary {{")
    if plan.node is not None:
        node(plan.node, 3, out)
    out.append(f"{pad * 2}}}, [")
    for block in plan.deferred:
        out.append(f"{pad * 3}Deferred({_head(block)}) {{")
        out.append(f"{pad * 4}{block.subselection}:")
        if block.node is not None:
            node(block.node, 4, out)
        out.append(f"{pad * 3}}},")
    out.append(f"{pad * 2}]")
    out.append(f"{pad}}},")


def _head(block: DeferredBlock) -> str:
    parts = [f"depends: [{', '.join(str(d) for d in block.depends)}]"]
    parts.append(f'path: "{".".join(block.path)}"')
    if block.label is not None:
        parts.append(f'label: "{block.label}"')
    if block.condition is not None:
        parts.append(f"if: ${block.condition}")
    if block.parent is not None:
        parts.append(f"in: {block.parent}")
    return ", ".join(parts)


def defer_json(plan: QueryPlan, node: Callable[[PlanNode], dict[str, Any]]) -> dict[str, Any]:
    """Apollo's ``DeferNode`` JSON (``node`` converts the plan nodes inside)."""
    primary: dict[str, Any] = {}
    if plan.node is not None:
        primary["node"] = node(plan.node)
    deferred: list[dict[str, Any]] = []
    for block in plan.deferred:
        entry: dict[str, Any] = {
            "depends": [{"id": str(d)} for d in block.depends],
            "label": block.label,
            "queryPath": list(block.path),
            "subselection": block.subselection,
        }
        if block.condition is not None:
            entry["condition"] = block.condition
        if block.parent is not None:
            entry["parent"] = block.parent
        if block.node is not None:
            entry["node"] = node(block.node)
        deferred.append(entry)
    return {"kind": "Defer", "primary": primary, "deferred": deferred}
