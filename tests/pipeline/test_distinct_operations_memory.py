"""Distinct operations past the operation cache's size keep memory bounded (what
``bench/distinct_ops.py`` shows over 10,000): every operation is new, so each is parsed,
validated, planned and cached, and evicts the least recently used. Counted, not timed: the
traced Python memory after the second half of the operations is no more than after the first
half (plus a small slack for the interpreter's own free lists), and the cache holds its size."""

from __future__ import annotations

import gc
import tracemalloc
from pathlib import Path

from bench.distinct_ops import distinct_operation
from gateway.config.model import GatewayConfig
from gateway.pipeline import Gateway
from gateway.supergraph import load_supergraph
from gateway.transport.local import LocalClient

SUPERGRAPH = Path(__file__).parent.parent / "fixtures" / "bench_supergraph.graphql"
CACHE, OPS = 40, 360
SLACK = 64 * 1024  # bytes: far below one operation's cached preparation (~15 KiB) x the ops


def test_distinct_operations_past_the_cache_size_do_not_grow_traced_memory() -> None:
    gateway = Gateway(
        load_supergraph(SUPERGRAPH.read_text()),
        LocalClient({}),
        GatewayConfig(operation_cache_size=CACHE),
    )
    tracemalloc.start()
    try:
        marks = []
        for i in range(1, OPS + 1):
            gateway.prepare(distinct_operation(i), f"Op{i}")
            if i in (OPS // 3, OPS):
                gc.collect()
                marks.append(tracemalloc.get_traced_memory()[0])
    finally:
        tracemalloc.stop()
    assert len(gateway._cache) == CACHE
    first, last = marks
    assert last - first < SLACK, f"grew {(last - first) // 1024} KiB over {OPS * 2 // 3} operations"


def test_the_generated_operations_are_distinct_and_valid() -> None:
    gateway = Gateway(load_supergraph(SUPERGRAPH.read_text()), LocalClient({}))
    ops = [distinct_operation(i) for i in range(1, 200)]
    assert len(set(ops)) == len(ops)
    for i in (1, 77, 199):
        prepared = gateway.prepare(ops[i - 1], f"Op{i}")
        assert type(prepared).__name__ == "Prepared", prepared
