"""The subgraph side of a subscription: one WebSocket per subscription, speaking
graphql-transport-ws (the ``graphql-ws`` library's protocol) or the legacy
subscriptions-transport-ws (Apollo's ``protocol: graphql_ws``), with the ``websockets`` library.

``subgraph_events`` yields each event's payload (``{"data": ..., "errors": [...]}``) in the order
the subgraph sent them and returns when the subgraph completes the subscription. Anything else
— refused connection, a protocol or operation error, the socket closed mid-stream — raises
``StreamFailed`` with a coded message; the socket is always closed on the way out (also when the
consumer is cancelled).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Mapping
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import orjson
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidURI

from gateway.config.subscription import PassthroughConfig

__all__ = ["StreamFailed", "sse_url", "subgraph_events", "websocket_url"]

_ACK_TIMEOUT = 10.0
_SUBPROTOCOLS = {"graphql_transport_ws": "graphql-transport-ws", "graphql_ws": "graphql-ws"}


class StreamFailed(Exception):
    """The subgraph stream could not be opened or broke. ``errors``: the subgraph's own
    GraphQL errors when it sent some (an ``error`` message)."""

    def __init__(
        self,
        message: str,
        code: str = "SUBSCRIPTION_STREAM_FAILED",
        errors: list[dict[str, Any]] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.errors = errors or []


def websocket_url(http_url: str, settings: PassthroughConfig) -> str:
    """The subgraph's URL as ws(s)://, with the configured ``path`` if there is one."""
    parts = urlsplit(http_url)
    scheme = {"http": "ws", "https": "wss"}.get(parts.scheme, parts.scheme)
    path = settings.path if settings.path is not None else parts.path
    return urlunsplit((scheme, parts.netloc, path, parts.query, ""))


def sse_url(http_url: str, settings: PassthroughConfig) -> str:
    """The subgraph's URL with the configured SSE ``path`` if there is one."""
    parts = urlsplit(http_url)
    path = settings.path if settings.path is not None else parts.path
    return urlunsplit((parts.scheme, parts.netloc, path, parts.query, ""))


async def subgraph_events(
    url: str,
    settings: PassthroughConfig,
    body: Mapping[str, Any],
    headers: Mapping[str, str],
    init_payload: Mapping[str, Any] | None = None,
) -> AsyncIterator[dict[str, Any]]:
    subprotocol = _SUBPROTOCOLS[settings.protocol]
    try:
        async with connect(
            url,
            subprotocols=[subprotocol],  # type: ignore[list-item]
            additional_headers=dict(headers),
            open_timeout=_ACK_TIMEOUT,
            max_size=2**24,
        ) as ws:
            if ws.subprotocol != subprotocol:
                raise StreamFailed(f"the subgraph did not accept the {subprotocol} protocol")
            await _send(ws, {"type": "connection_init", "payload": dict(init_payload or {})})
            await _await_ack(ws)
            legacy = settings.protocol == "graphql_ws"
            start = "start" if legacy else "subscribe"
            await _send(ws, {"type": start, "id": "1", "payload": body})
            pinger = None
            if settings.heartbeat_interval is not None and not legacy:
                pinger = asyncio.create_task(_ping(ws, settings.heartbeat_interval))
            try:
                async for payload in _messages(ws, legacy):
                    yield payload
            finally:
                if pinger is not None:
                    pinger.cancel()
    except ConnectionClosed as exc:
        closed = _closed(exc)
        raise StreamFailed(f"the subgraph closed the subscription stream ({closed})") from None
    except (OSError, InvalidHandshake, InvalidURI, TimeoutError) as exc:
        raise StreamFailed(f"cannot open the subscription stream to {url}: {exc}") from None


async def _messages(ws: ClientConnection, legacy: bool) -> AsyncIterator[dict[str, Any]]:
    completed = False
    try:
        while True:
            message = _decode(await ws.recv())
            kind = message.get("type")
            if kind in ("next", "data"):
                payload = message.get("payload")
                if isinstance(payload, dict):
                    yield payload
            elif kind == "complete":
                completed = True
                return
            elif kind == "error" or kind == "connection_error":
                completed = True
                raise StreamFailed(
                    "the subgraph answered the subscription with an error",
                    errors=_errors(message.get("payload")),
                )
            elif kind == "ping":
                await _send(ws, {"type": "pong"})
            # pong, ka (legacy keep-alive): nothing to do
    finally:
        if not completed:
            # the client went away (or we were cancelled): tell the subgraph, best effort
            with contextlib.suppress(ConnectionClosed, OSError):
                await _send(ws, {"type": "stop" if legacy else "complete", "id": "1"})


async def _await_ack(ws: ClientConnection) -> None:
    try:
        async with asyncio.timeout(_ACK_TIMEOUT):
            while True:
                message = _decode(await ws.recv())
                kind = message.get("type")
                if kind == "connection_ack":
                    return
                if kind == "connection_error":
                    raise StreamFailed(
                        "the subgraph refused the subscription connection",
                        errors=_errors(message.get("payload")),
                    )
                if kind == "ping":
                    await _send(ws, {"type": "pong"})
    except TimeoutError:
        raise StreamFailed("the subgraph did not acknowledge the connection in time") from None


async def _ping(ws: ClientConnection, interval: float) -> None:
    with contextlib.suppress(ConnectionClosed, OSError):
        while True:
            await asyncio.sleep(interval)
            await _send(ws, {"type": "ping"})


async def _send(ws: ClientConnection, message: Mapping[str, Any]) -> None:
    await ws.send(orjson.dumps(message).decode())


def _decode(raw: str | bytes) -> dict[str, Any]:
    try:
        message = orjson.loads(raw)
    except orjson.JSONDecodeError:
        raise StreamFailed("the subgraph sent a message that is not JSON") from None
    if not isinstance(message, dict):
        raise StreamFailed("the subgraph sent a message that is not a JSON object")
    return message


def _errors(payload: Any) -> list[dict[str, Any]]:
    if isinstance(payload, dict):
        payload = payload.get("errors", [payload])
    if isinstance(payload, list):
        return [e if isinstance(e, dict) else {"message": str(e)} for e in payload]
    return []


def _closed(exc: ConnectionClosed) -> str:
    frame = exc.rcvd or exc.sent
    if frame is None:
        return "no close frame"
    return f"code {frame.code}" + (f": {frame.reason}" if frame.reason else "")
