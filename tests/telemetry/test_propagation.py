"""What a subgraph receives: the W3C trace context and baggage, for a sampled trace (the
parent is the gateway's ``fetch`` span, as exported) and for an unsampled one
(the same trace, flagged not sampled, so the subgraph does not start traces of its own)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from gateway.composition import compose
from gateway.composition.model import CompositionSuccess, SubgraphSource
from tests.e2e.echo_subgraph import federation_sdl
from tests.e2e.processes import fedgate, free_port, running

from .otlp_receiver import Receiver, otlp_receiver

TRACE = "4bf92f3577b34da6a3ce929d0e0e4736"
CLIENT_SPAN = "00f067aa0ba902b7"
CONFIG = """
telemetry:
  exporters:
    tracing:
      common:
        sampler: {sampler}
      otlp:
        enabled: true
        protocol: http
        endpoint: {endpoint}
        batch_processor:
          scheduled_delay: 100ms
"""


@pytest.fixture(scope="module")
def supergraph(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    work = tmp_path_factory.mktemp("propagation")
    port = free_port()
    source = SubgraphSource("a", f"http://127.0.0.1:{port}/graphql", federation_sdl("echo"))
    result = compose([source])
    assert isinstance(result, CompositionSuccess), result
    path = work / "supergraph.graphql"
    path.write_text(result.supergraph_sdl)
    argv = [sys.executable, "-m", "tests.e2e.echo_subgraph", "--port", str(port)]
    with running([*argv, "--field", "echo"], health_url=f"http://127.0.0.1:{port}/health"):
        yield path


@pytest.fixture(scope="module")
def receiver() -> Iterator[Receiver]:
    with otlp_receiver() as received:
        yield received


def _gateway(supergraph: Path, config: str) -> Iterator[str]:
    port = free_port()
    path = supergraph.parent / f"router-{port}.yaml"
    path.write_text(config)
    argv = fedgate("serve", "--supergraph", str(supergraph), "--config", str(path))
    with running([*argv, "--port", str(port)], health_url=f"http://127.0.0.1:{port}/health"):
        yield f"http://127.0.0.1:{port}/graphql"


def _seen(url: str, headers: dict[str, str]) -> dict[str, str]:
    answer = httpx.post(url, json={"query": "{ echo { name value } }"}, headers=headers)
    body: dict[str, Any] = answer.json()
    assert "errors" not in body, body
    return {h["name"]: h["value"] for h in body["data"]["echo"]}


def test_sampled_trace_reaches_the_subgraph(supergraph: Path, receiver: Receiver) -> None:
    config = CONFIG.format(sampler="always_on", endpoint=receiver.endpoint)
    for url in _gateway(supergraph, config):
        headers = {"traceparent": f"00-{TRACE}-{CLIENT_SPAN}-01", "baggage": "tenant=acme"}
        seen = _seen(url, headers)
        version, trace_id, parent, flags = seen["traceparent"].split("-")
        assert (version, trace_id) == ("00", TRACE) and int(flags, 16) & 1
        assert seen["baggage"] == "tenant=acme"
        spans = receiver.wait_for(
            lambda got: any(s.name == "fetch" and s.trace_id == TRACE for s in got)
        )
        (call,) = [s for s in spans if s.name == "fetch" and s.trace_id == TRACE]
        # the subgraph's parent is the gateway's fetch, which describes the HTTP call
        assert call.span_id == parent
        assert call.attributes["http.response.status_code"] == 200


def test_unsampled_trace_is_flagged_for_the_subgraph(supergraph: Path, receiver: Receiver) -> None:
    config = CONFIG.format(sampler="always_on", endpoint=receiver.endpoint)
    for url in _gateway(supergraph, config):
        trace = "5" * 32
        seen = _seen(url, {"traceparent": f"00-{trace}-{CLIENT_SPAN}-00"})
        _, trace_id, _, flags = seen["traceparent"].split("-")
        # parent-based: the client said no
        assert trace_id == trace and not int(flags, 16) & 1
        seen = _seen(url, {})
        assert int(seen["traceparent"][-2:], 16) & 1  # a new trace, sampled (always_on)


def test_ratio_zero_drops_but_propagates(supergraph: Path, receiver: Receiver) -> None:
    config = CONFIG.format(sampler="always_off", endpoint=receiver.endpoint)
    for url in _gateway(supergraph, config):
        seen = _seen(url, {})
        _, trace_id, _, flags = seen["traceparent"].split("-")
        assert not int(flags, 16) & 1 and trace_id != "0" * 32
        assert all(s.trace_id != trace_id for s in receiver.spans)
