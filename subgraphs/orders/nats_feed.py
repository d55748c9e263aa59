"""Placed orders to NATS, for ``fedgate dev``'s broker-fed ``liveOrders`` subscription
(docs/events.md): when ``FEDGATE_DEV_NATS_URL`` is set, ``placeOrder`` publishes each new
order's key, ``{"__typename": "Order", "id": ...}``, to the subject ``orders.placed``; the
gateway subscribes to it and resolves the rest of the order from the services. Unset (no
nats-server), nothing is published and nats-py is never imported."""

from __future__ import annotations

import asyncio
import json
import logging
import os
from typing import Any

__all__ = ["SUBJECT", "publish_order"]

SUBJECT = "orders.placed"
log = logging.getLogger("subgraphs.orders")
_client: Any = None
_lock = asyncio.Lock()


async def publish_order(order_id: str) -> None:
    url = os.environ.get("FEDGATE_DEV_NATS_URL")
    if not url:
        return
    message = json.dumps({"__typename": "Order", "id": order_id}).encode()
    try:
        client = await _connection(url)
        await client.publish(SUBJECT, message)
        await client.flush(timeout=2)
    except Exception as exc:  # the order is placed either way; the event is best effort
        log.warning("orders: could not publish order %s to NATS: %s", order_id, exc)


async def _connection(url: str) -> Any:
    global _client
    async with _lock:
        if _client is None or _client.is_closed:
            import nats

            _client = await nats.connect(url, connect_timeout=2, max_reconnect_attempts=5)
        return _client
