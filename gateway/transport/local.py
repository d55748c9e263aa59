"""In-process transport: hands the request to an ASGI app without sockets.

For tests and embedding (e.g. a strawberry federation subgraph living in the same process).
Apps are looked up by subgraph name first, then by URL.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterator, Mapping, MutableMapping
from typing import Any
from urllib.parse import urlsplit

import orjson
from graphql import GraphQLSchema, graphql

from .base import SubgraphRequest, SubgraphResponse, TransportError

log = logging.getLogger("fedgate.transport")

__all__ = ["ASGIApp", "GraphQLCoreApp", "LocalClient", "ResponseHeaders"]

Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[MutableMapping[str, Any], Receive, Send], Awaitable[None]]


class LocalClient:
    """``SubgraphClient`` calling ASGI apps in-process.

    ``timeout`` (seconds) bounds each call like the HTTP client's total timeout does.
    """

    __slots__ = ("_apps", "timeout")

    def __init__(self, apps: Mapping[str, ASGIApp], *, timeout: float | None = None) -> None:
        self._apps = dict(apps)
        self.timeout = timeout

    async def fetch(self, request: SubgraphRequest) -> SubgraphResponse:
        name = request.subgraph
        app = self._apps.get(name) or self._apps.get(request.url)
        if app is None:
            raise TransportError(name, f"HTTP fetch failed from '{name}': no local app")
        try:
            return await asyncio.wait_for(_call(app, request), self.timeout)
        except TimeoutError as exc:
            raise TransportError(
                name, f"HTTP fetch failed from '{name}': request timed out", code="GATEWAY_TIMEOUT"
            ) from exc
        except TransportError:
            raise
        except Exception as exc:
            # The app crashed: to the gateway this is what a dropped connection looks like.
            # The exception's text stays in the log (it may hold internals).
            request_id = request.context.request_id if request.context else "-"
            log.warning("subgraph %s raised %r (request %s)", name, exc, request_id)
            raise TransportError(name, f"HTTP fetch failed from '{name}': the app raised") from exc


async def _call(app: ASGIApp, request: SubgraphRequest) -> SubgraphResponse:
    body = request.body_bytes()
    url = urlsplit(request.url)
    headers = [(k.lower().encode(), v.encode()) for k, v in request.headers.items()]
    headers.append((b"content-length", str(len(body)).encode()))
    headers.append((b"host", (url.netloc or "localhost").encode()))
    scope: dict[str, Any] = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": url.scheme or "http",
        "path": url.path or "/",
        "raw_path": (url.path or "/").encode(),
        "query_string": url.query.encode(),
        "root_path": "",
        "headers": headers,
        "client": ("127.0.0.1", 0),
        "server": ("localhost", 80),
    }
    sent = False
    done = asyncio.Event()
    status = 0
    out_headers: list[tuple[str, str]] = []
    chunks: list[bytes] = []

    async def receive() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        await done.wait()
        return {"type": "http.disconnect"}

    async def send(message: Message) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = int(message["status"])
            for k, v in message.get("headers", ()):
                out_headers.append((k.decode("latin-1").lower(), v.decode("latin-1")))
        elif message["type"] == "http.response.body":
            chunks.append(bytes(message.get("body", b"")))
            if not message.get("more_body", False):
                done.set()

    await app(scope, receive, send)
    done.set()
    if status == 0:
        raise TransportError(request.subgraph, "HTTP fetch failed: the app sent no response")
    response_headers = ResponseHeaders(out_headers)
    return SubgraphResponse(request.subgraph, status, b"".join(chunks), response_headers)


class ResponseHeaders(Mapping[str, str]):
    """Read-only response headers that keep repeated ones (``getall``), like aiohttp's."""

    __slots__ = ("_first", "_pairs")

    def __init__(self, pairs: list[tuple[str, str]]) -> None:
        self._pairs = pairs
        self._first: dict[str, str] = {}
        for name, value in pairs:
            self._first.setdefault(name, value)

    def __getitem__(self, name: str) -> str:
        return self._first[name.lower()]

    def __iter__(self) -> Iterator[str]:
        return iter(self._first)

    def __len__(self) -> int:
        return len(self._first)

    def getall(self, name: str, default: list[str] | None = None) -> list[str]:
        lowered = name.lower()
        found = [value for key, value in self._pairs if key == lowered]
        return found or (default if default is not None else [])


class GraphQLCoreApp:
    """A minimal ASGI GraphQL server for a graphql-core schema: a subgraph served in-process.

    ``root_value`` and ``context`` are handed to graphql-core as they are; every request body is
    appended to ``requests`` so embedders (and tests) can see what the gateway sent.
    """

    __slots__ = ("context", "requests", "root_value", "schema")

    def __init__(
        self, schema: GraphQLSchema, *, root_value: Any = None, context: Any = None
    ) -> None:
        self.schema = schema
        self.root_value = root_value
        self.context = context
        self.requests: list[dict[str, Any]] = []

    async def __call__(self, scope: MutableMapping[str, Any], receive: Receive, send: Send) -> None:
        assert scope["type"] == "http"
        chunks: list[bytes] = []
        while True:
            message = await receive()
            chunks.append(message.get("body", b""))
            if not message.get("more_body", False):
                break
        try:
            body = orjson.loads(b"".join(chunks))
        except orjson.JSONDecodeError:
            await _respond(send, 400, {"errors": [{"message": "invalid JSON"}]})
            return
        self.requests.append(body)
        result = await graphql(
            self.schema,
            body.get("query", ""),
            root_value=self.root_value,
            context_value=self.context,
            variable_values=body.get("variables"),
            operation_name=body.get("operationName"),
        )
        await _respond(send, 200, result.formatted)


async def _respond(send: Send, status: int, payload: Any) -> None:
    data = orjson.dumps(payload)
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(data)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": data})
