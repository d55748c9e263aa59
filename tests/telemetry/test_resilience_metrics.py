"""The resilience guards' metrics at ``/metrics`` of a real ``fedgate serve`` in front of the
fault server (tests/resilience): a refusing subgraph is retried, given up on and has its
breaker opened; a hanging one with a one-call bulkhead refuses a second call."""

from __future__ import annotations

import concurrent.futures
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.resilience.test_faults_e2e import Setup, _setup

CONFIG = """\
supergraph:
  listen: 127.0.0.1:{port}
traffic_shaping:
  all:
    timeout: 1s
telemetry:
  exporters:
    metrics:
      prometheus:
        enabled: true
fedgate:
  traffic_shaping:
    subgraphs:
      refuse:
        retry:
          max_attempts: 2
          initial_backoff: 10ms
        circuit_breaker:
          consecutive_failures: 2
          open_duration: 60s
      hang:
        bulkhead:
          max_concurrent: 1
"""


@pytest.fixture(scope="module")
def gateway(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Setup]:
    yield from _setup(tmp_path_factory, CONFIG)


def _samples(setup: Setup) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    text = httpx.get(setup.url.replace("/graphql", "/metrics"), timeout=10).text
    out = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            out[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return out


def test_retries_give_up_and_breaker_state(gateway: Setup) -> None:
    first = gateway.query("refuse").json()  # two tries, both refused: the breaker opens
    assert first["errors"][0]["extensions"]["code"] == "SUBREQUEST_HTTP_ERROR"
    second = gateway.query("refuse").json()
    assert second["errors"][0]["extensions"]["code"] == "SUBGRAPH_CIRCUIT_OPEN"
    got = _samples(gateway)
    refuse = (("subgraph", "refuse"),)
    assert got[("fedgate_subgraph_retries_total", refuse)] == 1
    reason = (("reason", "attempts"), ("subgraph", "refuse"))
    assert got[("fedgate_subgraph_retries_exhausted_total", reason)] == 1
    state = "fedgate_subgraph_circuit_breaker_state"
    assert got[(state, (("state", "open"), ("subgraph", "refuse")))] == 1
    assert got[(state, (("state", "closed"), ("subgraph", "refuse")))] == 0
    transitions = "fedgate_subgraph_circuit_breaker_transitions_total"
    assert got[(transitions, (("state", "open"), ("subgraph", "refuse")))] == 1


def test_bulkhead_rejections(gateway: Setup) -> None:
    # two different subgraph requests (identical ones would share one call in flight)
    queries = ["{ hang }", "{ again: hang }"]

    def send(query: str) -> dict[str, Any]:
        answer: dict[str, Any] = httpx.post(gateway.url, json={"query": query}, timeout=30).json()
        return answer

    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        answers = list(pool.map(send, queries))
    codes = sorted(a["errors"][0]["extensions"]["code"] for a in answers)
    assert codes == ["GATEWAY_TIMEOUT", "SUBGRAPH_BULKHEAD_FULL"]
    got = _samples(gateway)
    assert got[("fedgate_subgraph_bulkhead_rejections_total", (("subgraph", "hang"),))] == 1
