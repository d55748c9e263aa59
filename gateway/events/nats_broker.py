"""NATS core subjects with ``nats-py``: one connection per provider, opened at the first use
and shared by its subscriptions and publishes.

nats-py reconnects by itself and subscribes again; while the server is away its messages are
lost (core NATS keeps nothing). When it stays away longer than ``reconnect_timeout`` the
connection closes: every subscription on it ends with ``SUBSCRIPTION_STREAM_FAILED``, and the
next use connects again. A publish is flushed, so ``success: true`` means the server has it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
from typing import Any

import nats
from nats.aio.client import Client
from nats.aio.msg import Msg
from nats.errors import Error as NatsError

from .broker import Unsubscribe
from .stream import BrokerError, MessageBuffer

__all__ = ["NatsBroker"]

log = logging.getLogger("fedgate.events")
_RECONNECT_WAIT = 0.5


class NatsBroker:
    def __init__(self, provider: str, url: str, connect_timeout: float, reconnect: float) -> None:
        self._provider = provider
        self._url = url
        self._connect_timeout = connect_timeout
        self._attempts = max(1, math.ceil(reconnect / _RECONNECT_WAIT))
        self._client: Client | None = None
        self._connecting: asyncio.Lock = asyncio.Lock()
        self._buffers: set[MessageBuffer] = set()

    async def _connection(self) -> Client:
        async with self._connecting:
            client = self._client
            if client is not None and not client.is_closed:
                return client
            try:
                # nats-py keeps trying a first connection as long as a lost one
                # (max_reconnect_attempts): the first one gets connect_timeout
                client = await asyncio.wait_for(self._connect(), self._connect_timeout)
            except TimeoutError:
                raise BrokerError(
                    f"cannot connect to the NATS provider {self._provider!r}: no answer from "
                    f"{self._url} in {self._connect_timeout:g} s"
                ) from None
            except (OSError, NatsError) as exc:
                raise BrokerError(
                    f"cannot connect to the NATS provider {self._provider!r}: {exc}"
                ) from None
            self._client = client
            return client

    async def _connect(self) -> Client:
        return await nats.connect(
            servers=[self._url],
            connect_timeout=self._connect_timeout,
            reconnect_time_wait=_RECONNECT_WAIT,
            max_reconnect_attempts=self._attempts,
            error_cb=self._error,
            disconnected_cb=self._disconnected,
            closed_cb=self._closed,
            allow_reconnect=True,
        )

    async def subscribe(self, subjects: tuple[str, ...], buffer: MessageBuffer) -> Unsubscribe:
        client = await self._connection()

        async def deliver(msg: Msg) -> None:
            buffer.put(msg.data)

        try:
            subs = [await client.subscribe(subject, cb=deliver) for subject in subjects]
        except NatsError as exc:
            raise BrokerError(
                f"cannot subscribe on the NATS provider {self._provider!r}: {exc}"
            ) from None
        self._buffers.add(buffer)

        async def unsubscribe() -> None:
            self._buffers.discard(buffer)
            for sub in subs:
                # the connection may be gone: then nothing is subscribed any more
                with contextlib.suppress(NatsError):
                    await sub.unsubscribe()

        return unsubscribe

    async def publish(self, subject: str, data: bytes) -> None:
        client = await self._connection()
        try:
            await client.publish(subject, data)
            await client.flush(timeout=max(1, math.ceil(self._connect_timeout)))
        except (NatsError, TimeoutError) as exc:
            raise BrokerError(
                f"cannot publish to the NATS provider {self._provider!r}: {exc}"
            ) from None

    async def close(self) -> None:
        client, self._client = self._client, None
        if client is not None and not client.is_closed:
            await client.close()

    async def _error(self, exc: Exception) -> None:
        log.warning("NATS provider %r: %s", self._provider, exc)

    async def _disconnected(self) -> None:
        log.warning("NATS provider %r: disconnected, reconnecting", self._provider)

    async def _closed(self) -> None:
        failure = BrokerError(
            f"the connection to the NATS provider {self._provider!r} was lost and did not come back"
        )
        for buffer in list(self._buffers):
            buffer.fail(failure)
        self._buffers.clear()

    def __repr__(self) -> str:
        state: Any = "closed" if self._client is None else "open"
        return f"NatsBroker({self._provider!r}, {state})"
