"""``supergraph.query_planning.warmed_up_queries``: a hot reload plans the most used
operations on the new supergraph before it switches, against ``fedgate serve`` (hot reload
on) in front of a uvicorn-served subgraph."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest

from .test_hot_reload import HELLO, gateway, replace, subgraph_url, supergraph, wait_for

__all__ = ["subgraph_url"]

PLANNED = re.compile(r"reload: (\d+) most used operations planned ahead")


def planned(log: Path) -> list[int]:
    return [int(n) for n in PLANNED.findall(log.read_text())]


@pytest.mark.parametrize(
    "config, expected",
    [
        ("  query_planning:\n    warmed_up_queries: 2\n", [2]),  # the two most recent of 3
        ("  query_planning:\n    warmed_up_queries: 10\n", [3]),  # all there are
        ("fedgate:\n  operation_cache_size: 6\n", [2]),  # Apollo's default: a third
        ("  query_planning:\n    warmed_up_queries: 0\n", []),  # off
    ],
)
def test_a_reload_plans_the_most_used_operations_first(
    subgraph_url: str, tmp_path: Path, config: str, expected: list[int]
) -> None:
    path = tmp_path / "supergraph.graphql"
    path.write_text(supergraph(subgraph_url, "hello"))
    with gateway(tmp_path, str(path), "--hot-reload", config=config) as (url, log, _proc):
        for query in (HELLO, "query A { hello }", "query B { hello }"):
            assert httpx.post(url, json={"query": query}, timeout=10).status_code == 200
        replace(path, supergraph(subgraph_url, "hello", "world"))
        assert wait_for(lambda: "fedgate: reloaded" in log.read_text())
        assert planned(log) == expected
        # the warmed operations answer on the new supergraph
        body = httpx.post(url, json={"query": "query B { hello }"}, timeout=10).json()
        assert body == {"data": {"hello": "hello"}}
