"""The demo's NATS feed: ``fedgate dev`` with nats-server installed starts one, the orders
service publishes each placed order's key to it, and ``liveOrders`` (fed by NATS, no
subgraph stream) resolves the buyer, products and shipping estimates from the services.
Without nats-server the demo starts anyway, says so, and ``orderPlaced`` still works."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.demo import Demo, start_demo
from tests.services import require
from tests.subscriptions.harness import receive, ws_open

PLACE = (
    'mutation { placeOrder(input: { buyerId: "2", lines: [{ upc: "1", quantity: 2 }] }) { id } }'
)
SELECTION = "{ id buyer { username } lines { quantity product { name shippingEstimate } } }"


def _first_event(demo: Demo, field: str) -> dict[str, Any]:
    async def scenario() -> dict[str, Any]:
        ws = await ws_open(demo.url, demo.signed_in())
        try:
            query = f"subscription {{ {field} {SELECTION} }}"
            await ws.send(json.dumps({"type": "subscribe", "id": "o", "payload": {"query": query}}))
            # the broker subscription starts shortly after subscribe: place until one comes
            for _ in range(10):
                placed = await asyncio.to_thread(demo.post, PLACE, None, demo.signed_in())
                try:
                    event = await asyncio.wait_for(receive(ws), 2)
                except TimeoutError:
                    continue
                event["placed"] = placed["data"]["placeOrder"]["id"]
                return event
            raise AssertionError(f"no {field} event")
        finally:
            await ws.close()

    return asyncio.run(scenario())


def _expected(demo: Demo, order_id: str) -> dict[str, Any]:
    known = demo.post('{ product(upc: "1") { name shippingEstimate } user(id: "2") { username } }')
    return {
        "id": order_id,
        "buyer": {"username": known["data"]["user"]["username"]},
        "lines": [{"quantity": 2, "product": known["data"]["product"]}],
    }


def test_live_orders_come_through_nats_resolved_across_the_graph(tmp_path: Path) -> None:
    require("nats-server")
    with start_demo(tmp_path) as demo:
        event = _first_event(demo, "liveOrders")
        expected = _expected(demo, event["placed"])
        stdout = demo.stdout.read_text()
    assert event["type"] == "next", event
    assert event["payload"] == {"data": {"liveOrders": expected}}
    assert "  nats      nats://127.0.0.1:" in stdout


def test_without_nats_server_the_demo_runs_with_a_note(tmp_path: Path) -> None:
    path = os.pathsep.join(p for p in os.environ["PATH"].split(os.pathsep) if "sbin" not in p)
    if shutil.which("nats-server", path=path) is not None:
        pytest.skip("nats-server is on every PATH directory this test could keep")
    with start_demo(tmp_path, {"PATH": path}) as demo:
        event = _first_event(demo, "orderPlaced")
        expected = _expected(demo, event["placed"])
        fields = demo.post('{ __type(name: "Subscription") { fields { name } } }')
        stdout = demo.stdout.read_text()
    assert event["payload"] == {"data": {"orderPlaced": expected}}
    assert "nats-server is not installed: liveOrders (fed by NATS) is off" in stdout
    assert [f["name"] for f in fields["data"]["__type"]["fields"]] == ["orderPlaced"]
