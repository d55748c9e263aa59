"""Micro-benchmarks of the hot path on the heavy benchmark query (pytest-benchmark; not part
of ``make test``, which never times anything). Run: ``make bench``.

plan cold / cache hit, representation building, merging, response shaping — each on the
heavy query's real data (replayed from ``bench/recordings/heavy.json``).
"""

from __future__ import annotations

import asyncio
import copy
import json
from pathlib import Path
from typing import Any

import pytest
from graphql import parse

from gateway.execution.merge import deep_merge
from gateway.execution.prepare import Prepared
from gateway.execution.shape import shape_response
from gateway.pipeline import Gateway
from gateway.planner import Planner
from gateway.supergraph import load_supergraph

from .replay import RECORDING, Replayer

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
SUPERGRAPH = load_supergraph((FIXTURES / "bench_supergraph.graphql").read_text())
QUERY = (FIXTURES / "heavy.graphql").read_text()


def _gateway() -> Gateway:
    return Gateway(SUPERGRAPH, Replayer(json.loads(RECORDING.read_text())))


def test_plan_cold(benchmark: Any) -> None:
    document = parse(QUERY)
    benchmark(lambda: Planner(SUPERGRAPH, batch=True).plan(document))


def test_plan_cache_hit(benchmark: Any) -> None:
    gateway = _gateway()
    gateway.prepare(QUERY, None)
    benchmark(gateway.prepare, QUERY, None)


def test_execute_whole_request(benchmark: Any) -> None:
    gateway = _gateway()
    loop = asyncio.new_event_loop()
    try:
        benchmark(lambda: loop.run_until_complete(gateway.execute(QUERY)))
    finally:
        loop.close()


@pytest.fixture(scope="module")
def merged() -> tuple[Gateway, dict[str, Any]]:
    gateway = _gateway()
    entry = gateway.prepare(QUERY, None)
    assert isinstance(entry, Prepared) and entry.compiled is not None
    loop = asyncio.new_event_loop()
    try:
        data, _ = loop.run_until_complete(entry.compiled.execute(gateway.client, {}))
    finally:
        loop.close()
    return gateway, data


def test_shape_response(benchmark: Any, merged: tuple[Gateway, dict[str, Any]]) -> None:
    gateway, data = merged
    entry = gateway.prepare(QUERY, None)
    assert isinstance(entry, Prepared)
    shape = entry.shape_for({})
    benchmark(lambda: shape_response(shape, data, []))


def test_deep_merge(benchmark: Any, merged: tuple[Gateway, dict[str, Any]]) -> None:
    _, data = merged
    benchmark(lambda: deep_merge(copy.deepcopy(data), data))
