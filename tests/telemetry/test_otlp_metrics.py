"""OTLP metrics end to end: a uvicorn-served gateway pushes its metrics over OTLP/HTTP to a
real receiver (tests/telemetry/otlp_receiver.py decodes ``ExportMetricsServiceRequest``),
and the request-duration histogram's count is the number of requests the test sent;
cumulative and delta temporality, alone and next to Prometheus; the docs' example loads."""

from __future__ import annotations

import re
from pathlib import Path

import httpx

from gateway.config import load_config

from .otlp_receiver import ReceivedPoint, otlp_receiver
from .stack import TOP_PRODUCTS, gateway, services

ROOT = Path(__file__).resolve().parents[2]
CONFIG = """
telemetry:
  exporters:
    metrics:
      common:
        service_name: edge
        resource:
          deployment.environment: test
      otlp:
        enabled: true
        protocol: http
        endpoint: {endpoint}
        temporality: {temporality}
        batch_processor:
          scheduled_delay: 300ms
"""
PROMETHEUS = "      prometheus:\n        enabled: true\n"
REQUESTS = 5
DURATION = "fedgate_request_duration_seconds"


def _requests(points: list[ReceivedPoint]) -> list[ReceivedPoint]:
    return [
        p
        for p in points
        if p.name == DURATION and p.attributes.get("operation_name") == "TopProducts"
    ]


def _send(base: str) -> None:
    for _ in range(REQUESTS):
        answer = httpx.post(base + "/graphql", json={"query": TOP_PRODUCTS}, timeout=30)
        assert answer.status_code == 200 and "errors" not in answer.json()


def test_otlp_metrics_cumulative_and_delta(tmp_path: Path) -> None:
    with services(tmp_path, {}) as urls, otlp_receiver() as receiver:
        config = CONFIG.format(endpoint=receiver.endpoint, temporality="cumulative")
        with gateway(config, tmp_path, urls) as base:
            _send(base)
            # cumulative: the latest export's point holds the count so far
            points = receiver.wait_for_points(
                lambda ps: any(p.value == REQUESTS for p in _requests(ps))
            )
            # OTLP pushes: no Prometheus scrape endpoint unless that exporter is enabled too
            assert httpx.get(base + "/metrics", timeout=10).status_code == 404
        latest = _requests(points)[-1]
        assert (latest.kind, latest.temporality, latest.service) == ("histogram", 2, "edge")
        assert latest.attributes["outcome"] == "ok"
        assert latest.resource["deployment.environment"] == "test"
        assert latest.resource["service.instance.id"]
        names = {p.name for p in points}
        assert {"fedgate_subgraph_request_duration_seconds", "fedgate_requests_in_flight"} <= names
        subgraphs = {p.attributes["subgraph"] for p in points if p.name.startswith("fedgate_sub")}
        assert {"products", "reviews"} <= subgraphs
        misses = [p for p in points if p.name == "fedgate_query_plan_cache_lookups"]
        assert misses and misses[-1].kind == "sum"

        with receiver.lock:
            receiver.points.clear()
        # both exporters: every instrument writes to Prometheus and to the meter
        config = CONFIG.format(endpoint=receiver.endpoint, temporality="delta") + PROMETHEUS
        with gateway(config, tmp_path, urls) as base:
            _send(base)
            text = httpx.get(base + "/metrics", timeout=10).text
            scraped = f'{DURATION}_count{{operation_name="TopProducts",outcome="ok"}} {REQUESTS}.0'
            assert scraped in text
            # delta: each export holds what happened since the previous one; they add up
            receiver.wait_for_points(lambda ps: sum(p.value for p in _requests(ps)) >= REQUESTS)
        # the gateway's shutdown sent the last export: nothing counted twice
        with receiver.lock:
            sent = _requests(list(receiver.points))
        assert sum(p.value for p in sent) == REQUESTS
        assert {p.temporality for p in sent} == {1}


def test_otlp_metrics_over_grpc(tmp_path: Path) -> None:
    """protocol: grpc (Apollo's default) to a real gRPC receiver; queries without subgraph
    calls are counted too."""
    from .otlp_receiver import otlp_grpc_receiver

    with otlp_grpc_receiver() as receiver:
        config = CONFIG.replace("protocol: http", "protocol: grpc")
        config = config.format(endpoint=receiver.endpoint, temporality="cumulative")
        with gateway(config, tmp_path, {}) as base:
            for _ in range(3):
                answer = httpx.post(
                    base + "/graphql", json={"query": "query Probe { __typename }"}, timeout=30
                )
                assert answer.status_code == 200
            points = receiver.wait_for_points(
                lambda ps: any(
                    p.name == DURATION
                    and p.attributes["operation_name"] == "Probe"
                    and p.value == 3
                    for p in ps
                )
            )
    assert {p.service for p in points} == {"edge"}


def test_the_docs_otlp_metrics_example_loads(tmp_path: Path) -> None:
    doc = (ROOT / "docs" / "observability.md").read_text()
    (example,) = re.findall(r"```yaml\n# OTLP metrics\n(.*?)```", doc, re.DOTALL)
    path = tmp_path / "router.yaml"
    path.write_text(example)
    telemetry = load_config(path, environ={}).telemetry
    assert telemetry is not None and telemetry.metrics is not None
    metrics = telemetry.metrics
    assert metrics.path is None and metrics.otlp is not None
    assert metrics.otlp.temporality == "delta"
    assert metrics.otlp.otlp.protocol == "http"
    assert metrics.otlp.metrics_url == "http://otel-collector:4318/v1/metrics"
    assert metrics.otlp.otlp.batch_processor.scheduled_delay == 10.0
    assert dict(metrics.otlp.otlp.headers) == {"x-api-key": "secret"}
