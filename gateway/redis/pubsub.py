"""``Subscriber``: one Redis pub/sub channel listened to for the app's lifetime (the entity
cache's invalidations reach every replica this way). It reconnects by itself; ``on_connected``
runs at every (re)subscription, because messages sent while it was away are lost (pub/sub is
at-most-once): the listener drops what such a message could have changed."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable

from .client import LOG_INTERVAL, RETRY_INTERVAL, RedisClient

__all__ = ["Subscriber"]

log = logging.getLogger("fedgate.redis")


class Subscriber:
    def __init__(
        self,
        client: RedisClient,
        channel: str,
        on_message: Callable[[bytes], None],
        on_connected: Callable[[], None],
    ) -> None:
        self.client = client
        self.channel = client.key(channel)
        self._on_message = on_message
        self._on_connected = on_connected
        self._task: asyncio.Task[None] | None = None
        self.connected = asyncio.Event()

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._run())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
            self._task = None

    async def _run(self) -> None:
        last_warning = -LOG_INTERVAL
        loop = asyncio.get_running_loop()
        while True:
            pubsub = self.client.pubsub()
            try:
                await pubsub.subscribe(self.channel)
                self._on_connected()
                self.connected.set()
                while True:
                    message = await pubsub.get_message(ignore_subscribe_messages=True, timeout=1.0)
                    if message is not None and message.get("type") == "message":
                        self._on_message(bytes(message["data"]))
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # any failure: reconnect (Redis down, restarted, ...)
                self.connected.clear()
                if loop.time() - last_warning >= LOG_INTERVAL:
                    last_warning = loop.time()
                    log.warning(
                        "fedgate: %s: Redis pub/sub on %s lost (%s: %s); resubscribing",
                        self.client.name,
                        self.channel,
                        type(exc).__name__,
                        exc,
                    )
                await asyncio.sleep(RETRY_INTERVAL)
            finally:
                with contextlib.suppress(Exception):
                    await pubsub.aclose()
