"""Prometheus metrics end to end: a gateway with two workers behind a real Prometheus server
(Debian's ``prometheus``), which scrapes ``/metrics``; a PromQL query over its HTTP API returns
the number of requests the test sent (so one scrape saw both workers)."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx

from tests.e2e.processes import free_port, running
from tests.services import require

from .stack import TOP_PRODUCTS, gateway, services

CONFIG = """
telemetry:
  exporters:
    metrics:
      prometheus:
        enabled: true
        path: /metrics
"""
REQUESTS = 7


@contextlib.contextmanager
def prometheus(target: str, workdir: Path) -> Iterator[str]:
    binary = require("prometheus")
    port = free_port()
    config = workdir / "prometheus.yml"
    config.write_text(
        "global:\n  scrape_interval: 1s\n"
        "scrape_configs:\n  - job_name: fedgate\n"
        f"    static_configs:\n      - targets: ['{target}']\n"
    )
    argv = [
        binary,
        f"--config.file={config}",
        f"--storage.tsdb.path={workdir / 'tsdb'}",
        f"--web.listen-address=127.0.0.1:{port}",
    ]
    base = f"http://127.0.0.1:{port}"
    with running(argv, health_url=base + "/-/ready", timeout=60, stderr=workdir / "prom.log"):
        yield base


def _query(base: str, promql: str) -> list[dict[str, Any]]:
    answer = httpx.get(base + "/api/v1/query", params={"query": promql}, timeout=10)
    answer.raise_for_status()
    result: list[dict[str, Any]] = answer.json()["data"]["result"]
    return result


def test_prometheus_scrapes_the_request_count(tmp_path: Path) -> None:
    with (
        services(tmp_path, {}) as urls,
        gateway(CONFIG, tmp_path, urls, "--workers", "2") as base,
    ):
        for _ in range(REQUESTS):
            answer = httpx.post(base + "/graphql", json={"query": TOP_PRODUCTS}, timeout=30)
            assert answer.status_code == 200 and "errors" not in answer.json()
        text = httpx.get(base + "/metrics", timeout=10).text
        assert "fedgate_subgraph_request_duration_seconds_bucket" in text
        assert 'fedgate_query_plan_cache_lookups_total{result="miss"}' in text
        with prometheus(base.removeprefix("http://"), tmp_path) as prom:
            promql = 'sum(fedgate_request_duration_seconds_count{operation_name="TopProducts"})'
            deadline = time.monotonic() + 30
            value = None
            while time.monotonic() < deadline:
                result = _query(prom, promql)
                if result:
                    value = float(result[0]["value"][1])
                    break
                time.sleep(0.5)
            assert value == REQUESTS
            per_subgraph = _query(
                prom, "sum by (subgraph) (fedgate_subgraph_request_duration_seconds_count)"
            )
            assert {r["metric"]["subgraph"] for r in per_subgraph} == {
                "accounts",
                "products",
                "inventory",
                "reviews",
                "orders",
            }
