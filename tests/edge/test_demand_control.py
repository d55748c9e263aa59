"""Demand control through a uvicorn-served gateway: enforce refuses over max before any
subgraph call, measure lets it run, the costs are in extensions.cost when asked and in the
log."""

from __future__ import annotations

import logging
from pathlib import Path

import httpx
import pytest

from .served import config_from, serve

CONFIG = """\
demand_control:
  enabled: true
  mode: {mode}
  strategy:
    static_estimated:
      list_size: 10
      max: 30
fedgate:
  demand_control:
    expose_in_extensions: {expose}
"""


def post(url: str, query: str, variables: dict[str, object] | None = None) -> httpx.Response:
    body: dict[str, object] = {"query": query}
    if variables is not None:
        body["variables"] = variables
    return httpx.post(url, json=body, headers={"accept": "application/json"}, timeout=10)


def test_enforce_refuses_over_max_without_calling_a_subgraph(tmp_path: Path) -> None:
    config = config_from(tmp_path, CONFIG.format(mode="enforce", expose="true"))
    with serve(config) as served:
        # 10 products x (1 + 5 reviews) = 60 > 30
        r = post(served.url, "{ everything { reviews { id } } }")
        [error] = r.json()["errors"]
        assert error["extensions"]["code"] == "COST_ESTIMATED_TOO_EXPENSIVE"
        assert error["extensions"]["cost.estimated"] == 60
        assert error["extensions"]["cost.max"] == 30
        assert "data" not in r.json()
        assert served.subgraph.requests == []
        # 4 x (1 + 5) = 24 <= 30: runs; actual: 4 products + 1+2+0+1 reviews = 8
        r = post(
            served.url, "query($n: Int!) { topProducts(first: $n) { reviews { id } } }", {"n": 4}
        )
        body = r.json()
        assert len(body["data"]["topProducts"]) == 4
        assert body["extensions"]["cost"] == {
            "estimated": 24,
            "actual": 8,
            "max": 30,
            "result": "COST_OK",
            "strategy": "static_estimated",
            "mode": "enforce",
            "actualBySubgraph": {"shop": 8},
        }
        assert len(served.subgraph.requests) == 1


def test_measure_runs_over_max_and_logs_the_costs(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    config = config_from(tmp_path, CONFIG.format(mode="measure", expose="false"))
    with serve(config) as served, caplog.at_level(logging.INFO, "fedgate.demand_control"):
        r = post(served.url, "query Everything { everything { reviews { id } } }")
        body = r.json()
        assert len(body["data"]["everything"]) == 20
        assert "extensions" not in body
    [line] = [rec.getMessage() for rec in caplog.records if rec.name == "fedgate.demand_control"]
    # estimated 10 x (1 + 5); actual 20 products + 21 reviews (product i has i % 3)
    assert "operation=Everything" in line
    assert "estimated=60 actual=41 result=COST_ESTIMATED_TOO_EXPENSIVE" in line


def test_a_missing_required_slicing_argument_is_refused(tmp_path: Path) -> None:
    config = config_from(tmp_path, CONFIG.format(mode="measure", expose="false"))
    with serve(config) as served:
        r = post(served.url, "{ strict { name } }")
        [error] = r.json()["errors"]
        assert error["extensions"]["code"] == "COST_QUERY_PARSE_FAILURE"
        assert served.subgraph.requests == []
