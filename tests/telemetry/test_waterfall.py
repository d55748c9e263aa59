"""The waterfall page behind docs/trace.png: spans in tree order (children under their
parent, by start time), bars placed on the trace's time line."""

from __future__ import annotations

import re

from .otlp_receiver import ReceivedSpan
from .waterfall import waterfall


def span(name: str, sid: str, parent: str, start: int, end: int, service: str) -> ReceivedSpan:
    return ReceivedSpan(service, name, "t" * 32, sid, parent, 1, {}, 0, start, end)


def test_rows_follow_the_tree_and_the_clock() -> None:
    spans = [
        span("POST /graphql", "d", "c", 40_000_000, 80_000_000, "subgraph-reviews"),
        span("fetch", "c", "a", 30_000_000, 90_000_000, "fedgate"),
        span("query_planning", "b", "a", 10_000_000, 20_000_000, "fedgate"),
        span("router", "a", "client-span", 0, 100_000_000, "fedgate"),
    ]
    page = waterfall(spans, "query <T>")
    assert "query &lt;T&gt; · 100.0 ms · 4 spans" in page
    names = re.findall(r'class="name" style="padding-left:(\d+)px">([^<]+) <', page)
    assert names == [
        ("0", "router"),
        ("14", "query_planning"),
        ("14", "fetch"),
        ("28", "POST /graphql"),
    ]
    bars = re.findall(r'class="bar (\w+)" style="left:([\d.]+)%;width:([\d.]+)%"', page)
    assert bars[-1] == ("subgraph", "40.00", "40.00")
    assert bars[1] == ("gateway", "10.00", "10.00")
