"""Redis pub/sub channels with the ``redis`` asyncio client: one client per provider (its
pool serves publishes); each subscription holds its own pub/sub connection (Redis puts a
connection that subscribes in a mode where it can do nothing else), read by one task.

When the connection breaks the reader subscribes again every ``_RETRY`` seconds; messages
published meanwhile are lost (pub/sub keeps nothing). After ``reconnect_timeout`` without
success the subscription ends with ``SUBSCRIPTION_STREAM_FAILED``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from typing import Any

from redis.asyncio import Redis
from redis.asyncio.client import PubSub
from redis.exceptions import RedisError

from .broker import Unsubscribe
from .stream import BrokerError, MessageBuffer

__all__ = ["RedisBroker"]

log = logging.getLogger("fedgate.events")
_RETRY = 0.25


class RedisBroker:
    def __init__(self, provider: str, url: str, connect_timeout: float, reconnect: float) -> None:
        self._provider = provider
        self._reconnect = reconnect
        self._client: Redis = Redis.from_url(
            url, socket_connect_timeout=connect_timeout, socket_timeout=None
        )
        self._readers: set[asyncio.Task[None]] = set()

    async def subscribe(self, subjects: tuple[str, ...], buffer: MessageBuffer) -> Unsubscribe:
        pubsub = await self._subscribed(subjects)
        task = asyncio.create_task(self._read(pubsub, subjects, buffer))
        self._readers.add(task)
        task.add_done_callback(self._readers.discard)

        async def unsubscribe() -> None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

        return unsubscribe

    async def _subscribed(self, subjects: tuple[str, ...]) -> PubSub:
        pubsub = self._client.pubsub(ignore_subscribe_messages=True)
        try:
            await pubsub.subscribe(*subjects)
        except (RedisError, OSError) as exc:
            await pubsub.aclose()  # type: ignore[no-untyped-call]
            raise BrokerError(
                f"cannot subscribe on the Redis provider {self._provider!r}: {exc}"
            ) from None
        return pubsub

    async def _read(self, pubsub: PubSub, subjects: tuple[str, ...], buffer: MessageBuffer) -> None:
        current: PubSub | None = pubsub
        try:
            while current is not None:
                try:
                    message = await current.get_message(timeout=None)
                except (RedisError, OSError) as exc:
                    log.warning("Redis provider %r: %s; subscribing again", self._provider, exc)
                    await current.aclose()  # type: ignore[no-untyped-call]
                    current = None
                    current = await self._again(subjects, buffer)
                    continue
                if message is not None and message.get("type") == "message":
                    buffer.put(_bytes(message["data"]))
        finally:
            if current is not None:
                await current.aclose()  # type: ignore[no-untyped-call]

    async def _again(self, subjects: tuple[str, ...], buffer: MessageBuffer) -> PubSub | None:
        """A new subscription once the server is back; None (and the buffer failed) when it
        stays away for ``reconnect_timeout``."""
        deadline = time.monotonic() + self._reconnect
        while True:
            await asyncio.sleep(_RETRY)
            try:
                return await self._subscribed(subjects)
            except BrokerError as exc:
                if time.monotonic() >= deadline:
                    lost = (
                        f"the connection to the Redis provider {self._provider!r} was lost "
                        f"and did not come back ({exc.message})"
                    )
                    buffer.fail(BrokerError(lost))
                    return None

    async def publish(self, subject: str, data: bytes) -> None:
        try:
            await self._client.publish(subject, data)
        except (RedisError, OSError) as exc:
            raise BrokerError(
                f"cannot publish to the Redis provider {self._provider!r}: {exc}"
            ) from None

    async def close(self) -> None:
        for task in list(self._readers):
            task.cancel()
        await self._client.aclose()


def _bytes(data: Any) -> bytes:
    return data if isinstance(data, bytes) else str(data).encode()
