"""Pausing the cyclic garbage collector while a large, long-lived structure is built.

Loading a supergraph (or composing one) allocates about a million objects that all stay
alive (the syntax tree, the model, the API schema). Each allocation burst triggers the
collector, and every older-generation pass walks all of them again: on a supergraph of 100
subgraphs and 2,000 types that was more than half of the load time (bench/scale.py). Nothing
built there is cyclic garbage worth collecting early; the collector runs as usual afterwards.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["gc_paused", "kept_for_long"]


@contextmanager
def gc_paused() -> Iterator[None]:
    """No automatic collection inside; restores the collector's state (nested uses and a
    caller that disabled it stay as they were)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@contextmanager
def kept_for_long() -> Iterator[None]:
    """``gc_paused``, for a structure that is kept afterwards (a loaded supergraph): at the
    end, what was built goes straight to the oldest generation.

    Otherwise the first young collection after the build walks the million new objects (and
    keeps them), then a middle-generation one walks them again: 0.3 s of CPU after each large
    load, for nothing. ``gc.freeze()`` then ``gc.unfreeze()`` moves every tracked object into
    the oldest generation without looking at it (CPython's documented freeze semantics), and
    nothing stays frozen: a later full collection still frees whatever became garbage. Other
    young objects of the process move with them; they are collected by the next full
    collection instead of a young one.

    Only while nothing else is frozen: ``unfreeze`` thaws the whole permanent generation, and
    a server that froze its start-up objects (``tune_gc`` in gateway/server/run.py) keeps
    them frozen through a hot reload; that load's objects then take the usual way.
    """
    with gc_paused():
        yield
        if gc.get_freeze_count() == 0:
            gc.freeze()
            gc.unfreeze()
