"""The HTTP side of telemetry: the ``router`` server span around each GraphQL request
(continuing the client's W3C trace context), and the Prometheus scrape endpoint."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from opentelemetry import context as otel_context
from opentelemetry.trace import SpanKind, Status, StatusCode, Tracer
from starlette.requests import Request
from starlette.responses import Response

from .metrics import CONTENT_TYPE_LATEST, Metrics
from .tracing import Tracing

__all__ = ["Endpoint", "metrics_endpoint", "traced_endpoint"]

Endpoint = Callable[[Request], Awaitable[Response]]


def traced_endpoint(tracing: Tracing, endpoint: Endpoint) -> Endpoint:
    tracer = tracing.tracer
    propagator = tracing.propagator

    async def router(request: Request) -> Response:
        parent = propagator.extract(request.headers)
        attributes = {
            "http.request.method": request.method,
            "url.path": request.url.path,
            "http.route": request.url.path,
        }
        # attached, not only passed as the parent: the client's baggage must stay current
        # for the subgraph calls (start_as_current_span keeps the span, not the context)
        token = otel_context.attach(parent)
        try:
            return await _in_span(tracer, endpoint, request, attributes)
        finally:
            otel_context.detach(token)

    return router


async def _in_span(
    tracer: Tracer, endpoint: Endpoint, request: Request, attributes: dict[str, Any]
) -> Response:
    with tracer.start_as_current_span(
        "router", kind=SpanKind.SERVER, attributes=attributes
    ) as span:
        response = await endpoint(request)
        span.set_attribute("http.response.status_code", response.status_code)
        request_id = response.headers.get("x-request-id")
        if request_id is not None:
            span.set_attribute("fedgate.request_id", request_id)
        if response.status_code >= 500:
            span.set_status(Status(StatusCode.ERROR))
        return response


def metrics_endpoint(metrics: Metrics) -> Endpoint:
    async def scrape(request: Request) -> Response:
        return Response(metrics.exposition(), 200, headers={"content-type": CONTENT_TYPE_LATEST})

    return scrape
