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
    """The plan's ``Defer`` node, printed with ``node`` for the plan nodes inside; a nested
    @defer's blocks in a ``Defer`` of their own inside their enclosing block, as Apollo's."""
    children: dict[int | None, list[DeferredBlock]] = {}
    for block in plan.deferred:
        children.setdefault(block.parent, []).append(block)
    _defer(plan.node, None, children, 1, node, out)


def _defer(
    primary: PlanNode | None,
    head: str | None,
    children: dict[int | None, list[DeferredBlock]],
    depth: int,
    node: Callable[[PlanNode, int, list[str]], None],
    out: list[str],
    parent: int | None = None,
) -> None:
    pad = _INDENT * depth
    out.append(f"{pad}Defer {{")
    out.append(f"{pad}{_INDENT}Primary {{")
    if head is not None:
        out.append(f"{pad}{_INDENT * 2}{head}:")
    if primary is not None:
        node(primary, depth + 2, out)
    out.append(f"{pad}{_INDENT}}}, [")
    for block in children.get(parent, []):
        inner = pad + _INDENT * 2
        out.append(f"{inner}Deferred({_head(block)}) {{")
        if block.index in children:
            _defer(block.node, block.subselection, children, depth + 3, node, out, block.index)
        else:
            out.append(f"{inner}{_INDENT}{block.subselection}:")
            if block.node is not None:
                node(block.node, depth + 3, out)
        out.append(f"{inner}}},")
    out.append(f"{pad}{_INDENT}]")
    out.append(f"{pad}}},")


def _head(block: DeferredBlock) -> str:
    """Apollo's ``depends``, ``path`` (response keys, ``/`` between them) and ``label``."""
    parts = [f"depends: [{', '.join(str(d) for d in block.depends)}]"]
    parts.append(f'path: "{"/".join(k for k in block.path if k != "@")}"')
    if block.label is not None:
        parts.append(f'label: "{block.label}"')
    if block.condition is not None:
        parts.append(f"if: ${block.condition}")
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
