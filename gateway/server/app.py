"""The Starlette app: ``/graphql`` (POST, GET), ``/health`` and GraphiQL."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Coroutine
from contextlib import asynccontextmanager
from typing import Any

import orjson
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from gateway.config import GatewayConfig
from gateway.context import REQUEST_ID_HEADER, RequestContext
from gateway.pipeline import Gateway, PlannerLike, SupergraphLike
from gateway.transport.base import SubgraphClient
from gateway.transport.http import HttpClient, HttpTimeouts
from gateway.transport.sharing import SharingClient

from .graphiql import ASSET_PREFIX, graphiql_asset, graphiql_available, graphiql_page
from .protocol import (
    JSON,
    BadRequest,
    GraphQLParams,
    MediaType,
    negotiate,
    params_from_body,
    params_from_query,
    status_for,
)

__all__ = ["EXPOSE_PLAN_HEADER", "create_app"]

EXPOSE_PLAN_HEADER = "apollo-expose-query-plan"


def create_app(
    supergraph: SupergraphLike,
    *,
    config: GatewayConfig | None = None,
    client: SubgraphClient | None = None,
    planner: PlannerLike | None = None,
) -> Starlette:
    """The gateway as an ASGI app. Without ``client`` an aiohttp client is created; the
    lifespan opens its pooled session on the serving loop and closes it on shutdown."""
    config = config or GatewayConfig()
    owned: HttpClient | None = None
    if client is None:
        owned = HttpClient(
            timeouts=HttpTimeouts(total=config.subgraph_timeout, connect=config.connect_timeout),
            limit_per_host=config.subgraph_connections,
        )
        client = SharingClient(owned) if config.share_inflight_requests else owned
    endpoints = _Endpoints(Gateway(supergraph, client, config, planner=planner), config)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        if owned is not None:
            owned.open()
        endpoints.ready = True
        try:
            yield
        finally:
            endpoints.ready = False
            if owned is not None:
                await owned.close()

    routes = [
        Route("/graphql", endpoints.graphql, methods=["GET", "POST", "PUT", "PATCH", "DELETE"]),
        Route("/health", endpoints.health, methods=["GET"]),
        Route("/health/ready", endpoints.health, methods=["GET"]),
        Route(ASSET_PREFIX + "/{name}", graphiql_asset, methods=["GET"]),
    ]
    app = Starlette(routes=routes, lifespan=lifespan)
    app.state.gateway = endpoints.gateway
    return app


class _Endpoints:
    __slots__ = ("_inflight", "config", "gateway", "ready")

    def __init__(self, gateway: Gateway, config: GatewayConfig) -> None:
        self.gateway = gateway
        self.config = config
        self.ready = False
        self._inflight: dict[tuple[bytes, str, str], asyncio.Future[Response]] = {}

    async def graphql(self, request: Request) -> Response:
        if request.method == "POST":
            return await self.post(request)
        if request.method in ("GET", "HEAD"):
            return await self.get(request)
        body = BadRequest(f"Method {request.method} not allowed", 405, "METHOD_NOT_ALLOWED")
        return _json(body.body(), 405, JSON, {"allow": "GET, POST"})

    async def post(self, request: Request) -> Response:
        media = negotiate(request.headers.get("accept"))
        if media is None:
            return _not_acceptable()
        raw = await request.body()
        try:
            params = params_from_body(request.headers.get("content-type"), raw)
        except BadRequest as exc:
            return _json(exc.body(), exc.status, media)
        if self.config.share_inflight_client_requests and self._is_query(params):
            key = (raw, media, request.headers.get(EXPOSE_PLAN_HEADER, ""))
            return await self._shared(key, _run(self.gateway, request, params, media))
        return await _run(self.gateway, request, params, media, allow_mutations=True)

    def _is_query(self, params: GraphQLParams) -> bool:
        entry = self.gateway.prepare(params.query, params.operation_name)
        return getattr(entry, "operation_type", None) == "query"

    async def _shared(
        self, key: tuple[bytes, str, str], work: Coroutine[Any, Any, Response]
    ) -> Response:
        """Identical client queries in flight at once share one execution (opt-in: the
        answer is computed once for all of them; nothing of the request but its body and the
        headers in the key may change the answer)."""
        leader = self._inflight.get(key)
        if leader is not None:
            work.close()
            shared = await asyncio.shield(leader)
            return Response(shared.body, shared.status_code, headers=dict(shared.headers))
        future: asyncio.Future[Response] = asyncio.get_running_loop().create_future()
        self._inflight[key] = future
        try:
            response = await work
        except BaseException as exc:
            future.set_exception(exc)
            future.exception()
            raise
        finally:
            del self._inflight[key]
        future.set_result(response)
        return response

    async def get(self, request: Request) -> Response:
        accept = request.headers.get("accept", "")
        if "query" not in request.query_params and self._graphiql(accept):
            return HTMLResponse(graphiql_page(str(request.url.path)))
        media = negotiate(accept)
        if media is None:
            return _not_acceptable()
        try:
            params = params_from_query(request.query_params)
        except BadRequest as exc:
            return _json(exc.body(), exc.status, media)
        # GET must not change anything: mutations are refused with 405.
        return await _run(self.gateway, request, params, media, allow_mutations=False)

    async def health(self, request: Request) -> Response:
        wants_ready = "ready" in request.query_params or request.url.path.endswith("/ready")
        if wants_ready and not self.ready:
            return Response(b'{"status":"DOWN"}', 503, media_type=JSON)
        return Response(b'{"status":"UP"}', 200, media_type=JSON)

    def _graphiql(self, accept: str) -> bool:
        return "text/html" in accept.lower() and self.config.graphiql and graphiql_available()


async def _run(
    gateway: Gateway,
    request: Request,
    params: GraphQLParams,
    media: MediaType,
    *,
    allow_mutations: bool = True,
) -> Response:
    expose = request.headers.get(EXPOSE_PLAN_HEADER, "").strip().lower() == "true"
    context = request_context(request)
    result = await gateway.run(
        params.query,
        params.variables,
        params.operation_name,
        expose_plan=expose,
        allow_mutations=allow_mutations,
        context=context,
    )
    headers = {REQUEST_ID_HEADER: context.request_id}
    if result.kind == "method_not_allowed":
        headers["allow"] = "POST"
    return _json(result.body, status_for(result.kind, media), media, headers)


def request_context(request: Request) -> RequestContext:
    """The context of one HTTP request (its headers are Starlette's read-only mapping)."""
    peer = request.client
    client = (peer.host, peer.port) if peer is not None else None
    return RequestContext.create(request.headers, client=client)


def _json(
    body: dict[str, Any], status: int, media: str, headers: dict[str, str] | None = None
) -> Response:
    return Response(_dumps(body), status, headers=headers, media_type=f"{media}; charset=utf-8")


def _dumps(body: dict[str, Any]) -> bytes:
    try:
        return orjson.dumps(body)
    except TypeError:
        # orjson stops at 255 levels of nesting; merged responses can be deeper than any one
        # subgraph response. The stdlib encoder is slower but has no such limit.
        return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()


def _not_acceptable() -> Response:
    body = BadRequest(
        "Accept must allow application/graphql-response+json or application/json",
        406,
        "NOT_ACCEPTABLE",
    )
    return _json(body.body(), 406, JSON)
