"""A real OTLP/HTTP receiver for the tests: an HTTP server on a free loopback port that
decodes ``/v1/traces`` exports (``ExportTraceServiceRequest``, protobuf) and ``/v1/metrics``
exports (``ExportMetricsServiceRequest``) with the ``opentelemetry-proto`` messages and keeps
the spans and the metric data points."""

from __future__ import annotations

import contextlib
import gzip
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

from opentelemetry.proto.collector.metrics.v1.metrics_service_pb2 import (
    ExportMetricsServiceRequest,
    ExportMetricsServiceResponse,
)
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import (
    ExportTraceServiceRequest,
    ExportTraceServiceResponse,
)
from opentelemetry.proto.common.v1.common_pb2 import AnyValue


@dataclass(frozen=True)
class ReceivedSpan:
    service: str
    name: str
    trace_id: str
    span_id: str
    parent_id: str
    kind: int
    attributes: dict[str, Any]
    status_code: int
    start_ns: int = 0
    end_ns: int = 0


@dataclass(frozen=True)
class ReceivedPoint:
    """One metric data point: ``value`` is a sum's or gauge's value, a histogram's count;
    ``temporality``: the OTLP enum (1 delta, 2 cumulative; 0 for gauges)."""

    service: str
    name: str
    kind: str  # sum, gauge or histogram
    attributes: dict[str, Any]
    value: float
    temporality: int
    resource: dict[str, Any]


class Receiver:
    def __init__(self, port: int) -> None:
        self.port = port
        self.spans: list[ReceivedSpan] = []
        self.points: list[ReceivedPoint] = []
        self.metric_exports = 0
        self.trace_exports: list[int] = []  # spans per trace export, in arrival order
        self.lock = threading.Lock()

    def wait_for_points(
        self, ready: Callable[[list[ReceivedPoint]], bool], timeout: float = 30.0
    ) -> list[ReceivedPoint]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                points = list(self.points)
            if ready(points):
                return points
            time.sleep(0.1)
        raise AssertionError(
            f"metrics not received in {timeout}s: {sorted({p.name for p in points})}"
        )

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def wait_for(
        self, ready: Callable[[list[ReceivedSpan]], bool], timeout: float = 30.0
    ) -> list[ReceivedSpan]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                spans = list(self.spans)
            if ready(spans):
                return spans
            time.sleep(0.1)
        raise AssertionError(f"spans not received in {timeout}s: {[s.name for s in spans]}")


def _value(value: AnyValue) -> Any:
    kind = value.WhichOneof("value")
    if kind == "array_value":
        return [_value(v) for v in value.array_value.values]
    return getattr(value, kind) if kind else None


def _decode(body: bytes) -> list[ReceivedSpan]:
    request = ExportTraceServiceRequest()
    request.ParseFromString(body)
    out = []
    for resource_spans in request.resource_spans:
        resource = {a.key: _value(a.value) for a in resource_spans.resource.attributes}
        service = str(resource.get("service.name", ""))
        for scope in resource_spans.scope_spans:
            for span in scope.spans:
                out.append(
                    ReceivedSpan(
                        service,
                        span.name,
                        span.trace_id.hex(),
                        span.span_id.hex(),
                        span.parent_span_id.hex(),
                        span.kind,
                        {a.key: _value(a.value) for a in span.attributes},
                        span.status.code,
                        span.start_time_unix_nano,
                        span.end_time_unix_nano,
                    )
                )
    return out


def _decode_metrics(body: bytes) -> list[ReceivedPoint]:
    request = ExportMetricsServiceRequest()
    request.ParseFromString(body)
    out = []
    for resource_metrics in request.resource_metrics:
        resource = {a.key: _value(a.value) for a in resource_metrics.resource.attributes}
        service = str(resource.get("service.name", ""))
        for scope in resource_metrics.scope_metrics:
            for metric in scope.metrics:
                kind = metric.WhichOneof("data")
                data = getattr(metric, kind)
                temporality = getattr(data, "aggregation_temporality", 0)
                for point in data.data_points:
                    attributes = {a.key: _value(a.value) for a in point.attributes}
                    if kind == "histogram":
                        value = float(point.count)
                    else:
                        value = float(getattr(point, point.WhichOneof("value")))
                    out.append(
                        ReceivedPoint(
                            service, metric.name, kind, attributes, value, temporality, resource
                        )
                    )
    return out


@contextlib.contextmanager
def otlp_receiver() -> Iterator[Receiver]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
    receiver = Receiver(server.server_address[1])

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("content-length", "0")))
            if self.headers.get("content-encoding") == "gzip":
                body = gzip.decompress(body)
            # a proxy's request names the whole URL: its path is what counts here
            path = urlsplit(self.path).path
            if path == "/v1/traces":
                spans = _decode(body)
                with receiver.lock:
                    receiver.spans.extend(spans)
                    receiver.trace_exports.append(len(spans))
                answer = ExportTraceServiceResponse().SerializeToString()
            elif path == "/v1/metrics":
                points = _decode_metrics(body)
                with receiver.lock:
                    receiver.points.extend(points)
                    receiver.metric_exports += 1
                answer = ExportMetricsServiceResponse().SerializeToString()
            else:
                self.send_response(404)
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("content-type", "application/x-protobuf")
            self.send_header("content-length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server.RequestHandlerClass = Handler
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@contextlib.contextmanager
def otlp_grpc_receiver() -> Iterator[Receiver]:
    """The same over OTLP/gRPC (``TraceService/Export``, ``MetricsService/Export``), with
    grpcio's server."""
    from concurrent import futures

    import grpc
    from opentelemetry.proto.collector.metrics.v1 import metrics_service_pb2_grpc
    from opentelemetry.proto.collector.trace.v1 import trace_service_pb2_grpc

    server = grpc.server(futures.ThreadPoolExecutor(max_workers=2))
    port = server.add_insecure_port("127.0.0.1:0")
    receiver = Receiver(port)

    class Service(trace_service_pb2_grpc.TraceServiceServicer):
        def Export(self, request: Any, context: Any) -> ExportTraceServiceResponse:
            spans = _decode(request.SerializeToString())
            with receiver.lock:
                receiver.spans.extend(spans)
            return ExportTraceServiceResponse()

    class Metrics(metrics_service_pb2_grpc.MetricsServiceServicer):
        def Export(self, request: Any, context: Any) -> ExportMetricsServiceResponse:
            points = _decode_metrics(request.SerializeToString())
            with receiver.lock:
                receiver.points.extend(points)
                receiver.metric_exports += 1
            return ExportMetricsServiceResponse()

    trace_service_pb2_grpc.add_TraceServiceServicer_to_server(Service(), server)  # type: ignore[no-untyped-call]
    metrics_service_pb2_grpc.add_MetricsServiceServicer_to_server(Metrics(), server)  # type: ignore[no-untyped-call]
    server.start()
    try:
        yield receiver
    finally:
        server.stop(grace=None).wait()
