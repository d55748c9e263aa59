"""What the runtime needs of a broker: subscribe a buffer to subjects, publish, close."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Protocol

from .stream import MessageBuffer

__all__ = ["Broker", "Unsubscribe"]

Unsubscribe = Callable[[], Awaitable[None]]


class Broker(Protocol):
    async def subscribe(self, subjects: tuple[str, ...], buffer: MessageBuffer) -> Unsubscribe:
        """Start filling ``buffer`` with the messages of ``subjects``; raises ``BrokerError``
        when the broker cannot be reached."""
        ...

    async def publish(self, subject: str, data: bytes) -> None:
        """Raises ``BrokerError`` when the message did not reach the broker."""
        ...

    async def close(self) -> None: ...
