"""The cyclic garbage collector in a serving worker (decision 0004).

A request allocates tens of thousands of short-lived dicts and lists (subgraph JSON, the merged
tree, the response); reference counting frees them, but with the default threshold (700) the
cyclic collector runs every few hundred allocations and walks them all again. Measured on the
heavy benchmark query (bench/replay.py): +38 % requests per CPU-second with the thresholds
below. What lives as long as the worker (modules, the supergraph, the schema) is frozen
(``gc.freeze``): no collection walks it again.

A hot reload builds a new generation after that: ``refreeze`` (called when the old one is
retired, its last request done) collects the old one, which froze objects no collection
examines would otherwise keep alive for good, and freezes the new one.
"""

from __future__ import annotations

import gc

__all__ = ["GC_THRESHOLDS", "refreeze", "tune_gc"]

GC_THRESHOLDS = (50_000, 20, 100)
_tuned = False


def tune_gc() -> None:
    """Fewer cyclic collections, and none over the objects that live as long as the worker."""
    global _tuned
    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)
    _tuned = True


def refreeze() -> None:
    """After a reload retired a generation: only where ``tune_gc`` froze the first one (an
    embedder's process keeps its own collector settings)."""
    if not _tuned:
        return
    gc.unfreeze()
    gc.collect()
    gc.freeze()
