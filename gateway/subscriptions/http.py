"""Subscriptions over HTTP: GraphQL over Server-Sent Events (the GraphQL-SSE spec's distinct
connections mode: ``Accept: text/event-stream``) and Apollo's multipart subscription protocol
(``Accept: multipart/mixed;subscriptionSpec="1.0"``, what Apollo Client uses over HTTP).

SSE: each event is ``event: next`` with the response as ``data``, the end ``event: complete``;
heartbeats are comment lines. Queries and mutations asked for as SSE get one ``next`` and
``complete``. Multipart: parts under the boundary ``graphql``, each ``{"payload": response}``;
heartbeats ``{}``; an error that ends the subscription is ``{"payload": null, "errors": [...]}``;
the body ends with the closing boundary. Queries and mutations with this ``Accept`` are
answered as usual (the server's normal path).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any, Literal

import orjson
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse

from gateway.context import REQUEST_ID_HEADER, RequestContext
from gateway.multipart import SUBSCRIPTION_TYPE, MultipartWriter
from gateway.pipeline import Gateway, GatewayResponse

from .engine import Event, Subscription, Subscriptions

__all__ = ["HttpStreams", "stream_kind"]

StreamKind = Literal["sse", "multipart"]
Redact = Callable[[list[dict[str, Any]], str], None]

MULTIPART_TYPE = SUBSCRIPTION_TYPE
_STREAM_HEADERS = {"cache-control": "no-cache", "x-accel-buffering": "no"}


def stream_kind(accept: str | None) -> StreamKind | None:
    """Which streaming protocol an ``Accept`` header asks for, if any."""
    if not accept:
        return None
    lowered = accept.lower()
    if "multipart/mixed" in lowered and "subscriptionspec" in lowered:
        return "multipart"
    if "text/event-stream" in lowered:
        return "sse"
    return None


class HttpStreams:
    def __init__(self, engine: Subscriptions) -> None:
        self.engine = engine

    async def respond(
        self,
        request: Request,
        gateway: Gateway,
        params: Any,
        context: RequestContext,
        redact: Redact | None,
        allow_mutations: bool,
    ) -> Response | None:
        """The streamed response, or None when the request is not for a stream (the
        server's normal path answers it)."""
        kind = stream_kind(request.headers.get("accept"))
        if kind is None:
            return None
        subscription = self.engine.is_subscription(gateway, params.query, params.operation_name)
        if kind == "multipart" and not subscription:
            return None
        headers = {**_STREAM_HEADERS, REQUEST_ID_HEADER: context.request_id}
        if not subscription:
            result = await gateway.run(
                params.query,
                params.variables,
                params.operation_name,
                allow_mutations=allow_mutations,
                context=context,
            )
            _redacted(result.body, redact, context)
            return StreamingResponse(
                _sse_once(result.body), media_type="text/event-stream", headers=headers
            )
        started = await self.engine.start(
            gateway, params.query, params.variables, params.operation_name, context
        )
        if isinstance(started, GatewayResponse):
            _redacted(started.body, redact, context)
            status = started.status or (400 if started.kind == "request_error" else 200)
            return Response(orjson.dumps(started.body), status, headers, "application/json")
        beat = self.engine.config.client_heartbeat
        if kind == "sse":
            body = _sse(started, beat, redact, context)
            return StreamingResponse(body, media_type="text/event-stream", headers=headers)
        body = _multipart(started, beat, redact, context)
        return StreamingResponse(body, headers={**headers, "content-type": MULTIPART_TYPE})


def _redacted(body: dict[str, Any], redact: Redact | None, context: RequestContext) -> None:
    errors = body.get("errors")
    if errors and redact is not None:
        redact(errors, context.request_id)


def _sse_event(kind: str, body: dict[str, Any] | None) -> bytes:
    data = orjson.dumps(body) if body is not None else b""
    return b"event: " + kind.encode() + b"\ndata: " + data + b"\n\n"


async def _sse_once(body: dict[str, Any]) -> AsyncIterator[bytes]:
    yield _sse_event("next", body)
    yield _sse_event("complete", None)


async def _sse(
    subscription: Subscription, beat: float, redact: Redact | None, context: RequestContext
) -> AsyncIterator[bytes]:
    try:
        async for event in subscription.events(beat):
            if event is None:
                yield b":\n\n"
                continue
            _redacted(event.body, redact, context)
            yield _sse_event("next", event.body)
        yield _sse_event("complete", None)
    finally:
        subscription.cancel()


async def _multipart(
    subscription: Subscription, beat: float, redact: Redact | None, context: RequestContext
) -> AsyncIterator[bytes]:
    try:
        # a heartbeat first: the client sees the stream is open before the first event
        writer = MultipartWriter()
        yield writer.part(b"{}")
        async for event in subscription.events(beat):
            yield writer.part(_multipart_body(event, redact, context))
        yield writer.end()
    finally:
        subscription.cancel()


def _multipart_body(event: Event | None, redact: Redact | None, context: RequestContext) -> bytes:
    if event is None:
        return b"{}"
    _redacted(event.body, redact, context)
    if event.fatal:
        return orjson.dumps({"payload": None, "errors": event.body.get("errors", [])})
    return orjson.dumps({"payload": event.body})
