"""Messages that come faster than a subscription completes them: the broker-side buffer
holds ``queue_capacity`` of them, then the ``slow_reader`` policy applies (real nats-server
and redis-server, the runtime's own brokers, nothing between)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from gateway.config.events import EventsConfig, NatsProvider, RedisProvider
from gateway.events.runtime import Events
from gateway.events.stream import BrokerError, MessageBuffer

from .brokers import broker
from .clients import nats_publisher, redis_publisher


def _runtime(kind: str, port: int) -> Events:
    if kind == "nats":
        return Events(EventsConfig(nats=(NatsProvider("default", f"nats://127.0.0.1:{port}"),)))
    return Events(EventsConfig(redis=(RedisProvider("default", f"redis://127.0.0.1:{port}"),)))


async def _backlog(kind: str, port: int, drop_oldest: bool) -> tuple[list[bytes], str, int]:
    events = _runtime(kind, port)
    dropped = 0

    def count() -> None:
        nonlocal dropped
        dropped += 1

    buffer = MessageBuffer(3, drop_oldest, count)
    subject = "backlog"
    unsubscribe = await events.broker(kind, "default").subscribe((subject,), buffer)
    publisher = nats_publisher(port, subject) if kind == "nats" else redis_publisher(port, subject)
    got: list[bytes] = []
    code = ""
    try:
        async with publisher as publish:
            for n in range(10):
                await publish(str(n).encode())
        await asyncio.sleep(0.5)  # all delivered to the buffer, none taken
        messages = buffer.messages()
        try:
            async with asyncio.timeout(1):
                async for data in messages:
                    got.append(data)
        except BrokerError as exc:
            code = exc.code
        except TimeoutError:
            pass
    finally:
        await unsubscribe()
        await events.close()
    return got, code, dropped


@pytest.mark.parametrize("kind", ["nats", "redis"])
def test_close_ends_the_subscription_after_the_buffered_messages(kind: str, tmp_path: Path) -> None:
    with broker(kind, tmp_path) as server:
        got, code, dropped = asyncio.run(_backlog(kind, server.port, drop_oldest=False))
    assert got == [b"0", b"1", b"2"]
    assert code == "SUBSCRIPTION_SLOW_READER"
    assert dropped == 0


@pytest.mark.parametrize("kind", ["nats", "redis"])
def test_drop_oldest_keeps_the_latest_messages_and_counts_the_others(
    kind: str, tmp_path: Path
) -> None:
    with broker(kind, tmp_path) as server:
        got, code, dropped = asyncio.run(_backlog(kind, server.port, drop_oldest=True))
    assert got == [b"7", b"8", b"9"]
    assert code == ""
    assert dropped == 7
