"""The span export's batching, through the official OTLP/HTTP exporter to a real receiver:
a full batch goes at once, a partial one only at the scheduled delay or the shutdown (not
with the full batch that woke the export: each export costs the exporter's HTTP work on
the gateway's core, decision 0023)."""

from __future__ import annotations

import time

import pytest

from gateway.config.telemetry import BatchProcessor, OtlpConfig, TracingConfig
from gateway.telemetry.tracing import Tracing

from .otlp_receiver import Receiver, otlp_receiver

DELAY = BatchProcessor(scheduled_delay=0.2)


def _tracing(receiver: Receiver, delay: float, batch: int) -> Tracing:
    processor = BatchProcessor(scheduled_delay=delay, max_export_batch_size=batch)
    return Tracing(TracingConfig(OtlpConfig(receiver.endpoint, "http", batch_processor=processor)))


def _spans(tracing: Tracing, count: int) -> None:
    for i in range(count):
        tracing.tracer.start_span(f"step-{i}").end()


def _settled(receiver: Receiver, seconds: float) -> list[int]:
    time.sleep(seconds)
    with receiver.lock:
        return list(receiver.trace_exports)


def test_full_batches_go_at_once_and_the_rest_waits_for_the_shutdown() -> None:
    with otlp_receiver() as receiver:
        tracing = _tracing(receiver, delay=60.0, batch=4)
        try:
            _spans(tracing, 10)
            spans = receiver.wait_for(lambda spans: len(spans) >= 8, timeout=10)
            assert len(spans) == 8
            assert _settled(receiver, 0.5) == [4, 4]  # the 2 left wait for a full batch
        finally:
            tracing.shutdown()
        assert receiver.trace_exports == [4, 4, 2]
        assert [s.name for s in receiver.spans] == [f"step-{i}" for i in range(10)]


def test_a_partial_batch_goes_at_the_scheduled_delay() -> None:
    with otlp_receiver() as receiver:
        tracing = _tracing(receiver, delay=0.3, batch=512)
        try:
            _spans(tracing, 3)
            receiver.wait_for(lambda spans: len(spans) == 3, timeout=10)
            _spans(tracing, 2)
            receiver.wait_for(lambda spans: len(spans) == 5, timeout=10)
            assert receiver.trace_exports == [3, 2]
        finally:
            tracing.shutdown()
        assert receiver.trace_exports == [3, 2]


def test_the_proxy_variables_still_apply(monkeypatch: pytest.MonkeyPatch) -> None:
    """The HTTP exporter's session reads the environment once (decision 0023), not never:
    a collector behind ``HTTP_PROXY`` (here the receiver itself, taking the proxy's
    absolute-URL requests) gets the spans; the collector's own name does not resolve."""
    with otlp_receiver() as receiver:
        for name in ("NO_PROXY", "no_proxy", "http_proxy"):
            monkeypatch.delenv(name, raising=False)
        monkeypatch.setenv("HTTP_PROXY", receiver.endpoint)
        config = OtlpConfig("http://collector.invalid:4318", "http", batch_processor=DELAY)
        tracing = Tracing(TracingConfig(config))
        try:
            _spans(tracing, 2)
            receiver.wait_for(lambda spans: len(spans) == 2, timeout=10)
            _spans(tracing, 1)  # a second export: the settings kept from the first
            receiver.wait_for(lambda spans: len(spans) == 3, timeout=10)
            assert receiver.trace_exports == [2, 1]
        finally:
            tracing.shutdown()
        assert [s.name for s in receiver.spans] == ["step-0", "step-1", "step-0"]
