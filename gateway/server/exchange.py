"""One HTTP request's reading and one JSON answer's writing, for the GraphQL endpoint: the
client's headers read once, the request context, the bounded body, and the JSON response
(orjson, with the stdlib's encoder past orjson's nesting limit)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

import orjson
from starlette.requests import Request
from starlette.responses import Response

from gateway.context import RequestContext
from gateway.edge.admission import Refusal

from .protocol import JSON, BadRequest

__all__ = [
    "EXPOSE_PLAN_HEADER",
    "client_headers",
    "dumps",
    "json_response",
    "not_acceptable",
    "read_body",
    "refusal",
    "request_context",
]

# Apollo Router's header asking for the query plan in the response's extensions
EXPOSE_PLAN_HEADER = "apollo-expose-query-plan"


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


def json_response(
    body: dict[str, Any], status: int, media: str, headers: dict[str, str] | None = None
) -> Response:
    return Response(dumps(body), status, headers=headers, media_type=f"{media}; charset=utf-8")


def dumps(body: dict[str, Any]) -> bytes:
    try:
        return orjson.dumps(body)
    except TypeError:
        # orjson stops at 255 levels of nesting; merged responses can be deeper than any one
        # subgraph response. The stdlib encoder is slower but has no such limit.
        return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()


def refusal(refused: Refusal, media: str, headers: dict[str, str] | None = None) -> Response:
    return json_response(
        refused.body, refused.status, media, {**(headers or {}), **refused.headers}
    )


def not_acceptable() -> Response:
    body = BadRequest(
        "Accept must allow application/graphql-response+json or application/json",
        406,
        "NOT_ACCEPTABLE",
    )
    return json_response(body.body(), 406, JSON)
