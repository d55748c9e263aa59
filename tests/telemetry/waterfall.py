"""A trace as a small HTML waterfall page (one row per span, indented under its parent, a
bar from its start to its end): what ``scripts/trace_screenshot.py`` screenshots for
docs/trace.png."""

from __future__ import annotations

import html
from collections.abc import Sequence

from .otlp_receiver import ReceivedSpan

__all__ = ["waterfall"]

_STYLE = """
body { font: 13px/1.3 system-ui, sans-serif; margin: 16px; color: #222; background: #fff; }
h1 { font-size: 15px; margin: 0 0 10px; }
.row { display: flex; align-items: center; height: 22px; border-bottom: 1px solid #eee; }
.name { width: 360px; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.lane { position: relative; flex: 1; height: 14px; }
.bar { position: absolute; height: 14px; border-radius: 2px; min-width: 2px; }
.ms { width: 70px; text-align: right; color: #555; font-variant-numeric: tabular-nums; }
.svc { color: #777; }
.gateway { background: #3b7dd8; } .subgraph { background: #e48a2f; }
"""


def _tree(spans: Sequence[ReceivedSpan]) -> list[tuple[int, ReceivedSpan]]:
    """Depth-first, children by start time; spans whose parent is not in the trace are roots."""
    ids = {s.span_id for s in spans}
    children: dict[str, list[ReceivedSpan]] = {}
    for span in spans:
        parent = span.parent_id if span.parent_id in ids else ""
        children.setdefault(parent, []).append(span)
    out: list[tuple[int, ReceivedSpan]] = []

    def visit(parent: str, depth: int) -> None:
        for span in sorted(children.get(parent, []), key=lambda s: s.start_ns):
            out.append((depth, span))
            visit(span.span_id, depth + 1)

    visit("", 0)
    return out


def _label(span: ReceivedSpan) -> str:
    subgraph = span.attributes.get("subgraph.name")
    return f"{span.name} ({subgraph})" if subgraph else span.name


def waterfall(spans: Sequence[ReceivedSpan], title: str) -> str:
    """The page for one trace's spans."""
    start = min(s.start_ns for s in spans)
    total = max(max(s.end_ns for s in spans) - start, 1)
    rows = []
    for depth, span in _tree(spans):
        left = 100 * (span.start_ns - start) / total
        width = 100 * (span.end_ns - span.start_ns) / total
        kind = "subgraph" if span.service.startswith("subgraph-") else "gateway"
        ms = (span.end_ns - span.start_ns) / 1e6
        name = html.escape(_label(span))
        service = html.escape(span.service)
        rows.append(
            f'<div class="row"><div class="name" style="padding-left:{depth * 14}px">{name}'
            f' <span class="svc">{service}</span></div><div class="lane">'
            f'<div class="bar {kind}" style="left:{left:.2f}%;width:{width:.2f}%"></div></div>'
            f'<div class="ms">{ms:.1f} ms</div></div>'
        )
    return (
        f"<!doctype html><html><head><meta charset='utf-8'><style>{_STYLE}</style></head>"
        f"<body><h1>{html.escape(title)} · {total / 1e6:.1f} ms · {len(spans)} spans</h1>"
        + "".join(rows)
        + "</body></html>"
    )
