"""The export of ended spans, off the request path: a bounded queue (a request appends its
span and never waits; past ``max_queue_size`` spans are dropped and counted), a thread that
wakes every ``scheduled_delay`` or when a batch is full, encodes up to
``max_export_batch_size`` spans (``encode.SpanEncoder``) and sends them with the official
OTLP exporter of the configured protocol, which brings its retries, back-off, timeout,
headers and compression. A collector that is down costs the exporter's log line.

The exporters take SDK spans; ours hand them the encoded request at their own seam: the
gRPC exporter's ``_translate_data`` (its abstract per-signal hook) returns it as given, and
the HTTP exporter's client sends its bytes (``_client.export``, what its ``export`` calls
after encoding). ``tests/telemetry`` exports through both to real receivers.
"""

from __future__ import annotations

import logging
import os
import threading
from collections import deque
from collections.abc import Sequence
from time import monotonic
from typing import Any, Protocol

from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest

from gateway.config.telemetry import TracingConfig

from .encode import SpanEncoder
from .spans import RecordedSpan

__all__ = ["Sender", "SpanExport", "sender"]

log = logging.getLogger("fedgate.telemetry")


class Sender(Protocol):
    def send(self, request: ExportTraceServiceRequest, count: int) -> bool: ...

    def shutdown(self) -> None: ...


class SpanExport:
    """The queue and its export thread. ``add`` is the spans' sink (the event loop's
    thread); everything else runs on the export thread, or at ``shutdown``."""

    __slots__ = (
        "_dropped",
        "_queue",
        "_stopping",
        "_thread",
        "_wake",
        "batch_size",
        "delay",
        "encoder",
        "max_queue",
        "sender",
    )

    def __init__(self, config: TracingConfig, encoder: SpanEncoder, sender: Sender) -> None:
        batch = config.otlp.batch_processor
        self.max_queue = batch.max_queue_size
        self.batch_size = min(batch.max_export_batch_size, batch.max_queue_size)
        self.delay = batch.scheduled_delay
        self.encoder = encoder
        self.sender = sender
        # deque: append (here) and popleft (the thread) are atomic, no lock on either side
        self._queue: deque[RecordedSpan] = deque()
        self._dropped = 0
        self._wake = threading.Event()
        self._stopping = False
        self._thread = threading.Thread(target=self._run, name="fedgate-span-export", daemon=True)
        self._thread.start()

    def add(self, span: RecordedSpan) -> None:
        queue = self._queue
        if len(queue) >= self.max_queue:
            self._dropped += 1
            return
        queue.append(span)
        if len(queue) == self.batch_size:
            self._wake.set()

    def _run(self) -> None:
        # the batch processor's rule: a batch goes when it is full, and every
        # ``scheduled_delay`` whatever is queued goes. Only full batches between two delays:
        # a wake-up that also sent the few spans queued behind the full batch (and then the
        # few that came during that send) made ~6 small exports per full one, and an export
        # costs ~1 ms of the exporter's HTTP work on the gateway's core, whatever its size.
        due = monotonic() + self.delay
        while not self._stopping:
            self._wake.wait(max(due - monotonic(), 0.0))
            self._wake.clear()
            if monotonic() >= due:
                self._drain(len(self._queue))
                due = monotonic() + self.delay
            else:
                self._drain_full()

    def _drain_full(self) -> None:
        queue = self._queue
        while len(queue) >= self.batch_size:
            self._export([queue.popleft() for _ in range(self.batch_size)])

    def _drain(self, count: int) -> None:
        """Export ``count`` queued spans (not those that arrive meanwhile), in batches."""
        queue = self._queue
        while count > 0:
            take = min(count, len(queue), self.batch_size)
            if take == 0:
                break
            self._export([queue.popleft() for _ in range(take)])
            count -= take
        if self._dropped:
            dropped, self._dropped = self._dropped, 0
            log.warning("span export queue full: %d spans dropped", dropped)

    def _export(self, spans: Sequence[RecordedSpan]) -> None:
        try:
            request = self.encoder.request(spans)
            self.sender.send(request, len(spans))
        except Exception:  # the exporter logs its own failures; this is a bug of ours
            log.exception("span export failed")

    def shutdown(self) -> None:
        """Export what is queued, then stop (the app's shutdown)."""
        self._stopping = True
        self._wake.set()
        self._thread.join()
        self._drain(len(self._queue))
        self.sender.shutdown()


def sender(config: TracingConfig) -> Sender:
    """The official OTLP exporter of ``config``'s protocol, taking encoded requests."""
    otlp = config.otlp
    timeout = otlp.batch_processor.max_export_timeout
    if otlp.protocol == "http":
        return _http_sender(otlp.traces_url, dict(otlp.headers), timeout)
    return _grpc_sender(otlp.endpoint, tuple(otlp.headers.items()), timeout)


def _http_sender(url: str, headers: dict[str, str], timeout: float) -> Sender:
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

    class HttpSender(OTLPSpanExporter):
        def send(self, request: ExportTraceServiceRequest, count: int) -> bool:
            data = request.SerializeToString()
            return bool(self._client.export(data).success)

    # a credential provider named in the environment builds its own session: theirs then
    session = None if any(os.environ.get(name) for name in _CREDENTIAL_PROVIDERS) else _session()
    return HttpSender(endpoint=url, headers=headers, timeout=timeout, session=session)


# the OTLP/HTTP exporter's variables naming a session factory (an entry point)
_CREDENTIAL_PROVIDERS = (
    "OTEL_PYTHON_EXPORTER_OTLP_HTTP_CREDENTIAL_PROVIDER",
    "OTEL_PYTHON_EXPORTER_OTLP_HTTP_TRACES_CREDENTIAL_PROVIDER",
)


def _session() -> Any:
    """The exporter's ``requests`` session, reading the environment once per settings.

    ``requests`` reads the proxy variables, ``no_proxy`` and the CA bundle variables again
    for every request (``merge_environment_settings``): ~40 % of an export's CPU
    (micro-benchmark, 512 spans). The exporter sends to one URL with the same settings each
    time, and a running gateway's environment does not change, so the answer is kept: the
    same proxies, verification and certificates as before, read once."""
    import requests

    class Session(requests.Session):
        def __init__(self) -> None:
            super().__init__()
            self.merged: dict[Any, dict[str, Any]] = {}

        def merge_environment_settings(
            self, url: Any, proxies: Any, stream: Any, verify: Any, cert: Any
        ) -> dict[str, Any]:
            key = (url, tuple(sorted((proxies or {}).items())), stream, verify, cert)
            merged = self.merged.get(key)
            if merged is None:
                if len(self.merged) >= 8:
                    self.merged.clear()
                merged = super().merge_environment_settings(url, proxies, stream, verify, cert)
                self.merged[key] = merged
            return {**merged, "proxies": dict(merged["proxies"] or {})}

    return Session()


def _grpc_sender(endpoint: str, metadata: tuple[tuple[str, str], ...], timeout: float) -> Sender:
    from opentelemetry.exporter.otlp.proto.grpc.trace_exporter import OTLPSpanExporter
    from opentelemetry.sdk.trace.export import SpanExportResult

    class GrpcSender(OTLPSpanExporter):
        def _translate_data(self, data: Any) -> ExportTraceServiceRequest:
            request: ExportTraceServiceRequest = data[0]
            return request

        def _count_data(self, data: Any) -> int:
            return int(data[1])

        def send(self, request: ExportTraceServiceRequest, count: int) -> bool:
            return bool(self._export((request, count)) is SpanExportResult.SUCCESS)  # type: ignore[arg-type]

    return GrpcSender(
        endpoint=endpoint,
        insecure=endpoint.startswith("http://"),
        headers=metadata,
        timeout=timeout,
    )
