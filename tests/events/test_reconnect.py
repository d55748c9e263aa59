"""A broker that goes away: the subscription survives a restart within
``reconnect_timeout`` (the messages published meanwhile are lost: pub/sub keeps nothing) and
ends with SUBSCRIPTION_STREAM_FAILED when the broker stays away longer."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from tests.subscriptions.harness import gateway, receive, subgraph

from .brokers import Broker, broker, events_supergraph, router_config
from .clients import Publish, item, nats_publisher, redis_publisher, subscribed

QUERIES = {
    "nats": "subscription { itemAdded { id name } }",
    "redis": "subscription { itemCached { id name } }",
}
FIELDS = {"nats": "itemAdded", "redis": "itemCached"}


@contextmanager
def served(kind: str, work: Path, reconnect: str) -> Iterator[tuple[str, Broker]]:
    """The gateway (its URL) with both brokers; yields the ``kind`` one to stop."""
    other = "redis" if kind == "nats" else "nats"
    with subgraph("catalog") as catalog, broker(kind, work) as main, broker(other, work) as rest:
        nats, redis = (main, rest) if kind == "nats" else (rest, main)
        path = work / "supergraph.graphql"
        path.write_text(events_supergraph(catalog))
        config = router_config(
            nats.port, redis.port, events=f"    reconnect_timeout: {reconnect}\n"
        )
        with gateway(work, path, config) as (url, _, _):
            yield url, main


def publisher(server: Broker) -> Any:
    if server.kind == "nats":
        return nats_publisher(server.port, "items.added")
    return redis_publisher(server.port, "items")


async def first_event(ws: Any, publish: Publish, id: str) -> dict[str, Any]:
    for _ in range(150):  # until the gateway has subscribed again
        await publish(item(id))
        try:
            message: dict[str, Any] = await asyncio.wait_for(receive(ws), 0.2)
            return message
        except TimeoutError:
            continue
    raise AssertionError("no event after the restart")


@pytest.mark.parametrize("kind", ["nats", "redis"])
def test_the_subscription_survives_a_broker_restart(kind: str, tmp_path: Path) -> None:
    with served(kind, tmp_path, "20s") as (url, server):

        async def scenario() -> dict[str, Any]:
            async with (
                publisher(server) as publish,
                subscribed(url, QUERIES[kind], publish) as ws,
            ):
                await asyncio.to_thread(server.stop)
                await asyncio.sleep(0.5)
                await asyncio.to_thread(server.start)
                async with publisher(server) as again:
                    return await first_event(ws, again, "back")

        message = asyncio.run(scenario())
    assert message["type"] == "next", message
    assert message["payload"] == {"data": {FIELDS[kind]: {"id": "back", "name": "item-back"}}}


@pytest.mark.parametrize("kind", ["nats", "redis"])
def test_a_broker_gone_longer_than_reconnect_timeout_ends_the_subscription(
    kind: str, tmp_path: Path
) -> None:
    with served(kind, tmp_path, "1s") as (url, server):

        async def scenario() -> list[dict[str, Any]]:
            async with (
                publisher(server) as publish,
                subscribed(url, QUERIES[kind], publish) as ws,
            ):
                await asyncio.to_thread(server.stop)
                return [await asyncio.wait_for(receive(ws), 30) for _ in range(2)]

        messages = asyncio.run(scenario())
    assert [m["type"] for m in messages] == ["next", "complete"], messages
    [error] = messages[0]["payload"]["errors"]
    assert error["extensions"]["code"] == "SUBSCRIPTION_STREAM_FAILED"
    assert "was lost and did not come back" in error["message"]


def test_a_reload_keeps_a_broker_fed_subscription_then_ends_it_when_the_field_goes(
    tmp_path: Path,
) -> None:
    """Hot reload: the same graph keeps the broker subscription (events go on); a supergraph
    without the field ends it with SUBSCRIPTION_SCHEMA_RELOAD."""
    from tests.subscriptions.harness import replace

    from .brokers import EVENTS_SDL

    with (
        subgraph("catalog") as catalog,
        broker("nats", tmp_path) as nats,
        broker("redis", tmp_path) as redis,
    ):
        path = tmp_path / "supergraph.graphql"
        original = events_supergraph(catalog)
        path.write_text(original)
        config = router_config(nats.port, redis.port)
        with gateway(tmp_path, path, config, "--hot-reload") as (url, _, _):

            async def scenario() -> tuple[dict[str, Any], list[dict[str, Any]]]:
                async with (
                    publisher(nats) as publish,
                    subscribed(url, QUERIES["nats"], publish) as ws,
                ):
                    replace(path, original + "\n# the same graph, reloaded\n")
                    await asyncio.sleep(3)  # the watcher's tick and then some
                    kept = await first_event(ws, publish, "kept")
                    without = EVENTS_SDL.replace(
                        '  itemAdded: Item! @edfs__natsSubscribe(subjects: ["items.added"])\n', ""
                    )
                    replace(path, events_supergraph(catalog, without))
                    ended = []
                    while not ended or ended[-1]["type"] == "next":
                        ended.append(await asyncio.wait_for(receive(ws), 30))
                    return kept, ended

            kept, ended = asyncio.run(scenario())
    assert kept["payload"] == {"data": {"itemAdded": {"id": "kept", "name": "item-kept"}}}
    last = [m for m in ended if m["type"] == "next"][-1]
    assert last["payload"]["errors"][0]["extensions"]["code"] == "SUBSCRIPTION_SCHEMA_RELOAD"
    assert ended[-1]["type"] == "complete"
