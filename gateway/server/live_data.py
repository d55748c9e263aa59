"""The server's side of subscriptions (only used when ``subscription.enabled``): the
WebSocket route at the GraphQL endpoint and the SSE / multipart streamed answers, each after
the request hooks, on the generation serving now. The protocols themselves are in
``gateway.subscriptions``."""

from __future__ import annotations

from typing import Any

import orjson
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import WebSocketRoute

from gateway.context import RequestContext
from gateway.subscriptions import Subscriptions
from gateway.subscriptions.http import stream_kind
from gateway.subscriptions.ws import websocket_endpoint

from .hooks import Stopped, before_request, run_request_hooks
from .protocol import JSON, GraphQLParams, MediaType

__all__ = ["stream_media", "stream_response", "websocket_route"]


def redaction(endpoints: Any) -> Any:
    """The error redaction for streamed parts (None: errors pass unchanged)."""
    return None if endpoints.redactor.off else endpoints.redactor.apply


def websocket_route(path: str, engine: Subscriptions, live: Any) -> WebSocketRoute:
    """graphql-transport-ws at ``path``; every connection and ``subscribe`` reads the
    generation serving at that moment (``live.current``)."""

    def current() -> tuple[Any, Any, Any]:
        endpoints = live.current
        before = _ws_before(endpoints) if endpoints.gateway.hooks.on_request else None
        return endpoints.gateway, redaction(endpoints), before

    def origin_allowed(origin: str | None, host: str | None) -> bool:
        """Browsers send cookies with a WebSocket upgrade and run no CORS check: only
        non-browser clients (no Origin), the same origin, or an origin the CORS rules allow
        may open one (cross-site WebSocket hijacking)."""
        if origin is None:
            return True
        if host is not None and origin.split("://", 1)[-1] == host:
            return True
        headers = live.current.cors.response_headers(origin) or {}
        return "access-control-allow-origin" in headers

    return WebSocketRoute(path, websocket_endpoint(engine, current, origin_allowed))


def _ws_before(endpoints: Any) -> Any:
    """The request hooks for one WebSocket ``subscribe`` (as for a GET of the endpoint)."""

    async def before(query: str, variables: Any, name: str | None, context: RequestContext) -> Any:
        params = GraphQLParams(query, variables, name)
        hooks = endpoints.gateway.hooks
        ran = await run_request_hooks(hooks, "GET", endpoints.config.path, params, context)
        if isinstance(ran, Stopped):
            return ran.body
        params, context = ran
        return params.query, params.variables, params.operation_name, context

    return before


async def stream_response(
    endpoints: Any, request: Request, params: GraphQLParams, *, allow_mutations: bool
) -> Response | None:
    """An SSE or multipart request, after the request hooks (None: not a streaming request,
    the normal path answers). No router timeout: a subscription lasts."""
    if stream_kind(request.headers.get("accept")) is None:
        return None
    peer = request.client
    client = (peer.host, peer.port) if peer is not None else None
    context = RequestContext.create(request.headers, client=client)
    gateway = endpoints.gateway
    if gateway.hooks.on_request:
        ran = await before_request(gateway.hooks, request, params, context)
        if isinstance(ran, Stopped):
            body = orjson.dumps(ran.body)
            return Response(body, ran.status, ran.headers, media_type=f"{JSON}; charset=utf-8")
        params, context = ran
    streamed: Response | None = await endpoints.streams.respond(
        request, gateway, params, context, redaction(endpoints), allow_mutations
    )
    return streamed


def stream_media(request: Request) -> MediaType | None:
    """JSON for request errors when ``Accept`` names only a streaming type; None otherwise."""
    return JSON if stream_kind(request.headers.get("accept")) is not None else None
