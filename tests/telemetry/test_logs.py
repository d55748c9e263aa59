"""Structured logs end to end: ``fedgate serve`` with JSON logs, the access log and tracing;
every line about a request carries its request id and trace id, and the access log line has
the operation name, duration and subgraph calls."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import httpx

from tests.e2e.processes import free_port

from .otlp_receiver import otlp_receiver
from .stack import TOP_PRODUCTS, gateway, services

CONFIG = """
fedgate:
  access_log:
    enabled: true
telemetry:
  exporters:
    logging:
      stdout:
        enabled: true
        format: json
    tracing:
      otlp:
        enabled: true
        protocol: http
        endpoint: {endpoint}
        batch_processor:
          scheduled_delay: 100ms
"""
TRACE = "0af7651916cd43dd8448eb211c80319c"


def _lines(path: Path, want: int, timeout: float = 10.0) -> list[dict[str, Any]]:
    deadline = time.monotonic() + timeout
    lines: list[dict[str, Any]] = []
    while time.monotonic() < deadline:
        text = path.read_text() if path.exists() else ""
        lines = [json.loads(line) for line in text.splitlines() if line.startswith("{")]
        if len(lines) >= want:
            return lines
        time.sleep(0.1)
    return lines


def test_json_lines_carry_request_and_trace(tmp_path: Path) -> None:
    with otlp_receiver() as receiver, services(tmp_path, {}) as urls:
        # reviews is down: its failure is logged as a warning about this request
        urls["FEDGATE_SUBGRAPH_REVIEWS_URL"] = f"http://127.0.0.1:{free_port()}/graphql"
        config = CONFIG.format(endpoint=receiver.endpoint)
        with gateway(config, tmp_path, urls) as base:
            headers = {"x-request-id": "req-42", "traceparent": f"00-{TRACE}-b7ad6b7169203331-01"}
            answer = httpx.post(
                base + "/graphql", json={"query": TOP_PRODUCTS}, headers=headers, timeout=30
            )
            assert answer.status_code == 200 and answer.json()["errors"]
            lines = _lines(tmp_path / "gateway.stdout", 2)
    warning = [line for line in lines if line["logger"] == "fedgate.subgraph"]
    assert warning, lines
    assert warning[0]["level"] == "warning"
    assert warning[0]["request_id"] == "req-42"
    assert warning[0]["trace_id"] == TRACE
    assert warning[0]["operation_name"] == "TopProducts"
    (access,) = [line for line in lines if line["logger"] == "fedgate.access"]
    assert access["request_id"] == "req-42"
    assert access["trace_id"] == TRACE
    assert access["status"] == 200
    assert access["operation_name"] == "TopProducts"
    assert access["duration_ms"] > 0
    assert access["subgraph_calls"] >= 4  # accounts is never asked: reviews failed
    assert "reviews" in access["subgraphs"]
