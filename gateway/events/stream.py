"""One subscription's messages from a broker: a bounded buffer the broker's reader fills and
the subscription's producer drains, in arrival order.

The producer completes one event at a time (entity fetches); when messages come faster than
that for long enough to fill ``capacity`` (the subscription's ``queue_capacity``), the
subscription's ``slow_reader`` policy applies here too: ``close`` ends it with
``SUBSCRIPTION_SLOW_READER``, ``drop_oldest`` drops the oldest message (counted by
``on_drop``). A broker that fails ends it with the error the reader gives."""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import AsyncIterator, Callable

__all__ = ["BrokerError", "MessageBuffer"]


class BrokerError(Exception):
    """The broker cannot be reached or ended the subscription; ``code`` for the client."""

    def __init__(self, message: str, code: str = "SUBSCRIPTION_STREAM_FAILED") -> None:
        super().__init__(message)
        self.message = message
        self.code = code


class MessageBuffer:
    def __init__(self, capacity: int, drop_oldest: bool, on_drop: Callable[[], None]) -> None:
        self._items: deque[bytes] = deque()
        self._capacity = capacity
        self._drop_oldest = drop_oldest
        self._on_drop = on_drop
        self._wake = asyncio.Event()
        self._error: BrokerError | None = None

    def put(self, data: bytes) -> None:
        if self._error is not None:
            return
        if len(self._items) >= self._capacity:
            if not self._drop_oldest:
                self.fail(
                    BrokerError(
                        f"Broker messages came faster than they could be completed: "
                        f"{len(self._items)} were waiting; the subscription is closed",
                        "SUBSCRIPTION_SLOW_READER",
                    )
                )
                return
            self._items.popleft()
            self._on_drop()
        self._items.append(data)
        self._wake.set()

    def fail(self, error: BrokerError) -> None:
        if self._error is None:
            self._error = error
            self._wake.set()

    async def messages(self) -> AsyncIterator[bytes]:
        while True:
            while self._items:
                yield self._items.popleft()
            if self._error is not None:
                raise self._error
            self._wake.clear()
            await self._wake.wait()
