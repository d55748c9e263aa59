"""The Starlette app: the GraphQL endpoint (``supergraph.path``, default ``/graphql``: POST,
GET, CORS preflight), the health check (``health_check.path``) and GraphiQL.

Per request, in order: CORS preflight (answered here) → body size limit → CSRF check → the
``RequestContext`` (request id echoed in ``x-request-id``; deadline from
``traffic_shaping.router.timeout``) → request hooks (plugins, coprocessor RouterRequest) → the
pipeline (its response parts) → redaction → response hooks → CORS headers on the response."""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine, Mapping
from contextlib import asynccontextmanager
from dataclasses import replace
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import orjson
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import BaseRoute, Route

from gateway.auth.authorizer import CLAIMS_KEY, POLICIES_KEY
from gateway.config import GatewayConfig
from gateway.context import REQUEST_ID_HEADER, RequestContext
from gateway.edge.admission import Refusal
from gateway.edge.persisted import Refused
from gateway.edge.runtime import EdgeServer
from gateway.edge.subgraph_limit import RateLimitedClient
from gateway.pipeline import Gateway, PlannerLike, SupergraphLike
from gateway.plugins.api import context_entries
from gateway.resilience import ResilientClient
from gateway.transport.base import SubgraphClient
from gateway.transport.body_path import REQUEST_BODY
from gateway.transport.http import HttpClient, HttpTimeouts
from gateway.transport.response_headers import CollectingClient
from gateway.transport.sharing import SharingClient
from gateway.transport.trust import TrustClient

from .access_log import AccessLog, RecordingClient
from .cors import Cors
from .csrf import CSRF_CODE, Csrf
from .graphiql import ASSET_PREFIX, graphiql_asset, graphiql_available, graphiql_page
from .health_listener import HealthListener
from .hooks import Stopped, after_response, before_request
from .incremental import accepts_multipart, incremental_response
from .live import ClientStack, Live
from .loading import LoadedGateway
from .protocol import (
    JSON,
    BadRequest,
    GraphQLParams,
    MediaType,
    negotiate,
    params_from_body,
    params_from_query,
    params_payload,
    status_for,
)
from .redact import Redactor
from .reload import Reloader, ReloadSpec

if TYPE_CHECKING:
    from gateway.auth.jwt import Authenticator
    from gateway.cache import EntityCache
    from gateway.events.runtime import Events
    from gateway.redis.plans import SharedPlans
    from gateway.redis.state import SharedState
    from gateway.subscriptions.http import HttpStreams
    from gateway.telemetry.runtime import Telemetry

__all__ = ["EXPOSE_PLAN_HEADER", "create_app"]

EXPOSE_PLAN_HEADER = "apollo-expose-query-plan"
log = logging.getLogger("fedgate.reload")
_SharedKey = tuple[bytes, str, str, tuple[tuple[str, str], ...]]


def create_app(
    supergraph: SupergraphLike,
    *,
    config: GatewayConfig | None = None,
    client: SubgraphClient | None = None,
    planner: PlannerLike | None = None,
    reload: ReloadSpec | None = None,
) -> Starlette:
    """The gateway as an ASGI app. Without ``client`` an aiohttp client is created; the
    lifespan opens its pooled session on the serving loop and closes it on shutdown.

    ``reload`` (what ``fedgate serve`` passes): where the supergraph and config come from, for
    hot reload (watchers, SIGHUP) and SIGTERM draining; embedders leave it out and get neither
    (their process's signals stay theirs)."""
    config = config or GatewayConfig()
    # observability: built once from the first config, kept across reloads
    telemetry = _telemetry(config)
    # shared state: the Redis clients, built once (None, and redis-py not imported, unless a
    # Redis block is configured; one added by a reload takes effect at the next restart)
    shared = _shared_state(config)
    stack = _client_stack(config, client, None, telemetry, shared)
    # subscriptions: none of it exists unless enabled (subscription.enabled, at start-up)
    engine, streams = _subscriptions(config)
    events = _events(config)  # events: the message brokers (fedgate.events), kept on reload
    # entity cache: built once from the first config, kept across reloads (as telemetry)
    entity_cache = _entity_cache(config, supergraph)
    gateway = Gateway(
        supergraph,
        stack.client,
        config,
        planner=planner,
        telemetry=telemetry,
        shared_plans=_shared_plans(shared, config, supergraph, planner),
        events=events,
        entity_cache=entity_cache,
    )
    first = _Endpoints(gateway, config, stack, streams, telemetry=telemetry, shared=shared)
    live = Live(first)

    def build(loaded: LoadedGateway, warm: list[Any]) -> _Endpoints:
        """A new generation (in a worker thread): the client stack is kept unless its
        settings changed (a caller-given client is then wrapped anew, never replaced); the
        most used operations are planned on it before it serves (``warm``)."""
        previous = live.current.stack
        if shared is None and loaded.config.shared_state is not None:
            log.warning("fedgate: reload: shared state (Redis) takes effect at the next restart")
        new_stack = _client_stack(loaded.config, client, previous, telemetry, shared)
        if entity_cache is not None:
            entity_cache.retarget(loaded.supergraph)
        gateway = Gateway(
            loaded.supergraph,
            new_stack.client,
            loaded.config,
            planner=planner,
            telemetry=telemetry,
            shared_plans=_shared_plans(shared, loaded.config, loaded.supergraph, planner),
            events=events,
            entity_cache=entity_cache,
        )
        if warm:
            planned = gateway.warm(warm)
            log.info("fedgate: reload: %d most used operations planned ahead", planned)
        return _Endpoints(
            gateway, loaded.config, new_stack, streams, live.current.edge, telemetry, shared
        )

    async def install(loaded: LoadedGateway) -> None:
        new = loaded.config
        count = new.query_planning.warm_count(new.operation_cache_size)
        # read on the loop, which alone touches the serving generation's cache
        warm = live.current.gateway.recent_operations(count)
        endpoints = await asyncio.to_thread(build, loaded, warm)
        _warn_restart_only(live.current.config, endpoints.config)
        if endpoints.stack.owned is not None:
            endpoints.stack.owned.open()
        app.state.gateway = endpoints.gateway
        live.swap(endpoints)
        if engine is not None:
            engine.reloaded(endpoints.gateway)  # no await since the swap: nothing ran between
        reloader = getattr(app.state, "reloader", None)
        if reloader is not None:
            reloader.extra_paths = _watched_files(endpoints.config)
        if telemetry is not None and telemetry.metrics is not None:
            telemetry.metrics.reloads.inc()

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        if first.stack.owned is not None:
            first.stack.owned.open()
        if shared is not None:
            await shared.start()  # shared state: required_to_start refuses to start here
        reloader = None
        if reload is not None:
            reloader = Reloader(reload, install, _watched_files(config))
            reloader.start()
            app.state.reloader = reloader
        health_listener = None
        if config.health_check.enabled and config.health_check.host_port is not None:
            # health_check.listen: its own address, this process's readiness
            host, port = config.health_check.host_port
            health_listener = HealthListener(host, port, config.health_check.path, live.health)
            await health_listener.start()
        # entity cache: Redis, the other replicas' invalidations, the invalidation listener
        invalidation = await _open_entity_cache(entity_cache, config)
        with live.signals(reloader):
            live.ready = True
            try:
                yield
            finally:
                live.ready = False
                if engine is not None:
                    engine.drain()
                if reloader is not None:
                    await reloader.stop()
                if health_listener is not None:
                    await health_listener.stop()
                if entity_cache is not None:
                    await _close_entity_cache(entity_cache, invalidation)
                await live.close()
                if shared is not None:
                    await shared.close()
                if events is not None:
                    await events.close()  # events: the broker connections
                if telemetry is not None:
                    # flushes the spans still queued (off the loop: the exporter blocks)
                    await asyncio.to_thread(telemetry.shutdown)

    methods = ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]
    routes: list[BaseRoute] = [Route(config.path, live.graphql, methods=methods)]
    if engine is not None:
        live.on_drain.append(engine.drain)
        from .live_data import websocket_route

        routes.append(websocket_route(config.path, engine, live))
    if config.health_check.enabled and config.health_check.listen is None:
        health = config.health_check.path
        routes.append(Route(health, live.health, methods=["GET"]))
        routes.append(Route(health.rstrip("/") + "/ready", live.health, methods=["GET"]))
        view = config.resilience.health
        if view.detail:  # resilience: each subgraph's breaker, error rate, latency
            detail = view.detail_path or health.rstrip("/") + "/detail"
            routes.append(Route(detail, live.health_detail, methods=["GET"]))
    if entity_cache is not None and _invalidation_here(config):
        from gateway.cache.endpoint import invalidation_endpoint  # entity cache

        endpoint = invalidation_endpoint(entity_cache)
        assert config.entity_cache is not None
        routes.append(Route(config.entity_cache.path, endpoint, methods=["POST"]))
    routes.append(Route(ASSET_PREFIX + "/{name}", graphiql_asset, methods=["GET"]))
    # observability: /metrics only with the Prometheus exporter (OTLP export pushes)
    if telemetry is not None and telemetry.metrics is not None and telemetry.metrics.config.path:
        from gateway.telemetry.http import metrics_endpoint

        scrape = metrics_endpoint(telemetry.metrics)
        routes.append(Route(telemetry.metrics.config.path, scrape, methods=["GET"]))
    app = Starlette(routes=routes, lifespan=lifespan)
    app.state.gateway = first.gateway
    app.state.live = live
    return app


def _watched_files(config: GatewayConfig) -> tuple[str, ...]:
    """edge: the persisted query manifests, when ``persisted_queries.hot_reload`` asks."""
    persisted = config.edge.persisted_queries if config.edge is not None else None
    return persisted.manifests if persisted is not None and persisted.hot_reload else ()


def _client_stack(
    config: GatewayConfig,
    given: SubgraphClient | None,
    previous: ClientStack | None,
    telemetry: Telemetry | None = None,
    shared: SharedState | None = None,
) -> ClientStack:
    settings = _client_settings(config)
    if previous is not None and previous.settings == settings:
        return previous
    owned: HttpClient | None = None
    resilience = config.resilience
    # resilience: guards (retries, breaker, bulkhead) only when configured; none costs nothing
    resilient = None
    # observability: breaker, retry and bulkhead events to the metrics (None: metrics off)
    observer = None
    if telemetry is not None and not resilience.policies.empty:
        observer = telemetry.resilience_observer()
    client = given
    if client is not None and telemetry is not None:
        client = telemetry.wrap_client(client)
    if client is None:
        connect = resilience.connect_timeout or config.connect_timeout
        owned = HttpClient(
            timeouts=HttpTimeouts(total=config.subgraph_timeout, connect=connect),
            limit_per_host=config.subgraph_connections,
            subgraph_timeouts=config.subgraph_timeouts,
            max_response_bytes=config.max_subgraph_response_bytes,
            subgraph_max_response_bytes=config.subgraph_max_response_bytes,
            tls=config.trust.tls if config.trust else None,
            subgraph_connect_timeouts=resilience.connect_timeouts,
            pool_idle_timeout=resilience.pool_idle_timeout,
        )
        client = owned
        if not resilience.policies.empty:
            # resilience: the guards sit right on the HTTP client (a retry is one more send)
            client = resilient = ResilientClient(owned, resilience.policies, observer)
        if config.trust is not None and config.trust.active:
            client = TrustClient(client, config.trust)  # tokens, signatures, compression
        # shared calls would hand one client's Set-Cookie to another: not with response rules
        share = config.share_inflight_requests and config.response_headers.empty
        # traced under the sharing: one shared call, one span, one traceparent
        base = telemetry.wrap_client(client) if telemetry is not None else client
        client = SharingClient(base) if share else base
    elif not resilience.policies.empty:
        client = resilient = ResilientClient(client, resilience.policies, observer)
    if config.edge is not None and config.edge.limits_subgraphs:  # edge: outgoing limits
        # shared state: the buckets in Redis with fedgate.rate_limit_store
        buckets = shared.buckets(config.shared_state) if shared is not None else None
        client = RateLimitedClient(client, config.edge, buckets)
    if not config.response_headers.empty:
        client = CollectingClient(client)
    if config.access_log:
        client = RecordingClient(client)
    return ClientStack(client, owned, settings, resilient)


def _client_settings(config: GatewayConfig) -> tuple[object, ...]:
    """What the subgraph client is built from: a reload that changes none keeps it (and its
    pooled connections)."""
    return (
        config.subgraph_timeout,
        config.connect_timeout,
        config.subgraph_connections,
        tuple(sorted(config.subgraph_timeouts.items())),
        config.max_subgraph_response_bytes,
        tuple(sorted(config.subgraph_max_response_bytes.items())),
        config.share_inflight_requests,
        config.response_headers.empty,
        config.access_log,
        config.trust,
        # edge: the subgraph rate limits (their buckets live with the client)
        (config.edge.all_subgraphs_rate_limit, config.edge.subgraph_rate_limits)
        if config.edge is not None
        else None,
        config.resilience,
        # shared state: where the subgraph rate limits keep their buckets
        config.shared_state.rate_limits if config.shared_state is not None else None,
    )


def _shared_state(config: GatewayConfig) -> SharedState | None:
    """Shared state (gateway/redis/): only with a Redis block, and only then imported."""
    if config.shared_state is None:
        return None
    from gateway.redis.state import SharedState

    return SharedState()


def _shared_plans(
    shared: SharedState | None,
    config: GatewayConfig,
    supergraph: SupergraphLike,
    planner: PlannerLike | None,
) -> SharedPlans | None:
    """The plan cache's Redis tier for one generation (not for a caller-given planner: its
    plans are its own)."""
    if shared is None or planner is not None:
        return None
    return shared.plans(config, supergraph)


def _warn_restart_only(old: GatewayConfig, new: GatewayConfig) -> None:
    # telemetry: the tracer provider and metrics registry live as long as the app
    restart_only = ("listen", "path", "health_check", "shutdown_grace_period")
    for name in (*restart_only, "subscription", "telemetry", "entity_cache"):
        if getattr(old, name) != getattr(new, name):
            log.warning("fedgate: reload: %s changes take effect at the next restart", name)


class _Endpoints:
    """One generation: a gateway and everything built from its config. A reload makes a new
    one; requests that started on this one finish on it."""

    __slots__ = (
        "_cache_control",
        "_defer",
        "_has_hooks",
        "_inflight",
        "_keep_body",
        "_share_client_requests",
        "access_log",
        "active",
        "authn",
        "config",
        "cors",
        "csrf",
        "edge",
        "gateway",
        "graphql",
        "redactor",
        "stack",
        "streams",
    )

    def __init__(
        self,
        gateway: Gateway,
        config: GatewayConfig,
        stack: ClientStack,
        streams: HttpStreams | None = None,
        previous_edge: EdgeServer | None = None,
        telemetry: Telemetry | None = None,
        shared: SharedState | None = None,
    ) -> None:
        self.gateway = gateway
        self.streams = streams  # subscriptions over SSE and multipart; None when off
        # edge: APQ and persisted queries, allow-list and rate limits (built once here);
        # shared state: their stores in Redis when configured
        queries = buckets = None
        if shared is not None:
            apq_limit = config.edge.apq.limit if config.edge is not None else 512
            queries = shared.queries(config.shared_state, apq_limit)
            buckets = shared.buckets(config.shared_state)
        self.edge = EdgeServer(config.edge, previous_edge, queries, buckets)
        self.config = config
        self.stack = stack
        self.active = 0  # requests in flight (counted by Live)
        self.cors = Cors(config.cors)
        self.csrf = Csrf(config.csrf)
        self.redactor = Redactor(config.include_subgraph_errors)
        # one shared answer would carry one client's response headers to the others, or skip
        # the hooks a plugin runs per client
        self._share_client_requests = (
            config.share_inflight_client_requests
            and config.response_headers.empty
            and gateway.hooks.empty
        )
        self._inflight: dict[_SharedKey, asyncio.Future[Response]] = {}
        self.access_log = AccessLog() if config.access_log else None
        self._keep_body = config.headers.uses_body
        # entity cache: the client's Cache-Control from the response's parts (when it is on)
        self._cache_control = gateway.entity_cache is not None
        # @defer: incremental delivery to clients that accept multipart (supergraph.defer_support)
        self._defer = config.defer.enabled
        # JWT authentication (gateway/auth/jwt.py): None when not configured
        self.authn = _authenticator(config)
        self._has_hooks = not gateway.hooks.empty  # a property that scans every hook list
        # the endpoint, chosen once: without an access log no timing wrapper per request, and
        # the router span only when tracing is on (observability)
        endpoint: Callable[[Request], Awaitable[Response]] = (
            self._graphql if self.access_log is None else self._logged
        )
        tracing = telemetry.tracing if telemetry is not None else None
        self.graphql: Callable[[Request], Awaitable[Response]] = endpoint
        if tracing is not None:
            from gateway.telemetry.http import traced_endpoint

            self.graphql = traced_endpoint(tracing, endpoint)

    async def close_hooks(self) -> None:
        await self.gateway.hooks.close()
        if self.authn is not None:
            await self.authn.close()

    async def _logged(self, request: Request) -> Response:
        started = time.perf_counter()
        response = await self._graphql(request)
        assert self.access_log is not None
        state = request.state
        client = request.client
        self.access_log.write(
            started=started,
            status=response.status_code,
            method=request.method,
            path=request.url.path,
            operation_name=getattr(state, "operation_name", None),
            context=getattr(state, "context", None),
            client=(client.host, client.port) if client else None,
        )
        return response

    async def _graphql(self, request: Request) -> Response:
        headers = client_headers(request)
        method = request.scope["method"]
        if method == "OPTIONS":
            return self.preflight(request)
        refused = None
        if self.edge.admission is not None:  # edge: allow-list, global rate limit
            peer = request.client.host if request.client else None
            refused = await self.edge.admission.at_the_door(peer, headers)
        if refused is not None:
            response = _refusal(refused, negotiate(headers.get("accept")) or JSON)
        elif method == "POST":
            response = await self.post(request, headers)
        elif method in ("GET", "HEAD"):
            response = await self.get(request, headers)
        else:
            body = BadRequest(f"Method {method} not allowed", 405, "METHOD_NOT_ALLOWED")
            response = _json(body.body(), 405, JSON, {"allow": "GET, POST"})
        origin = headers.get("origin")
        if origin is not None:
            cors = self.cors.response_headers(origin)
            if cors:
                response.headers.update(cors)
        return response

    def preflight(self, request: Request) -> Response:
        if "access-control-request-method" not in request.headers:
            # a plain OPTIONS, not a browser's preflight
            return Response(b"", 204, headers={"allow": "GET, POST, OPTIONS"})
        return Response(b"", 200, headers=self.cors.preflight_headers(request.headers))

    async def post(self, request: Request, headers: Mapping[str, str]) -> Response:
        media = negotiate(headers.get("accept"))
        if media is None:
            media = self._stream_media(request)
            if media is None:
                return _not_acceptable()
        try:
            raw = await read_body(request, self.config.max_request_bytes, headers)
        except BadRequest as exc:
            return _json(exc.body(), exc.status, media)
        if not self.csrf.allows(headers):
            return self._csrf_refused(media)
        try:
            params = params_from_body(headers.get("content-type"), raw)
        except BadRequest as exc:
            return _json(exc.body(), exc.status, media)
        if self.streams is not None:
            streamed = await _stream_response(self, request, params, allow_mutations=True)
            if streamed is not None:
                return streamed
        if (
            self._share_client_requests
            and not (self._defer and accepts_multipart(headers))  # @defer: a stream each
            and self._is_query(params)
        ):
            key = (
                raw,
                media,
                headers.get(EXPOSE_PLAN_HEADER, ""),
                self._by_headers(headers),
            )
            return await self._shared(key, self._run(request, headers, params, media))
        return await self._run(request, headers, params, media, allow_mutations=True)

    def _stream_media(self, request: Request) -> MediaType | None:
        """JSON for request errors when ``Accept`` names only a streaming type (subscriptions
        on, or @defer's multipart); None otherwise (406)."""
        if self._defer and accepts_multipart(request.headers):
            return JSON  # @defer: answered in parts, or as JSON when nothing is deferred
        if self.streams is None:
            return None
        from .live_data import stream_media

        return stream_media(request)

    def _by_headers(self, headers: Mapping[str, str]) -> tuple[tuple[str, str], ...]:
        """With header rules the answer may depend on any client header (an Authorization
        propagated to a subgraph), and with authentication or authorization on any
        credential: then only requests with identical headers share. ``headers``: the
        request's, read once (``client_headers``: a plain mapping, C-level items)."""
        if self.config.headers.empty and self.authn is None and self.gateway.authorizer is None:
            return ()
        return tuple(sorted(headers.items()))

    def _csrf_refused(self, media: MediaType) -> Response:
        return _json(BadRequest(self.csrf.message, 400, CSRF_CODE).body(), 400, media)

    def _is_query(self, params: GraphQLParams) -> bool:
        entry = self.gateway.prepare(params.query, params.operation_name)
        return getattr(entry, "operation_type", None) == "query"

    async def _shared(self, key: _SharedKey, work: Coroutine[Any, Any, Response]) -> Response:
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

    async def get(self, request: Request, headers: Mapping[str, str]) -> Response:
        accept = headers.get("accept", "")
        if "query" not in request.query_params and self._graphiql(accept):
            page = graphiql_page(str(request.url.path), self.streams is not None)
            return HTMLResponse(page)
        media = negotiate(accept) or self._stream_media(request)
        if media is None:
            return _not_acceptable()
        if not self.csrf.allows(headers):
            return self._csrf_refused(media)
        try:
            params = params_from_query(request.query_params)
        except BadRequest as exc:
            return _json(exc.body(), exc.status, media)
        if self.streams is not None:
            streamed = await _stream_response(self, request, params, allow_mutations=False)
            if streamed is not None:
                return streamed
        # GET must not change anything: mutations are refused with 405.
        return await self._run(request, headers, params, media, allow_mutations=False)

    def _graphiql(self, accept: str) -> bool:
        return "text/html" in accept.lower() and self.config.graphiql and graphiql_available()

    async def _run(
        self,
        request: Request,
        client_headers: Mapping[str, str],
        params: GraphQLParams,
        media: MediaType,
        *,
        allow_mutations: bool = True,
    ) -> Response:
        expose = client_headers.get(EXPOSE_PLAN_HEADER, "").strip().lower() == "true"
        timeout = self.config.router_timeout
        context = request_context(request, timeout, client_headers)
        headers = {REQUEST_ID_HEADER: context.request_id}
        if self.access_log is not None:
            request.state.context = context
            request.state.operation_name = params.operation_name
        hooks = self.gateway.hooks
        if self.authn is not None:
            # authentication (gateway/auth/jwt.py): before every hook, which sees the claims
            outcome = await self.authn.authenticate(context.headers)
            if isinstance(outcome, MappingProxyType):  # valid: the claims, read-only
                context = context.with_claims(outcome)
                if self._has_hooks:
                    context_entries(context)[CLAIMS_KEY] = dict(outcome)
                if self.access_log is not None:
                    request.state.context = context
            elif outcome is not None and self.authn.config.on_error == "Error":
                return _json(outcome.body(), outcome.status, media, headers)
        if hooks.on_request and self.gateway.authorizer is not None:
            # @policy: a plugin or the coprocessor decides the policies the operation names
            needed = self.gateway.required_policies(params.query, params.operation_name)
            if needed:
                context_entries(context)[POLICIES_KEY] = dict.fromkeys(sorted(needed))
        if hooks.on_request:
            before = await before_request(hooks, request, params, context)
            if isinstance(before, Stopped):
                return _json(before.body, before.status, media, {**headers, **before.headers})
            params, context = before
        edge = self.edge
        if edge.admission is not None and edge.admission.client_limit is not None:
            refused = await edge.admission.per_client(context)  # edge: per-client limit
            if refused is not None:
                return _refusal(refused, media, headers)
        if params.extensions is not None or edge.resolver.checks_free_form:
            # edge: APQ, persisted queries and the safelist
            resolved = await edge.resolver.resolve(params.query or None, params.extensions)
            if isinstance(resolved, Refused):
                status = 200 if resolved.ok_status else status_for("request_error", media)
                return _json(resolved.body, status, media, headers)
            params = replace(params, query=resolved)
        if self._keep_body:
            # headers.insert.path reads the GraphQL request body (as the hooks left it)
            context.scratch.set(REQUEST_BODY, params_payload(params))
        # ``run``, not ``Gateway.responses``: no async generator per request; @defer's later
        # parts come back in ``result.rest`` (subscriptions are streamed before this).
        work = self.gateway.run(
            params.query,
            params.variables,
            params.operation_name,
            expose_plan=expose,
            allow_mutations=allow_mutations,
            context=context,
            incremental=self._defer and accepts_multipart(client_headers),  # @defer
        )
        if timeout is None:
            result = await work  # no deadline: no timeout scope per request
        else:
            try:
                async with asyncio.timeout(timeout):
                    result = await work
            except TimeoutError:
                message = f"Request timed out after {timeout:g} seconds"
                body = BadRequest(message, 504, "GATEWAY_TIMEOUT").body()
                return _json(body, 504, media, headers)
        if result.kind == "method_not_allowed":
            headers["allow"] = "POST"
        errors = result.body.get("errors")
        if errors and not self.redactor.off:
            self.redactor.apply(errors, context.request_id)
        body, status = result.body, result.status or status_for(result.kind, media)
        if hooks.on_response:
            after = await after_response(hooks, body, status, context)
            body, status = after.body, after.status
            headers.update(after.headers)
        if result.rest is None:
            response: Response = _json(body, status, media, headers)
        else:
            # @defer: the first part, then the deferred ones as they finish (incremental.py)
            redact = None if self.redactor.off else self.redactor.apply
            response = incremental_response(
                body, status, result.rest, headers, redact, context.request_id
            )
        if not self.config.response_headers.empty:
            for name, value in self.config.response_headers.for_client(context):
                # raw: several Set-Cookie lines must stay several lines
                response.raw_headers.append(
                    (name.encode("latin-1"), value.encode("latin-1", "replace"))
                )
        if self._cache_control and result.rest is None:
            # entity cache: the parts' Cache-Control (a deferred response's later parts are
            # not known yet when its headers go: none is claimed for it)
            from gateway.cache import client_cache_control  # loaded: the cache is on

            cache_control = client_cache_control(context)
            if cache_control is not None:
                response.headers["cache-control"] = cache_control
        return response


def client_headers(request: Request) -> Mapping[str, str]:
    """The request's headers, read once: a read-only dict (C lookups, where Starlette's
    mapping scans its list and raises KeyError per absent name), or Starlette's multi-mapping
    when a name repeats (the header rules join repeated lines with ``getlist``). ASGI names
    are lower-case already."""
    raw = request.scope["headers"]
    headers = {name.decode("latin-1"): value.decode("latin-1") for name, value in raw}
    if len(headers) != len(raw):
        return request.headers
    return MappingProxyType(headers)


def request_context(
    request: Request, timeout: float | None = None, headers: Mapping[str, str] | None = None
) -> RequestContext:
    """The context of one HTTP request (``headers``: ``client_headers(request)``)."""
    peer = request.scope.get("client")
    client = (peer[0], peer[1]) if peer else None
    headers = client_headers(request) if headers is None else headers
    return RequestContext.create(headers, client=client, timeout=timeout)


async def read_body(
    request: Request, limit: int, headers: Mapping[str, str] | None = None
) -> bytes:
    """The request body, refused (413) past ``limit`` bytes without reading the rest."""
    declared = (request.headers if headers is None else headers).get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise _too_large(limit)
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise _too_large(limit)
        chunks.append(chunk)
    return b"".join(chunks)


def _too_large(limit: int) -> BadRequest:
    return BadRequest(f"Request body is larger than {limit} bytes", 413, "PAYLOAD_TOO_LARGE")


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


def _refusal(refused: Refusal, media: str, headers: dict[str, str] | None = None) -> Response:
    return _json(refused.body, refused.status, media, {**(headers or {}), **refused.headers})


def _not_acceptable() -> Response:
    body = BadRequest(
        "Accept must allow application/graphql-response+json or application/json",
        406,
        "NOT_ACCEPTABLE",
    )
    return _json(body.body(), 406, JSON)


# Features off by default are imported only when configured: OpenTelemetry, prometheus-client,
# PyJWT/cryptography and websockets cost memory and start-up time a gateway without them
# should not pay.


def _telemetry(config: GatewayConfig) -> Telemetry | None:
    if config.telemetry is None:
        return None
    from gateway.telemetry.runtime import Telemetry

    return Telemetry(config.telemetry)


def _subscriptions(config: GatewayConfig) -> tuple[Any, HttpStreams | None]:
    if not config.subscription.enabled:
        return None, None
    from gateway.subscriptions import Subscriptions
    from gateway.subscriptions.http import HttpStreams

    engine = Subscriptions(config.subscription)
    return engine, HttpStreams(engine)


def _events(config: GatewayConfig) -> Events | None:
    if config.events is None:
        return None
    from gateway.events.runtime import Events

    return Events(config.events)


def _entity_cache(config: GatewayConfig, supergraph: SupergraphLike) -> EntityCache | None:
    if config.entity_cache is None:
        return None
    from gateway.cache import EntityCache

    return EntityCache(config.entity_cache, supergraph)


def _invalidation_here(config: GatewayConfig) -> bool:
    """The invalidation endpoint on the GraphQL listener (``listen`` is its address)."""
    cache = config.entity_cache
    return cache is not None and cache.invalidation and cache.listen == config.listen


async def _open_entity_cache(cache: EntityCache | None, config: GatewayConfig) -> Any:
    if cache is None:
        return None
    await cache.open()
    settings = config.entity_cache
    if settings is None or not settings.invalidation or _invalidation_here(config):
        return None
    from gateway.cache.endpoint import invalidation_endpoint
    from gateway.cache.listener import InvalidationListener

    host_port = settings.listen_host_port
    assert host_port is not None
    listener = InvalidationListener(*host_port, settings.path, invalidation_endpoint(cache))
    await listener.start()
    return listener


async def _close_entity_cache(cache: EntityCache, listener: Any) -> None:
    if listener is not None:
        await listener.stop()
    await cache.close()


def _authenticator(config: GatewayConfig) -> Authenticator | None:
    if config.authentication is None:
        return None
    from gateway.auth.jwt import Authenticator

    return Authenticator(config.authentication)


async def _stream_response(
    endpoints: Any, request: Request, params: GraphQLParams, *, allow_mutations: bool
) -> Response | None:
    from .live_data import stream_response

    return await stream_response(endpoints, request, params, allow_mutations=allow_mutations)
