"""The demo's live data: ``fedgate dev`` (subscriptions on by schema/dev-router.yaml), a
client subscribed to orders' ``orderPlaced`` over graphql-transport-ws, an order placed
through the gateway: the event carries the buyer (accounts), the products (products) and
their shipping estimates (inventory, which @requires price and weight from products)."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

from tests.e2e.demo import readme_graphql_blocks, start_demo

from .harness import receive, ws_open

# the README's subscription example
[ORDER_PLACED] = [b for b in readme_graphql_blocks() if b.startswith("subscription")]
PLACE = """
mutation {
  placeOrder(input: { buyerId: "2", lines: [{ upc: "1", quantity: 1 }] }) { id }
}
"""


def test_order_placed_event_is_resolved_across_the_graph(tmp_path: Path) -> None:
    with start_demo(tmp_path) as demo:
        expected = demo.post(
            '{ product(upc: "1") { name shippingEstimate } user(id: "2") { username } }'
        )["data"]

        async def scenario() -> dict[str, object]:
            # orders are @authenticated: the token travels in connection_init's payload
            ws = await ws_open(demo.url, demo.signed_in())
            try:
                message = {"type": "subscribe", "id": "o", "payload": {"query": ORDER_PLACED}}
                await ws.send(json.dumps(message))
                # the subgraph stream opens shortly after subscribe: an order placed before
                # it is not an event, so place again until one arrives (bounded)
                for _ in range(10):
                    await asyncio.to_thread(demo.post, PLACE, None, demo.signed_in())
                    try:
                        return await asyncio.wait_for(receive(ws), 2)
                    except TimeoutError:
                        continue
                raise AssertionError("no orderPlaced event")
            finally:
                await ws.close()

        event = asyncio.run(scenario())
    assert event["type"] == "next", event
    assert event["payload"] == {
        "data": {
            "orderPlaced": {
                "buyer": {"username": expected["user"]["username"]},
                "lines": [{"quantity": 1, "product": expected["product"]}],
            }
        }
    }
