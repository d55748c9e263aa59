"""Traces end to end: the gateway and the example services export over OTLP/HTTP to a real
receiver (tests/telemetry/otlp_receiver.py), and one cross-subgraph query makes one trace:
the client's span → the gateway's spans → each subgraph's server span, joined through
``traceparent``."""

from __future__ import annotations

import os
from pathlib import Path

import httpx

from .otlp_receiver import ReceivedSpan, otlp_receiver
from .stack import TOP_PRODUCTS, gateway, services

CLIENT_TRACE = "4bf92f3577b34da6a3ce929d0e0e4736"
CLIENT_SPAN = "00f067aa0ba902b7"
SPAN_KIND_CLIENT = 3  # opentelemetry.proto.trace.v1.Span.SpanKind
STATUS_CODE_ERROR = 2  # opentelemetry.proto.trace.v1.Status.StatusCode

CONFIG = """
telemetry:
  exporters:
    tracing:
      common:
        service_name: fedgate-test
        resource:
          deployment.environment: test
      otlp:
        enabled: true
        protocol: http
        endpoint: {endpoint}
        batch_processor:
          scheduled_delay: 100ms
"""


def _by_id(spans: list[ReceivedSpan]) -> dict[str, ReceivedSpan]:
    return {s.span_id: s for s in spans}


def _ready(spans: list[ReceivedSpan]) -> bool:
    names = {s.name for s in spans if s.service == "fedgate-test"}
    subgraph_services = {s.service for s in spans if s.service.startswith("subgraph-")}
    return "router" in names and len(subgraph_services) == 5


def test_cross_subgraph_trace(tmp_path: Path) -> None:
    with otlp_receiver() as receiver:
        env = {
            "OTEL_EXPORTER_OTLP_ENDPOINT": receiver.endpoint,
            "OTEL_EXPORTER_OTLP_PROTOCOL": "http/protobuf",
        }
        with (
            services(tmp_path, env) as urls,
            gateway(CONFIG.format(endpoint=receiver.endpoint), tmp_path, urls) as base,
        ):
            headers = {
                "traceparent": f"00-{CLIENT_TRACE}-{CLIENT_SPAN}-01",
                "baggage": "tenant=acme",
            }
            answer = httpx.post(
                base + "/graphql", json={"query": TOP_PRODUCTS}, headers=headers, timeout=30
            )
            assert answer.status_code == 200, answer.text
            assert "errors" not in answer.json(), answer.text
            spans = receiver.wait_for(_ready)

    assert {s.trace_id for s in spans} == {CLIENT_TRACE}
    by_id = _by_id(spans)
    gateway_spans = [s for s in spans if s.service == "fedgate-test"]
    (router,) = [s for s in gateway_spans if s.name == "router"]
    assert router.parent_id == CLIENT_SPAN
    assert router.attributes["http.response.status_code"] == 200
    (supergraph,) = [s for s in gateway_spans if s.name == "supergraph"]
    assert supergraph.parent_id == router.span_id
    assert supergraph.attributes["graphql.operation.name"] == "TopProducts"
    assert supergraph.attributes["graphql.operation.type"] == "query"
    (planning,) = [s for s in gateway_spans if s.name == "query_planning"]
    assert planning.parent_id == supergraph.span_id
    assert planning.attributes["fedgate.plan.cache"] == "miss"
    stages = {s.name for s in gateway_spans if s.parent_id == planning.span_id}
    assert {"parse", "validate", "plan"} <= stages
    (execution,) = [s for s in gateway_spans if s.name == "execution"]
    assert execution.parent_id == supergraph.span_id
    fetches = [s for s in gateway_spans if s.name == "fetch"]
    assert {f.attributes["subgraph.name"] for f in fetches} == {
        "accounts",
        "products",
        "inventory",
        "reviews",
        "orders",
    }
    assert all(by_id[f.parent_id].name == "execution" for f in fetches)
    entity = [f for f in fetches if "fedgate.fetch.representations" in f.attributes]
    assert entity and all(f.attributes["fedgate.fetch.representations"] >= 1 for f in entity)
    # each fetch is one HTTP call here (no call shared in flight): the fetch span, a client
    # span, describes it, and no subgraph_request span doubles the span count
    assert not [s for s in gateway_spans if s.name == "subgraph_request"]
    for fetch in fetches:
        assert fetch.kind == SPAN_KIND_CLIENT
        assert fetch.attributes["http.request.method"] == "POST"
        assert fetch.attributes["url.full"].startswith("http://127.0.0.1:")
        assert fetch.attributes["http.request.body.size"] > 0
        assert fetch.attributes["http.response.status_code"] == 200
        assert fetch.attributes["http.response.body.size"] > 0
    # each subgraph's own server span is a child of the gateway's call to it
    for service in ("accounts", "products", "inventory", "reviews", "orders"):
        server = [s for s in spans if s.service == f"subgraph-{service}" and s.parent_id in by_id]
        assert server, service
        parents = {
            by_id[s.parent_id].name for s in server if by_id[s.parent_id].service != s.service
        }
        assert parents == {"fetch"}, (service, parents)


def test_collector_down_costs_nothing(tmp_path: Path) -> None:
    """An exporter pointed at a port nobody listens on: requests are answered as usual."""
    from tests.e2e.processes import free_port

    endpoint = f"http://127.0.0.1:{free_port()}"
    with (
        services(tmp_path, {}) as urls,
        gateway(CONFIG.format(endpoint=endpoint), tmp_path, {**urls, **os.environ}) as base,
    ):
        for _ in range(5):
            answer = httpx.post(base + "/graphql", json={"query": TOP_PRODUCTS}, timeout=10)
            assert answer.status_code == 200
            assert "errors" not in answer.json()


def test_otlp_grpc_export(tmp_path: Path) -> None:
    """protocol: grpc (Apollo's default) to a real gRPC receiver; a query without subgraph
    calls still has its router, supergraph and planning spans."""
    from .otlp_receiver import otlp_grpc_receiver

    with otlp_grpc_receiver() as receiver:
        config = CONFIG.replace("protocol: http", "protocol: grpc")
        with gateway(config.format(endpoint=receiver.endpoint), tmp_path, {}) as base:
            answer = httpx.post(
                base + "/graphql", json={"query": "query Probe { __typename }"}, timeout=30
            )
            assert answer.status_code == 200
            spans = receiver.wait_for(lambda got: any(s.name == "router" for s in got))
    names = {s.name for s in spans}
    assert {"router", "supergraph", "query_planning", "parse", "validate"} <= names
    (supergraph,) = [s for s in spans if s.name == "supergraph"]
    assert supergraph.attributes["graphql.operation.name"] == "Probe"
    assert {s.service for s in spans} == {"fedgate-test"}
    assert len({s.trace_id for s in spans}) == 1


def test_a_failed_fetch_is_an_error_span(tmp_path: Path) -> None:
    """One subgraph unreachable: its fetch span (which describes the HTTP call) has the error
    code and the error status, and the supergraph span counts the response's errors."""
    from tests.e2e.processes import free_port

    with otlp_receiver() as receiver, services(tmp_path, {}) as urls:
        dead = {**urls, "FEDGATE_SUBGRAPH_INVENTORY_URL": f"http://127.0.0.1:{free_port()}/"}
        with gateway(CONFIG.format(endpoint=receiver.endpoint), tmp_path, dead) as base:
            answer = httpx.post(base + "/graphql", json={"query": TOP_PRODUCTS}, timeout=30)
            assert answer.status_code == 200 and answer.json()["errors"], answer.text
            spans = receiver.wait_for(lambda got: any(s.name == "router" for s in got))
    fetches = [s for s in spans if s.name == "fetch"]
    (failed,) = [f for f in fetches if f.attributes["subgraph.name"] == "inventory"]
    assert failed.status_code == STATUS_CODE_ERROR
    code = failed.attributes["error.type"]
    assert isinstance(code, str) and code
    assert "http.response.status_code" not in failed.attributes  # no answer came back
    assert all(f.status_code != STATUS_CODE_ERROR for f in fetches if f is not failed)
    (supergraph,) = [s for s in spans if s.name == "supergraph"]
    assert supergraph.status_code == STATUS_CODE_ERROR
    assert supergraph.attributes["fedgate.errors"] >= 1
    assert code in supergraph.attributes["graphql.error.codes"]
