"""One generation of the GraphQL endpoint: a gateway and everything built from its config
(CORS, CSRF, the edge, redaction, authentication, the access log, the router span). A reload
makes a new one; requests that started on one finish on it.

Per request, in order: CORS preflight (answered here) → body size limit → CSRF check → the
``RequestContext`` (request id echoed in ``x-request-id``; deadline from
``traffic_shaping.router.timeout``) → request hooks (plugins, coprocessor RouterRequest) → the
pipeline (its response parts) → redaction → response hooks → CORS headers on the response."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import replace
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from gateway.auth.authorizer import CLAIMS_KEY, POLICIES_KEY
from gateway.config import GatewayConfig
from gateway.context import REQUEST_ID_HEADER
from gateway.edge.persisted import Refused
from gateway.edge.runtime import EdgeServer
from gateway.pipeline import Gateway
from gateway.plugins.api import context_entries
from gateway.transport.body_path import REQUEST_BODY

from . import features
from .access_log import AccessLog
from .client_sharing import SharedAnswers
from .cors import Cors
from .csrf import CSRF_CODE, Csrf
from .exchange import (
    EXPOSE_PLAN_HEADER,
    client_headers,
    json_response,
    not_acceptable,
    read_body,
    refusal,
    request_context,
)
from .graphiql import graphiql_available, graphiql_page
from .hooks import Stopped, after_response, before_request
from .incremental import accepts_multipart, incremental_response
from .live import ClientStack
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

if TYPE_CHECKING:
    from gateway.redis.state import SharedState
    from gateway.subscriptions.http import HttpStreams
    from gateway.telemetry.runtime import Telemetry

__all__ = ["Endpoints"]


class Endpoints:
    """One generation: a gateway and everything built from its config. A reload makes a new
    one; requests that started on this one finish on it."""

    __slots__ = (
        "_cache_control",
        "_defer",
        "_has_hooks",
        "_keep_body",
        "_sharing",
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
        self._sharing: SharedAnswers | None = None
        if (
            config.share_inflight_client_requests
            and config.response_headers.empty
            and gateway.hooks.empty
        ):
            # header rules, authentication or authorization: the headers may change the answer
            plain = config.headers.empty and config.authentication is None
            self._sharing = SharedAnswers(by_headers=not plain or gateway.authorizer is not None)
        self.access_log = AccessLog() if config.access_log else None
        self._keep_body = config.headers.uses_body
        # entity cache: the client's Cache-Control from the response's parts (when it is on)
        self._cache_control = gateway.entity_cache is not None
        # @defer: incremental delivery to clients that accept multipart (supergraph.defer_support)
        self._defer = config.defer.enabled
        # JWT authentication (gateway/auth/jwt.py): None when not configured
        self.authn = features.authenticator(config)
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
            response = refusal(refused, negotiate(headers.get("accept")) or JSON)
        elif method == "POST":
            response = await self.post(request, headers)
        elif method in ("GET", "HEAD"):
            response = await self.get(request, headers)
        else:
            body = BadRequest(f"Method {method} not allowed", 405, "METHOD_NOT_ALLOWED")
            response = json_response(body.body(), 405, JSON, {"allow": "GET, POST"})
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
                return not_acceptable()
        try:
            raw = await read_body(request, self.config.max_request_bytes, headers)
        except BadRequest as exc:
            return json_response(exc.body(), exc.status, media)
        if not self.csrf.allows(headers):
            return self._csrf_refused(media)
        try:
            params = params_from_body(headers.get("content-type"), raw)
        except BadRequest as exc:
            return json_response(exc.body(), exc.status, media)
        if self.streams is not None:
            streamed = await stream_response(self, request, params, allow_mutations=True)
            if streamed is not None:
                return streamed
        sharing = self._sharing
        if (
            sharing is not None
            and not (self._defer and accepts_multipart(headers))  # @defer: a stream each
            and self._is_query(params)
        ):
            key = sharing.key(raw, media, headers)
            return await sharing.share(key, self._run(request, headers, params, media))
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

    def _csrf_refused(self, media: MediaType) -> Response:
        return json_response(BadRequest(self.csrf.message, 400, CSRF_CODE).body(), 400, media)

    def _is_query(self, params: GraphQLParams) -> bool:
        entry = self.gateway.prepare(params.query, params.operation_name)
        return getattr(entry, "operation_type", None) == "query"

    async def get(self, request: Request, headers: Mapping[str, str]) -> Response:
        accept = headers.get("accept", "")
        if "query" not in request.query_params and self._graphiql(accept):
            page = graphiql_page(str(request.url.path), self.streams is not None)
            return HTMLResponse(page)
        media = negotiate(accept) or self._stream_media(request)
        if media is None:
            return not_acceptable()
        if not self.csrf.allows(headers):
            return self._csrf_refused(media)
        try:
            params = params_from_query(request.query_params)
        except BadRequest as exc:
            return json_response(exc.body(), exc.status, media)
        if self.streams is not None:
            streamed = await stream_response(self, request, params, allow_mutations=False)
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
                return json_response(outcome.body(), outcome.status, media, headers)
        if hooks.on_request and self.gateway.authorizer is not None:
            # @policy: a plugin or the coprocessor decides the policies the operation names
            needed = self.gateway.required_policies(params.query, params.operation_name)
            if needed:
                context_entries(context)[POLICIES_KEY] = dict.fromkeys(sorted(needed))
        if hooks.on_request:
            before = await before_request(hooks, request, params, context)
            if isinstance(before, Stopped):
                return json_response(
                    before.body, before.status, media, {**headers, **before.headers}
                )
            params, context = before
        edge = self.edge
        if edge.admission is not None and edge.admission.client_limit is not None:
            refused = await edge.admission.per_client(context)  # edge: per-client limit
            if refused is not None:
                return refusal(refused, media, headers)
        if params.extensions is not None or edge.resolver.checks_free_form:
            # edge: APQ, persisted queries and the safelist
            resolved = await edge.resolver.resolve(params.query or None, params.extensions)
            if isinstance(resolved, Refused):
                status = 200 if resolved.ok_status else status_for("request_error", media)
                return json_response(resolved.body, status, media, headers)
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
                return json_response(body, 504, media, headers)
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
            response: Response = json_response(body, status, media, headers)
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


async def stream_response(
    endpoints: Any, request: Request, params: GraphQLParams, *, allow_mutations: bool
) -> Response | None:
    """Subscriptions over SSE or multipart (live_data.py, loaded only with them on)."""
    from .live_data import stream_response

    return await stream_response(endpoints, request, params, allow_mutations=allow_mutations)
