"""After a load, what was built is in the collector's oldest generation, and nothing is left
frozen (gateway/gc_pause.py: ``kept_for_long``)."""

from __future__ import annotations

import gc
from pathlib import Path

from gateway.supergraph import load_supergraph

BENCH = (Path(__file__).parent.parent / "fixtures" / "bench_supergraph.graphql").read_text()


def _in_generation(obj: object, generation: int) -> bool:
    return any(o is obj for o in gc.get_objects(generation))


def test_the_built_supergraph_goes_to_the_oldest_generation_and_nothing_stays_frozen() -> None:
    assert gc.get_freeze_count() == 0
    sg = load_supergraph(BENCH)
    assert gc.get_freeze_count() == 0
    assert _in_generation(sg.types, 2)
    assert not _in_generation(sg.types, 0)


def test_objects_someone_else_froze_stay_frozen() -> None:
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        sg = load_supergraph(BENCH)
        assert gc.get_freeze_count() == frozen  # not thawed by the load
        assert not _in_generation(sg.types, 2)  # the usual way: young first
    finally:
        gc.unfreeze()
