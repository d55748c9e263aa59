"""The subscription tests' processes and clients: the feed and catalog subgraphs
(``live_subgraphs.py``) and ``fedgate serve`` as subprocesses on loopback ports, and one small
collector per client protocol, each driving a real client library (``websockets``,
``httpx-sse``, httpx's streamed body for the multipart protocol)."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import orjson
from httpx_sse import aconnect_sse
from websockets.asyncio.client import ClientConnection, connect

from gateway.composition import compose
from gateway.composition.model import CompositionSuccess, SubgraphSource
from tests.e2e.processes import fedgate, free_port, running

from .live_subgraphs import sdl

TICKS = (
    "subscription T($c: Int!, $ms: Int!) "
    "{ ticks(count: $c, intervalMs: $ms) { n items { id name } } }"
)
MULTIPART_ACCEPT = 'multipart/mixed;subscriptionSpec="1.0", application/json'


@contextmanager
def subgraph(service: str) -> Iterator[str]:
    """A running subgraph; yields its base URL (``http://127.0.0.1:N``)."""
    port = free_port()
    argv = [sys.executable, "-m", "tests.subscriptions.live_subgraphs"]
    argv += ["--service", service, "--port", str(port)]
    with running(argv, health_url=f"http://127.0.0.1:{port}/health"):
        yield f"http://127.0.0.1:{port}"


def supergraph(feed: str, catalog: str, *, ticks: bool = True) -> str:
    feed_sdl = sdl("feed")
    if not ticks:
        start = feed_sdl.index("type Subscription")
        end = feed_sdl.index("}", start) + 1
        feed_sdl = feed_sdl[:start] + feed_sdl[end:]
    result = compose(
        [
            SubgraphSource("feed", f"{feed}/graphql", feed_sdl),
            SubgraphSource("catalog", f"{catalog}/graphql", sdl("catalog")),
        ]
    )
    assert isinstance(result, CompositionSuccess), result
    return result.supergraph_sdl


def replace(path: Path, text: str) -> None:
    aside = path.with_suffix(".tmp")
    aside.write_text(text)
    os.replace(aside, path)


@contextmanager
def gateway(
    work: Path, supergraph_path: Path, config: str, *args: str
) -> Iterator[tuple[str, Path, Any]]:
    """``fedgate serve``; yields its GraphQL URL, its log file and the process."""
    port = free_port()
    router = work / f"router-{port}.yaml"
    router.write_text(f"supergraph:\n  listen: 127.0.0.1:{port}\n{config}")
    log = work / f"fedgate-{port}.log"
    argv = fedgate("serve", "--supergraph", str(supergraph_path), "--config", str(router), *args)
    health = f"http://127.0.0.1:{port}/health"
    with running(argv, health_url=health, stderr=log) as proc:
        yield f"http://127.0.0.1:{port}/graphql", log, proc


def entity_calls(catalog: str) -> int:
    count: int = httpx.get(f"{catalog}/calls", timeout=5).json()["entities"]
    return count


def ticks_body(count: int, interval_ms: int = 0, query: str = TICKS) -> dict[str, Any]:
    return {"query": query, "variables": {"c": count, "ms": interval_ms}}


# -- graphql-transport-ws ------------------------------------------------------------------


def ws_url(url: str) -> str:
    return "ws" + url.removeprefix("http")


async def ws_open(url: str, payload: dict[str, Any] | None = None) -> ClientConnection:
    """A connection past ``connection_ack``."""
    ws = await connect(ws_url(url), subprotocols=["graphql-transport-ws"])  # type: ignore[list-item]
    await ws.send(json.dumps({"type": "connection_init", "payload": payload or {}}))
    ack = await receive(ws)
    assert ack == {"type": "connection_ack"}, ack
    return ws


async def receive(ws: ClientConnection) -> dict[str, Any]:
    """The next message that is not a ping (answered) or pong."""
    while True:
        message: dict[str, Any] = orjson.loads(await ws.recv())
        if message["type"] == "ping":
            await ws.send(json.dumps({"type": "pong"}))
            continue
        if message["type"] != "pong":
            return message


async def ws_collect(ws: ClientConnection, op_id: str) -> list[dict[str, Any]]:
    """The messages for ``op_id`` until its ``complete`` or ``error`` (included)."""
    out: list[dict[str, Any]] = []
    while True:
        message = await receive(ws)
        assert message.get("id") == op_id, message
        out.append(message)
        if message["type"] in ("complete", "error"):
            return out


# -- GraphQL over SSE ----------------------------------------------------------------------


async def sse_collect(
    url: str, body: dict[str, Any], headers: dict[str, str] | None = None
) -> tuple[int, list[tuple[str, Any]]]:
    """(status, [(event, data)]) until ``complete``; heartbeats are skipped by httpx-sse."""
    events: list[tuple[str, Any]] = []
    async with httpx.AsyncClient(timeout=30) as client:
        headers = {"accept": "text/event-stream", **(headers or {})}
        async with aconnect_sse(client, "POST", url, json=body, headers=headers) as source:
            if source.response.status_code != 200:
                await source.response.aread()
                return source.response.status_code, [("json", source.response.json())]
            async for event in source.aiter_sse():
                events.append((event.event, orjson.loads(event.data) if event.data else None))
                if event.event == "complete":
                    break
    return 200, events


# -- Apollo's multipart protocol -----------------------------------------------------------


def multipart_parts(raw: bytes) -> tuple[list[Any], bool]:
    """The JSON parts of a multipart subscription body, and whether it was closed."""
    closed = raw.endswith(b"\r\n--graphql--\r\n")
    body = raw.removesuffix(b"\r\n--graphql--\r\n")
    parts: list[Any] = []
    for chunk in body.split(b"\r\n--graphql\r\n")[1:]:
        head, _, data = chunk.partition(b"\r\n\r\n")
        assert head.lower() == b"content-type: application/json", head
        parts.append(orjson.loads(data))
    return parts, closed


async def multipart_collect(url: str, body: dict[str, Any]) -> tuple[httpx.Response, bytes]:
    async with httpx.AsyncClient(timeout=30) as client:
        headers = {"accept": MULTIPART_ACCEPT}
        async with client.stream("POST", url, json=body, headers=headers) as response:
            raw = b"".join([chunk async for chunk in response.aiter_raw()])
    return response, raw
