"""The HTTP side of telemetry: the ``router`` server span around each GraphQL request
(continuing the client's W3C trace context), and the Prometheus scrape endpoint."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from opentelemetry import context as otel_context
from opentelemetry.context import Context
from opentelemetry.trace import Span, SpanKind, Status, StatusCode, set_span_in_context
from starlette.requests import Request
from starlette.responses import Response

from .metrics import CONTENT_TYPE_LATEST, Metrics
from .tracing import Tracing, failed

__all__ = ["Endpoint", "metrics_endpoint", "traced_endpoint"]

Endpoint = Callable[[Request], Awaitable[Response]]
# the headers the W3C propagators read (ASGI header names are lower-case bytes); tracestate
# is read only with a traceparent
_CARRIED = frozenset({b"traceparent", b"baggage"})
_EMPTY = Context()


def traced_endpoint(tracing: Tracing, endpoint: Endpoint) -> Endpoint:
    tracer = tracing.tracer
    propagator = tracing.propagator

    async def router(request: Request) -> Response:
        # most requests carry no trace context: the propagators (two header lookups each
        # through Starlette's Headers) only for one that does; without, what they would
        # return: an empty context
        raw = request.scope["headers"]
        if any(name in _CARRIED for name, _ in raw):
            parent = propagator.extract(request.headers)
        else:
            parent = _EMPTY
        # the scope's path, not request.url: building the URL object costs more than the
        # rest of an unsampled request's tracing
        path = request.scope["path"]
        attributes = {"http.request.method": request.method, "url.path": path, "http.route": path}
        # an unsampled request gets the SDK's non-recording span (its trace id, sampled=0,
        # goes on to the subgraphs) and nothing more: every step below asks unsampled()
        span = tracer.start_span("router", parent, kind=SpanKind.SERVER, attributes=attributes)
        # one attach of the client's context (its baggage stays current for the subgraph
        # calls) with the span in it: not start_as_current_span's context manager and a
        # second attach
        token = otel_context.attach(set_span_in_context(span, parent))
        try:
            response = await endpoint(request)
            if span.is_recording():
                _describe(span, response)
            return response
        except BaseException as exc:
            failed(span, exc)
            raise
        finally:
            otel_context.detach(token)
            span.end()

    return router


def _describe(span: Span, response: Response) -> None:
    attributes: dict[str, Any] = {"http.response.status_code": response.status_code}
    request_id = response.headers.get("x-request-id")
    if request_id is not None:
        attributes["fedgate.request_id"] = request_id
    span.set_attributes(attributes)
    if response.status_code >= 500:
        span.set_status(Status(StatusCode.ERROR))


def metrics_endpoint(metrics: Metrics) -> Endpoint:
    async def scrape(request: Request) -> Response:
        return Response(metrics.exposition(), 200, headers={"content-type": CONTENT_TYPE_LATEST})

    return scrape
