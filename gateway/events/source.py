"""A broker-fed subscription's event source, in place of the subgraph stream: the broker's
messages as subgraph-like payloads (``{"data": ...}``), in arrival order. A malformed message
becomes an event with an ``EVENT_MESSAGE_INVALID`` error (the subscription goes on) or is
skipped (``message_errors: skip``, logged); a broker that cannot be reached or is lost raises
``BrokerError``, which ends the subscription as a broken subgraph stream does."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable
from typing import Any

from .broker import Broker
from .fields import EventField
from .messages import InvalidMessage, event_payload
from .operation import RootField
from .stream import MessageBuffer

__all__ = ["OWN_ERRORS", "Buffering", "broker_events"]

# a payload's key for errors of the gateway's own, which the subscription engine passes on as
# they are (a subgraph's errors are re-pathed and may be redacted)
OWN_ERRORS = "fedgate_errors"

log = logging.getLogger("fedgate.events")
# (capacity, drop_oldest, on_drop): the subscription's queue_capacity and slow_reader policy
Buffering = tuple[int, bool, Callable[[], None]]


async def broker_events(
    broker: Broker,
    subjects: tuple[str, ...],
    field: EventField,
    root: RootField,
    buffering: Buffering,
    skip_invalid: bool,
) -> AsyncIterator[dict[str, Any]]:
    buffer = MessageBuffer(*buffering)
    unsubscribe = await broker.subscribe(subjects, buffer)
    try:
        async for data in buffer.messages():
            try:
                yield event_payload(data, field, root)
            except InvalidMessage as exc:
                if skip_invalid:
                    log.warning("skipped a message on %s: %s", ", ".join(subjects), exc)
                    continue
                yield _invalid(str(exc), root)
    finally:
        await unsubscribe()


def _invalid(message: str, root: RootField) -> dict[str, Any]:
    error = {
        "message": f"The event was dropped: {message}",
        "path": [root.response_key],
        "extensions": {"code": "EVENT_MESSAGE_INVALID"},
    }
    return {"data": None, OWN_ERRORS: [error]}
