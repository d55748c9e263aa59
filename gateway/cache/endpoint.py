"""The invalidation endpoint (``invalidation.listen`` + ``path``): Apollo Router's request
format (``requests.py``), authenticated by each named subgraph's ``shared_key`` in the
``Authorization`` header (compared in constant time); 202 with ``{"count": n}`` (the entries
removed) as Apollo Router answers. Served on its own listener (``listener.py``), or on the
GraphQL listener when ``listen`` is the same address."""

from __future__ import annotations

import hmac
import logging
from collections.abc import Awaitable, Callable, Sequence

import orjson
from starlette.requests import Request
from starlette.responses import Response

from .requests import BadInvalidation, Invalidation, parse_invalidations
from .runtime import EntityCache
from .store import Unavailable

__all__ = ["MAX_BODY", "invalidation_endpoint"]

log = logging.getLogger("fedgate.entity_cache")
MAX_BODY = 1 << 20
Endpoint = Callable[[Request], Awaitable[Response]]


def invalidation_endpoint(cache: EntityCache) -> Endpoint:
    async def endpoint(request: Request) -> Response:
        if request.method != "POST":
            return _error("Invalidation requests are POSTed", "METHOD_NOT_ALLOWED", 405)
        body = b""
        async for chunk in request.stream():
            body += chunk
            if len(body) > MAX_BODY:
                return _error(f"Body over {MAX_BODY} bytes", "PAYLOAD_TOO_LARGE", 413)
        try:
            requests = parse_invalidations(body)
        except BadInvalidation as exc:
            return _error(str(exc), "INVALIDATION_INVALID_REQUEST", 400)
        if not _authorized(cache, requests, request.headers.get("authorization")):
            return _error("Invalid authorization", "INVALIDATION_UNAUTHORIZED", 401)
        try:
            count = await cache.store.invalidate(requests)
        except Unavailable as exc:
            log.warning("fedgate: entity cache: invalidation did not reach Redis: %s", exc)
            return _error("Redis is unavailable", "INVALIDATION_UNAVAILABLE", 503)
        return Response(orjson.dumps({"count": count}), 202, media_type="application/json")

    return endpoint


def _authorized(cache: EntityCache, requests: Sequence[Invalidation], header: str | None) -> bool:
    if header is None:
        return False
    given = header.encode()
    for request in requests:
        for subgraph in request.subgraphs:
            conf = cache.config.for_subgraph(subgraph)
            key = (conf.shared_key or "").encode()
            if not conf.invalidation or not key or not hmac.compare_digest(key, given):
                return False
    return True


def _error(message: str, code: str, status: int) -> Response:
    body = {"errors": [{"message": message, "extensions": {"code": code}}]}
    return Response(orjson.dumps(body), status, media_type="application/json")
