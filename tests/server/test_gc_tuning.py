"""The collector in a serving worker (gateway/server/gc_tuning.py): ``fedgate serve`` freezes
what it built at start; a hot reload's retired generation is collected, not kept alive by
that freeze, and the new one is frozen in its turn. In a subprocess: freezing is per process."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = """
import asyncio, gc, sys, weakref
from gateway.server import create_app
from gateway.server.reload import ReloadSpec
from gateway.server.run import load_gateway, tune_gc

path = sys.argv[1]
tuned = sys.argv[2] == "tuned"

async def main():
    loaded = load_gateway(path, None)
    app = create_app(loaded.supergraph, config=loaded.config, reload=ReloadSpec(path, None))
    async with app.router.lifespan_context(app):
        if tuned:
            tune_gc()
        first = weakref.ref(app.state.gateway)
        frozen = gc.get_freeze_count()
        await app.state.reloader.reload("test", force=True)
        for _ in range(100):  # the old generation closes in a task of its own
            if not app.state.live._closing:
                break
            await asyncio.sleep(0.01)
        await asyncio.sleep(0)
        second = app.state.gateway
        print(first() is None, first() is not second, gc.get_freeze_count() >= frozen > 0)

asyncio.run(main())
"""


def _run(mode: str) -> list[str]:
    supergraph = str(ROOT / "schema" / "supergraph.graphql")
    argv = [sys.executable, "-c", SCRIPT, supergraph, mode]
    out = subprocess.run(argv, capture_output=True, text=True, check=True, cwd=ROOT, timeout=120)
    return out.stdout.split()


def test_a_reload_collects_the_frozen_generation_and_freezes_the_new_one() -> None:
    assert _run("tuned") == ["True", "True", "True"]


def test_an_embedder_that_did_not_tune_the_collector_keeps_its_settings() -> None:
    # no freeze happened, none is made by a reload (the old generation is collected as usual)
    first_gone, swapped, frozen = _run("plain")
    assert (swapped, frozen) == ("True", "False")
    assert first_gone in ("True", "False")  # whenever the collector's own thresholds say
