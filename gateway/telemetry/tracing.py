"""OpenTelemetry traces: the tracer built from ``telemetry.exporters.tracing``, the W3C
propagators, and the subgraph-side spans: ``fetch``, one plan fetch and its HTTP call
(whose ``traceparent`` names it), and ``subgraph_request``, an HTTP call outside a plan fetch.

Spans are the OpenTelemetry API's, made by fedgate's own recorder (``spans.py``: the SDK's
span costs ~10 times as much) with the SDK's samplers and resource, and exported over OTLP
by the official exporters from a thread (``export.py``): a request never waits for an
export, a full queue drops spans, and a collector that is down costs the exporter's log
line (decision 0023). The span names and attributes are listed in docs/observability.md.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from contextvars import ContextVar
from typing import Any

from opentelemetry import baggage, trace
from opentelemetry.baggage.propagation import W3CBaggagePropagator
from opentelemetry.propagators.composite import CompositePropagator
from opentelemetry.propagators.textmap import TextMapPropagator
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace.sampling import ParentBased, Sampler, TraceIdRatioBased
from opentelemetry.trace import Span, SpanContext, SpanKind, Status, StatusCode, Tracer, TraceState
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

from gateway.config.telemetry import TracingConfig
from gateway.transport.base import SubgraphClient, SubgraphRequest, SubgraphResponse, TransportError

from .encode import SpanEncoder
from .export import Sender, SpanExport, sender
from .spans import RecordedSpan, SpanTracer, start_child

__all__ = ["Call", "Tracing", "TracingClient", "traced_call", "unsampled"]

SCOPE = "fedgate"

# the recording ``fetch`` span of the plan fetch whose HTTP call is being sent (traced_call
# sets it, TracingClient describes the call on it)
FETCH_SPAN: ContextVar[Span | None] = ContextVar("fedgate_fetch_span", default=None)

# call_subgraph's shape (gateway.execution.subgraph_call), passed in to keep the import rule
Call = Callable[[SubgraphClient, SubgraphRequest, Mapping[str, int] | None], Awaitable[Any]]


class Tracing:
    """One tracer and export queue per app (kept across reloads); ``shutdown`` flushes it."""

    __slots__ = ("config", "export", "propagator", "tracer")

    def __init__(self, config: TracingConfig, send: Sender | None = None) -> None:
        self.config = config
        attributes: dict[str, Any] = {"service.name": config.service_name}
        attributes.update(config.resource)
        # the SDK's resource: its telemetry.sdk.* attributes and OTEL_RESOURCE_ATTRIBUTES
        resource = Resource.create(attributes)
        from gateway import __version__

        encoder = SpanEncoder(resource.attributes, SCOPE, __version__)
        self.export = SpanExport(config, encoder, send or sender(config))
        self.tracer: Tracer = SpanTracer(_sampler(config), self.export.add)
        self.propagator = _propagator(config)

    def shutdown(self) -> None:
        self.export.shutdown()


def _sampler(config: TracingConfig) -> Sampler:
    ratio = TraceIdRatioBased(config.sampler)
    return ParentBased(ratio) if config.parent_based else ratio


def _propagator(config: TracingConfig) -> TextMapPropagator:
    parts: list[TextMapPropagator] = []
    if config.trace_context:
        parts.append(TraceContextTextMapPropagator())
    if config.baggage:
        parts.append(W3CBaggagePropagator())
    return CompositePropagator(parts)


def unsampled() -> bool:
    """Whether this request's trace is not sampled: its spans would record nothing, so none
    are made (a dropped trace then costs a context lookup per step, not a span)."""
    current = trace.get_current_span()
    return current.get_span_context().is_valid and not current.is_recording()


def failed(span: Span, exc: BaseException) -> None:
    """An exception out of ``span``'s work, as start_as_current_span would record it."""
    span.record_exception(exc)
    span.set_status(Status(StatusCode.ERROR, f"{type(exc).__name__}: {exc}"))


def traced_call(tracer: Tracer, call: Call) -> Call:
    """``call`` (the executor's subgraph call) inside a ``fetch`` client span, which also
    describes the fetch's HTTP call (``TracingClient``): one span per fetch, not two."""

    async def fetch(
        client: SubgraphClient, request: SubgraphRequest, counts: Mapping[str, int] | None = None
    ) -> Any:
        # not made current (nothing but the HTTP call runs under it, and that finds it in
        # FETCH_SPAN): no context attach and detach, no context manager
        span = start_child(tracer, "fetch", SpanKind.CLIENT)
        if span is None:  # not sampled: no attributes built either
            return await call(client, request, counts)
        # a span of ours takes them into its own dict (this task's: no copy, no lock)
        attributes: dict[str, Any] = span.attributes if type(span) is RecordedSpan else {}
        attributes["subgraph.name"] = request.subgraph
        name = _operation_name(request)
        if name is not None:
            attributes["graphql.operation.name"] = name
        if counts is not None:
            attributes["fedgate.fetch.representations"] = sum(counts.values())
            attributes["fedgate.fetch.entries"] = len(counts)
        if type(span) is not RecordedSpan:
            span.set_attributes(attributes)
        token = FETCH_SPAN.set(span)
        try:
            result = await call(client, request, counts)
            failure = result.failure
            if result.errors:
                span.set_attribute("fedgate.fetch.errors", len(result.errors))
            if failure is not None:
                span.set_attribute("error.type", failure.code)
                span.set_status(Status(StatusCode.ERROR, failure.message))
            return result
        except BaseException as exc:  # cancelled, or a bug below: still on the span
            failed(span, exc)
            raise
        finally:
            FETCH_SPAN.reset(token)
            span.end()

    return fetch


class TracingClient:
    """``SubgraphClient`` that sends the trace context to the subgraph in ``traceparent``
    (and the baggage in ``baggage``) and describes each HTTP call on a span: the plan fetch's
    ``fetch`` span when there is one (``FETCH_SPAN``), else a ``subgraph_request`` client
    span of its own. It sits under the in-flight sharing, so one shared call is described
    once, on the fetch that sent it, and carries that fetch's traceparent."""

    __slots__ = ("baggage", "inner", "propagator", "trace_context", "tracer")

    def __init__(self, inner: SubgraphClient, tracing: Tracing) -> None:
        self.inner = inner
        self.tracer = tracing.tracer
        self.propagator = W3CBaggagePropagator()  # the traceparent is written by _headers
        self.trace_context = tracing.config.trace_context
        self.baggage = tracing.config.baggage

    async def fetch(self, request: SubgraphRequest) -> SubgraphResponse:
        span = FETCH_SPAN.get()
        if type(span) is RecordedSpan:
            return await self._recorded(span, request)
        if span is not None:
            return await self._described(span, request)
        current = trace.get_current_span()
        if current.get_span_context().is_valid and not current.is_recording():
            # the subgraph still learns the trace and that it is not sampled
            headers = self._headers(request, current.get_span_context())
            return await self.inner.fetch(_with(request, headers))
        attributes = {"subgraph.name": request.subgraph}
        name = _operation_name(request)
        if name is not None:
            attributes["graphql.operation.name"] = name
        # not made current: nothing runs under it in this process
        span = self.tracer.start_span(
            "subgraph_request", kind=SpanKind.CLIENT, attributes=attributes
        )
        try:
            return await self._described(span, request)
        except BaseException as exc:
            failed(span, exc)
            raise
        finally:
            span.end()

    async def _recorded(self, span: RecordedSpan, request: SubgraphRequest) -> SubgraphResponse:
        """``_described`` for a plan fetch's span of ours, the call of every sampled query:
        its ids as they are (no SpanContext built) and the attributes written into its
        dict in place (it is this task's, not ended yet), without the helpers' calls."""
        headers = dict(request.headers)
        if self.trace_context:
            headers["traceparent"] = f"00-{span.trace_id:032x}-{span.span_id:016x}-01"
            if span.trace_state:
                headers["tracestate"] = span.trace_state.to_header()
        if self.baggage and baggage.get_all():
            self.propagator.inject(headers)
        body = request.body_bytes()
        attributes = span.attributes
        attributes["http.request.method"] = "POST"
        attributes["url.full"] = request.url
        attributes["http.request.body.size"] = len(body)
        sent = SubgraphRequest(
            request.subgraph, request.url, body, headers, request.shareable, request.context
        )
        try:
            response = await self.inner.fetch(sent)
        except TransportError as exc:
            attributes["error.type"] = exc.code
            raise
        attributes["http.response.status_code"] = response.status
        attributes["http.response.body.size"] = len(response.body)
        if response.status >= 400:
            attributes["error.type"] = str(response.status)
            span.set_status(Status(StatusCode.ERROR))
        return response

    async def _described(self, span: Span, request: SubgraphRequest) -> SubgraphResponse:
        """The call, with ``span``'s context in the headers and its HTTP attributes on it."""
        if type(span) is RecordedSpan:  # its ids as they are: no SpanContext built
            headers = self._traced_headers(request, span.trace_id, span.span_id, span.trace_state)
        else:
            headers = self._headers(request, span.get_span_context())
        body = request.body_bytes()
        try:
            response = await self.inner.fetch(_with(request, headers, body))
        except TransportError as exc:
            span.set_attributes(_request_attributes(request, body, exc.code))
            raise
        attributes = _request_attributes(request, body)
        attributes["http.response.status_code"] = response.status
        attributes["http.response.body.size"] = len(response.body)
        if response.status >= 400:
            attributes["error.type"] = str(response.status)
            span.set_status(Status(StatusCode.ERROR))
        span.set_attributes(attributes)  # one lock and one validation pass, not five
        return response

    def _headers(self, request: SubgraphRequest, context: SpanContext) -> dict[str, str]:
        """The request's headers with ``context`` in W3C ``traceparent``/``tracestate``:
        written here, as TraceContextTextMapPropagator writes them, at a third of its cost;
        the baggage through the propagator, when there is any."""
        headers = dict(request.headers)
        if self.trace_context:
            ids = f"{context.trace_id:032x}-{context.span_id:016x}"
            headers["traceparent"] = f"00-{ids}-{context.trace_flags:02x}"
            if context.trace_state:
                headers["tracestate"] = context.trace_state.to_header()
        if self.baggage and baggage.get_all():
            self.propagator.inject(headers)
        return headers

    def _traced_headers(
        self, request: SubgraphRequest, trace_id: int, span_id: int, state: TraceState
    ) -> dict[str, str]:
        """``_headers`` for a sampled span of ours (flags 01)."""
        headers = dict(request.headers)
        if self.trace_context:
            headers["traceparent"] = f"00-{trace_id:032x}-{span_id:016x}-01"
            if state:
                headers["tracestate"] = state.to_header()
        if self.baggage and baggage.get_all():
            self.propagator.inject(headers)
        return headers


def _request_attributes(
    request: SubgraphRequest, body: bytes, error: str | None = None
) -> dict[str, Any]:
    attributes: dict[str, Any] = {
        "http.request.method": "POST",
        "url.full": request.url,
        "http.request.body.size": len(body),
    }
    if error is not None:
        attributes["error.type"] = error
    return attributes


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
    if type(body) is dict or isinstance(body, Mapping):  # dict first: no ABC check
        name = body.get("operationName")
        return name if isinstance(name, str) else None
    return None
