"""OpenTelemetry traces: the tracer provider built from ``telemetry.exporters.tracing``, the
W3C propagators, and the two subgraph-side spans (``fetch``: one plan fetch; and
``subgraph_request``: its HTTP call, which carries ``traceparent`` to the subgraph).

Spans are exported by the SDK's batch processor, on its own thread: a request never waits
for an export, a full queue drops spans, and a collector that is down costs the exporter's
log line. The span names and attributes are listed in docs/observability.md.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from opentelemetry import baggage, trace
from opentelemetry.propagators.composite import CompositePropagator
from opentelemetry.propagators.textmap import TextMapPropagator
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, SpanExporter
from opentelemetry.sdk.trace.sampling import ParentBased, Sampler, TraceIdRatioBased
from opentelemetry.trace import SpanKind, Status, StatusCode, Tracer
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

from gateway.config.telemetry import TracingConfig
from gateway.transport.base import SubgraphClient, SubgraphRequest, SubgraphResponse, TransportError

__all__ = ["Call", "Tracing", "TracingClient", "traced_call", "unsampled"]

SCOPE = "fedgate"

# call_subgraph's shape (gateway.execution.subgraph_call), passed in to keep the import rule
Call = Callable[[SubgraphClient, SubgraphRequest, Mapping[str, int] | None], Awaitable[Any]]


class Tracing:
    """One tracer provider per app (kept across reloads); ``shutdown`` flushes it."""

    __slots__ = ("config", "propagator", "provider", "tracer")

    def __init__(self, config: TracingConfig, exporter: SpanExporter | None = None) -> None:
        self.config = config
        attributes: dict[str, Any] = {"service.name": config.service_name}
        attributes.update(config.resource)
        self.provider = TracerProvider(
            resource=Resource.create(attributes), sampler=_sampler(config)
        )
        batch = config.otlp.batch_processor
        self.provider.add_span_processor(
            BatchSpanProcessor(
                exporter or _exporter(config),
                max_queue_size=batch.max_queue_size,
                schedule_delay_millis=batch.scheduled_delay * 1000,
                max_export_batch_size=min(batch.max_export_batch_size, batch.max_queue_size),
                export_timeout_millis=batch.max_export_timeout * 1000,
            )
        )
        self.tracer: Tracer = self.provider.get_tracer(SCOPE)
        self.propagator = _propagator(config)

    def shutdown(self) -> None:
        self.provider.shutdown()


def _sampler(config: TracingConfig) -> Sampler:
    ratio = TraceIdRatioBased(config.sampler)
    return ParentBased(ratio) if config.parent_based else ratio


def _propagator(config: TracingConfig) -> TextMapPropagator:
    from opentelemetry.baggage.propagation import W3CBaggagePropagator

    parts: list[TextMapPropagator] = []
    if config.trace_context:
        parts.append(TraceContextTextMapPropagator())
    if config.baggage:
        parts.append(W3CBaggagePropagator())
    return CompositePropagator(parts)


def _exporter(config: TracingConfig) -> SpanExporter:
    otlp = config.otlp
    timeout = otlp.batch_processor.max_export_timeout
    if otlp.protocol == "http":
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import (
            OTLPSpanExporter as HttpExporter,
        )

        return HttpExporter(endpoint=otlp.traces_url, headers=dict(otlp.headers), timeout=timeout)
    from opentelemetry.exporter.otlp.proto.grpc.trace_exporter import (
        OTLPSpanExporter as GrpcExporter,
    )

    return GrpcExporter(
        endpoint=otlp.endpoint,
        insecure=otlp.endpoint.startswith("http://"),
        headers=tuple(otlp.headers.items()),
        timeout=timeout,
    )


def unsampled() -> bool:
    """Whether this request's trace is not sampled: its spans would record nothing, so none
    are made (a dropped trace then costs a context lookup per step, not a span)."""
    current = trace.get_current_span()
    return current.get_span_context().is_valid and not current.is_recording()


def traced_call(tracer: Tracer, call: Call) -> Call:
    """``call`` (the executor's subgraph call) inside a ``fetch`` span."""

    async def fetch(
        client: SubgraphClient, request: SubgraphRequest, counts: Mapping[str, int] | None = None
    ) -> Any:
        if unsampled():
            return await call(client, request, counts)
        attributes: dict[str, Any] = {"subgraph.name": request.subgraph}
        name = _operation_name(request)
        if name is not None:
            attributes["graphql.operation.name"] = name
        if counts is not None:
            attributes["fedgate.fetch.representations"] = sum(counts.values())
            attributes["fedgate.fetch.entries"] = len(counts)
        with tracer.start_as_current_span("fetch", attributes=attributes) as span:
            result = await call(client, request, counts)
            failure = result.failure
            if result.errors:
                span.set_attribute("fedgate.fetch.errors", len(result.errors))
            if failure is not None:
                span.set_attribute("error.type", failure.code)
                span.set_status(Status(StatusCode.ERROR, failure.message))
            return result

    return fetch


class TracingClient:
    """``SubgraphClient`` with a ``subgraph_request`` client span per HTTP call; the span's
    context goes to the subgraph in ``traceparent`` (and the baggage in ``baggage``). It sits
    under the in-flight sharing, so one shared call is one span with one traceparent."""

    __slots__ = ("baggage", "inner", "propagator", "trace_context", "tracer")

    def __init__(self, inner: SubgraphClient, tracing: Tracing) -> None:
        self.inner = inner
        self.tracer = tracing.tracer
        self.propagator = tracing.propagator
        self.trace_context = tracing.config.trace_context
        self.baggage = tracing.config.baggage

    async def fetch(self, request: SubgraphRequest) -> SubgraphResponse:
        current = trace.get_current_span()
        context = current.get_span_context()
        if context.is_valid and not current.is_recording():
            # the subgraph still learns the trace and that it is not sampled; written here
            # rather than by the propagators, a third of their cost on the busy path
            headers = dict(request.headers)
            if self.trace_context:
                ids = f"{context.trace_id:032x}-{context.span_id:016x}"
                headers["traceparent"] = f"00-{ids}-{context.trace_flags:02x}"
                if context.trace_state:
                    headers["tracestate"] = context.trace_state.to_header()
            if self.baggage and baggage.get_all():
                self.propagator.inject(headers)
            return await self.inner.fetch(_with(request, headers))
        attributes: dict[str, Any] = {
            "subgraph.name": request.subgraph,
            "http.request.method": "POST",
            "url.full": request.url,
        }
        name = _operation_name(request)
        if name is not None:
            attributes["graphql.operation.name"] = name
        # not made current: nothing runs under it in this process (cheaper by a third)
        span = self.tracer.start_span(
            "subgraph_request", kind=SpanKind.CLIENT, attributes=attributes
        )
        with trace.use_span(span, end_on_exit=True, record_exception=True):
            headers = dict(request.headers)
            self.propagator.inject(headers, context=trace.set_span_in_context(span))
            body = request.body_bytes()
            span.set_attribute("http.request.body.size", len(body))
            try:
                response = await self.inner.fetch(_with(request, headers, body))
            except TransportError as exc:
                span.set_attribute("error.type", exc.code)
                raise
            span.set_attribute("http.response.status_code", response.status)
            span.set_attribute("http.response.body.size", len(response.body))
            if response.status >= 400:
                span.set_attribute("error.type", str(response.status))
                span.set_status(Status(StatusCode.ERROR))
            return response


def _with(
    request: SubgraphRequest, headers: dict[str, str], body: bytes | None = None
) -> SubgraphRequest:
    """``request`` with other headers (and body): ``dataclasses.replace`` costs 3x this."""
    return SubgraphRequest(
        request.subgraph,
        request.url,
        request.body if body is None else body,
        headers,
        request.shareable,
        request.context,
    )


def _operation_name(request: SubgraphRequest) -> str | None:
    body = request.body
    if isinstance(body, Mapping):
        name = body.get("operationName")
        return name if isinstance(name, str) else None
    return None
