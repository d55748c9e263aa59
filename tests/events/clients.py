"""The events tests' clients: publishers with the real broker client libraries (nats-py,
redis), and a graphql-transport-ws subscriber (the subscription tests' helpers) that waits
until the gateway's broker subscription is in place before the test publishes."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

import nats
import orjson
from redis.asyncio import Redis
from websockets.asyncio.client import ClientConnection

from tests.subscriptions.harness import receive, ws_open

Publish = Callable[[bytes], Awaitable[None]]


@asynccontextmanager
async def nats_publisher(port: int, subject: str) -> AsyncIterator[Publish]:
    client = await nats.connect(f"nats://127.0.0.1:{port}")

    async def publish(data: bytes) -> None:
        await client.publish(subject, data)
        await client.flush()

    try:
        yield publish
    finally:
        await client.close()


@asynccontextmanager
async def redis_publisher(port: int, channel: str) -> AsyncIterator[Publish]:
    client = Redis(host="127.0.0.1", port=port)

    async def publish(data: bytes) -> None:
        await client.publish(channel, data)

    try:
        yield publish
    finally:
        await client.aclose()


def item(id: str) -> bytes:
    return orjson.dumps({"__typename": "Item", "id": id})


@asynccontextmanager
async def subscribed(
    url: str, query: str, publish: Publish, probe: bytes | None = None, op_id: str = "s"
) -> AsyncIterator[ClientConnection]:
    """A WebSocket subscription that has received one probe event: the broker subscription
    is in place (a message published before it would be lost: pub/sub keeps nothing)."""
    ws = await ws_open(url)
    try:
        await ws.send(json.dumps({"type": "subscribe", "id": op_id, "payload": {"query": query}}))
        probe = probe or item("probe")
        for _ in range(100):
            await publish(probe)
            try:
                message = await asyncio.wait_for(receive(ws), 0.2)
            except TimeoutError:
                continue
            assert message["type"] == "next", message
            break
        else:
            raise AssertionError("the subscription never received the probe")
        await drain(ws)
        yield ws
    finally:
        await ws.close()


async def drain(ws: ClientConnection, quiet: float = 0.3) -> None:
    """Read away the probes still coming until ``quiet`` seconds pass without a message."""
    while True:
        try:
            await asyncio.wait_for(receive(ws), quiet)
        except TimeoutError:
            return


async def next_payloads(ws: ClientConnection, count: int, timeout: float = 10) -> list[Any]:
    out = []
    for _ in range(count):
        message = await asyncio.wait_for(receive(ws), timeout)
        assert message["type"] == "next", message
        out.append(message["payload"])
    return out
