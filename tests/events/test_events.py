"""Subscription fields fed by real brokers (nats-server, redis-server), completed through the
federation: ``fedgate serve`` in front of the catalog subgraph (``Item.name`` by
``_entities``, counted) and an events subgraph that only declares the broker-fed fields."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest

from tests.subscriptions.harness import entity_calls, gateway, receive, sse_collect, subgraph

from .brokers import events_supergraph, nats_server, redis_server, router_config
from .clients import item, nats_publisher, next_payloads, redis_publisher, subscribed

Graph = tuple[str, str, int, int]  # gateway URL, catalog URL, NATS port, Redis port


@pytest.fixture(scope="module")
def graph(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Graph]:
    work = tmp_path_factory.mktemp("events")
    with nats_server() as nats_port, redis_server(work) as redis_port, subgraph("catalog") as cat:
        path = work / "supergraph.graphql"
        path.write_text(events_supergraph(cat))
        config = router_config(nats_port, redis_port, "  max_opened_subscriptions: 3\n")
        with gateway(work, path, config) as (url, _, _):
            yield url, cat, nats_port, redis_port


def named(id: str) -> dict[str, Any]:
    return {"id": id, "name": f"item-{id}"}


def test_nats_messages_become_events_in_order_each_completed_by_one_entity_call(
    graph: Graph,
) -> None:
    url, catalog, nats_port, _ = graph

    async def scenario() -> tuple[list[Any], int]:
        async with nats_publisher(nats_port, "items.added") as publish:
            query = "subscription { itemAdded { id name } }"
            async with subscribed(url, query, publish) as ws:
                before = entity_calls(catalog)
                for n in range(1, 7):
                    await publish(item(str(n)))
                payloads = await next_payloads(ws, 6)
                return payloads, entity_calls(catalog) - before

    payloads, calls = asyncio.run(scenario())
    assert payloads == [{"data": {"itemAdded": named(str(n))}} for n in range(1, 7)]
    assert calls == 6  # one _entities request per event


def test_a_list_message_is_one_batched_entity_call(graph: Graph) -> None:
    url, catalog, nats_port, _ = graph

    async def scenario() -> tuple[list[Any], int]:
        async with nats_publisher(nats_port, "items.batch") as publish:
            probe = orjson.dumps([{"__typename": "Item", "id": "p"}])
            query = "subscription { itemsAdded { id name } }"
            async with subscribed(url, query, publish, probe) as ws:
                before = entity_calls(catalog)
                for n in range(3):
                    await publish(orjson.dumps([{"id": f"{n}a"}, {"id": f"{n}b"}, {"id": f"{n}c"}]))
                payloads = await next_payloads(ws, 3)
                return payloads, entity_calls(catalog) - before

    payloads, calls = asyncio.run(scenario())
    expected = [[named(f"{n}{x}") for x in "abc"] for n in range(3)]
    assert payloads == [{"data": {"itemsAdded": items}} for items in expected]
    assert calls == 3  # each event's three representations in one _entities request


def test_malformed_messages_are_coded_error_events_and_the_subscription_goes_on(
    graph: Graph,
) -> None:
    url, _, nats_port, _ = graph

    async def scenario() -> list[Any]:
        async with nats_publisher(nats_port, "items.added") as publish:
            query = "subscription { itemAdded { id name } }"
            async with subscribed(url, query, publish) as ws:
                for raw in (
                    b"{not json",
                    b'{"__typename": "Item"}',
                    b'{"__typename": "X", "id": 1}',
                ):
                    await publish(raw)
                await publish(b"[1, 2]")
                await publish(item("ok"))
                return await next_payloads(ws, 5)

    payloads = asyncio.run(scenario())
    for bad in payloads[:4]:
        assert bad["data"] is None
        [error] = bad["errors"]
        assert error["extensions"]["code"] == "EVENT_MESSAGE_INVALID"
        assert error["path"] == ["itemAdded"]
    assert "not JSON" in payloads[0]["errors"][0]["message"]
    assert "lacks the key fields of Item (id)" in payloads[1]["errors"][0]["message"]
    assert "__typename 'X'" in payloads[2]["errors"][0]["message"]
    assert payloads[4] == {"data": {"itemAdded": named("ok")}}


def test_subject_templates_take_the_field_arguments(graph: Graph) -> None:
    url, _, nats_port, _ = graph

    async def scenario() -> list[Any]:
        async with (
            nats_publisher(nats_port, "items.red") as red,
            nats_publisher(nats_port, "items.blue") as blue,
        ):
            query = 'subscription { itemOn(topic: "red") { id name } }'
            async with subscribed(url, query, red) as ws:
                await blue(item("blue-1"))
                await red(item("red-1"))
                return await next_payloads(ws, 1)

    assert asyncio.run(scenario()) == [{"data": {"itemOn": named("red-1")}}]


def test_publish_mutation_round_trip_over_sse(graph: Graph) -> None:
    """A mutation publishes its arguments to NATS; a subscription over SSE receives them,
    completed by the catalog."""
    url, _, _, _ = graph

    async def scenario() -> tuple[list[Any], list[tuple[str, Any]]]:
        answers: list[Any] = []

        async def publisher() -> None:
            async with httpx.AsyncClient(timeout=10) as client:
                for n in range(40):  # until the subscription has taken one
                    query = f'mutation {{ addItem(id: "m{n}") {{ success __typename }} }}'
                    answers.append((await client.post(url, json={"query": query})).json())
                    await asyncio.sleep(0.1)
                    if done.is_set():
                        return

        done = asyncio.Event()
        task = asyncio.create_task(publisher())
        body = {"query": "subscription { itemAdded { id name } }"}
        collected: list[tuple[str, Any]] = []
        try:
            async with asyncio.timeout(15):
                collected = await _sse_first(url, body)
        finally:
            done.set()
            await task
        return answers, collected

    answers, collected = asyncio.run(scenario())
    expected = {"data": {"addItem": {"success": True, "__typename": "edfs__PublishResult"}}}
    assert answers[0] == expected
    event, data = collected[0]
    assert event == "next"
    got = data["data"]["itemAdded"]
    assert got["id"].startswith("m") and got["name"] == f"item-{got['id']}"


async def _sse_first(url: str, body: dict[str, Any]) -> list[tuple[str, Any]]:
    from httpx_sse import aconnect_sse

    async with httpx.AsyncClient(timeout=30) as client:
        headers = {"accept": "text/event-stream"}
        async with aconnect_sse(client, "POST", url, json=body, headers=headers) as source:
            async for event in source.aiter_sse():
                return [(event.event, orjson.loads(event.data))]
    return []


def test_redis_channel_messages_and_publish_round_trip(graph: Graph) -> None:
    url, catalog, _, redis_port = graph

    async def scenario() -> tuple[list[Any], list[Any], int]:
        async with redis_publisher(redis_port, "items") as publish:
            query = "subscription { itemCached { id name } }"
            async with subscribed(url, query, publish) as ws:
                before = entity_calls(catalog)
                for n in range(1, 4):
                    await publish(item(f"r{n}"))
                direct = await next_payloads(ws, 3)
                calls = entity_calls(catalog) - before
                async with httpx.AsyncClient(timeout=10) as client:
                    mutation = 'mutation { cacheItem(id: "via-mutation") { success } }'
                    answer = (await client.post(url, json={"query": mutation})).json()
                assert answer == {"data": {"cacheItem": {"success": True}}}
                return direct, await next_payloads(ws, 1), calls

    direct, published, calls = asyncio.run(scenario())
    assert direct == [{"data": {"itemCached": named(f"r{n}")}} for n in range(1, 4)]
    assert calls == 3
    assert published == [{"data": {"itemCached": named("via-mutation")}}]


def test_the_subscription_limits_count_broker_fed_subscriptions(graph: Graph) -> None:
    url, _, nats_port, _ = graph

    async def scenario() -> dict[str, Any]:
        async with nats_publisher(nats_port, "items.added") as publish:
            query = "subscription { itemAdded { id } }"
            async with (
                subscribed(url, query, publish, op_id="a"),
                subscribed(url, query, publish, op_id="b"),
                subscribed(url, query, publish, op_id="c"),
            ):
                from tests.subscriptions.harness import ws_open

                ws = await ws_open(url)
                try:
                    payload = {"query": query}
                    await ws.send(json.dumps({"type": "subscribe", "id": "d", "payload": payload}))
                    return await receive(ws)
                finally:
                    await ws.close()

    refused = asyncio.run(scenario())
    assert refused["type"] == "error"
    assert refused["payload"][0]["extensions"]["code"] == "SUBSCRIPTION_LIMIT_REACHED"


def test_a_broker_that_cannot_be_reached_ends_the_subscription_with_a_coded_error(
    tmp_path: Path,
) -> None:
    """The providers point at ports nobody listens on: the subscription ends with
    SUBSCRIPTION_STREAM_FAILED, the publish mutation answers success: false."""
    from tests.services import free_port, require

    require("nats-server")
    with subgraph("catalog") as catalog:
        path = tmp_path / "supergraph.graphql"
        path.write_text(events_supergraph(catalog))
        config = router_config(free_port(), free_port(), events="    connect_timeout: 1s\n")
        with gateway(tmp_path, path, config) as (url, _, _):
            status, events = asyncio.run(
                sse_collect(url, {"query": "subscription { itemAdded { id } }"})
            )
            answer = httpx.post(
                url, json={"query": 'mutation { addItem(id: "1") { success } }'}, timeout=20
            ).json()
    assert status == 200
    kinds = [kind for kind, _ in events]
    assert kinds == ["next", "complete"]
    error = events[0][1]["errors"][0]
    assert error["extensions"]["code"] == "SUBSCRIPTION_STREAM_FAILED"
    assert "cannot connect to the NATS provider 'default'" in error["message"]
    assert answer["data"] == {"addItem": {"success": False}}
    assert answer["errors"][0]["extensions"]["code"] == "EVENT_PUBLISH_FAILED"


def test_message_errors_skip_drops_malformed_messages(tmp_path: Path) -> None:
    from .brokers import broker

    with (
        subgraph("catalog") as catalog,
        broker("nats", tmp_path) as nats,
        broker("redis", tmp_path) as redis,
    ):
        path = tmp_path / "supergraph.graphql"
        path.write_text(events_supergraph(catalog))
        config = router_config(nats.port, redis.port, events="    message_errors: skip\n")
        with gateway(tmp_path, path, config) as (url, log, _):

            async def scenario() -> list[Any]:
                async with nats_publisher(nats.port, "items.added") as publish:
                    query = "subscription { itemAdded { id } }"
                    async with subscribed(url, query, publish) as ws:
                        await publish(b"{not json")
                        await publish(b'{"__typename": "Item"}')
                        await publish(item("after"))
                        return await next_payloads(ws, 1)

            payloads = asyncio.run(scenario())
            logged = log.read_text()
    assert payloads == [{"data": {"itemAdded": {"id": "after"}}}]
    assert "skipped a message on items.added: a broker message is not JSON" in logged
