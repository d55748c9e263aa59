"""Federated subscriptions end to end: ``fedgate serve`` in front of a strawberry subgraph
that streams ``ticks`` over WebSocket and another that resolves each event's ``Item.name``
through ``_entities``. Each client protocol with a real client library; events in order, one
batched ``_entities`` call per event (counted by the catalog subgraph)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator

import httpx
import pytest

from .harness import (
    TICKS,
    entity_calls,
    gateway,
    multipart_collect,
    multipart_parts,
    sse_collect,
    subgraph,
    supergraph,
    ticks_body,
    ws_collect,
    ws_open,
)

CONFIG = """\
subscription:
  enabled: true
  mode:
    passthrough:
      all:
        protocol: graphql_transport_ws
        heartbeat_interval: enable
headers:
  all:
    request:
      - propagate:
          named: authorization
fedgate:
  subscription:
    max_per_connection: 3
    client_heartbeat: 200ms
"""


@pytest.fixture(scope="module")
def graph(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """(the gateway's GraphQL URL, the catalog subgraph's base URL)."""
    work = tmp_path_factory.mktemp("subscriptions")
    with subgraph("feed") as feed, subgraph("catalog") as catalog:
        path = work / "supergraph.graphql"
        path.write_text(supergraph(feed, catalog))
        with gateway(work, path, CONFIG) as (url, _, _):
            yield url, catalog


def expected(n: int) -> dict[str, object]:
    items = [{"id": str(n), "name": f"item-{n}"}, {"id": f"{n}b", "name": f"item-{n}b"}]
    return {"data": {"ticks": {"n": n, "items": items}}}


def test_websocket_events_in_order_with_entities(graph: tuple[str, str]) -> None:
    url, catalog = graph

    async def scenario() -> list[dict[str, object]]:
        ws = await ws_open(url)
        try:
            await ws.send(json.dumps({"type": "subscribe", "id": "a", "payload": ticks_body(6)}))
            return await ws_collect(ws, "a")
        finally:
            await ws.close()

    before = entity_calls(catalog)
    messages = asyncio.run(scenario())
    assert [m["type"] for m in messages] == ["next"] * 6 + ["complete"]
    assert [m["payload"] for m in messages[:-1]] == [expected(n) for n in range(1, 7)]
    # one _entities request per event, both of its items in it
    assert entity_calls(catalog) - before == 6


def test_websocket_runs_queries_too_and_reports_request_errors(graph: tuple[str, str]) -> None:
    url, _ = graph

    async def scenario() -> tuple[list[dict[str, object]], list[dict[str, object]]]:
        ws = await ws_open(url)
        try:
            query = {"query": '{ item(id: "7") { name } }'}
            await ws.send(json.dumps({"type": "subscribe", "id": "q", "payload": query}))
            answered = await ws_collect(ws, "q")
            bad = {"query": "subscription { nope }"}
            await ws.send(json.dumps({"type": "subscribe", "id": "b", "payload": bad}))
            return answered, await ws_collect(ws, "b")
        finally:
            await ws.close()

    answered, bad = asyncio.run(scenario())
    assert answered[0]["payload"] == {"data": {"item": {"name": "item-7"}}}
    assert answered[1]["type"] == "complete"
    assert bad[0]["type"] == "error"
    assert bad[0]["payload"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"  # type: ignore[index]


def test_connection_init_payload_is_the_request_context(graph: tuple[str, str]) -> None:
    """The payload's Authorization reaches the subgraph through the header rules, and the
    payload itself is the subgraph's connection_init payload."""
    url, _ = graph
    query = "subscription { ticks(count: 1) { n auth init } }"

    async def scenario() -> list[dict[str, object]]:
        ws = await ws_open(url, {"Authorization": "Bearer abc", "tenant": "t1"})
        try:
            await ws.send(json.dumps({"type": "subscribe", "id": "c", "payload": {"query": query}}))
            return await ws_collect(ws, "c")
        finally:
            await ws.close()

    first = asyncio.run(scenario())[0]["payload"]
    tick = first["data"]["ticks"]  # type: ignore[index]
    assert tick["auth"] == "Bearer abc"
    assert json.loads(tick["init"]) == {"Authorization": "Bearer abc", "tenant": "t1"}


def test_websocket_per_connection_limit(graph: tuple[str, str]) -> None:
    url, _ = graph

    async def scenario() -> list[dict[str, object]]:
        ws = await ws_open(url)
        try:
            for i in range(4):
                body = ticks_body(1000, 100)
                await ws.send(json.dumps({"type": "subscribe", "id": f"s{i}", "payload": body}))
            while True:
                from .harness import receive

                message = await receive(ws)
                if message.get("id") == "s3":
                    return [message]
        finally:
            await ws.close()

    refused = asyncio.run(scenario())[0]
    assert refused["type"] == "error"
    assert refused["payload"][0]["extensions"]["code"] == "SUBSCRIPTION_LIMIT_REACHED"  # type: ignore[index]


def test_websocket_protocol_violations_close_with_the_protocols_codes(
    graph: tuple[str, str],
) -> None:
    url, _ = graph

    async def scenario() -> tuple[int | None, int | None]:
        from websockets.asyncio.client import connect
        from websockets.exceptions import ConnectionClosed

        from .harness import ws_url

        codes: list[int | None] = []
        async with connect(ws_url(url), subprotocols=["graphql-transport-ws"]) as ws:  # type: ignore[list-item]
            await ws.send(json.dumps({"type": "subscribe", "id": "x", "payload": {}}))
            with pytest.raises(ConnectionClosed):
                await ws.recv()
            codes.append(ws.close_code)
        ws2 = await ws_open(url)
        await ws2.send(json.dumps({"type": "connection_init"}))
        with pytest.raises(ConnectionClosed):
            await ws2.recv()
        codes.append(ws2.close_code)
        return codes[0], codes[1]

    assert asyncio.run(scenario()) == (4401, 4429)


def test_sse_distinct_connections(graph: tuple[str, str]) -> None:
    url, catalog = graph
    before = entity_calls(catalog)
    status, events = asyncio.run(sse_collect(url, ticks_body(4, 300)))
    assert status == 200
    assert [e for e, _ in events] == ["next"] * 4 + ["complete"]
    assert [d for _, d in events[:-1]] == [expected(n) for n in range(1, 5)]
    assert entity_calls(catalog) - before == 4


def test_sse_answers_a_query_as_one_event(graph: tuple[str, str]) -> None:
    url, _ = graph
    status, events = asyncio.run(sse_collect(url, {"query": '{ item(id: "1") { name } }'}))
    assert (status, events) == (
        200,
        [("next", {"data": {"item": {"name": "item-1"}}}), ("complete", None)],
    )


def test_multipart_protocol(graph: tuple[str, str]) -> None:
    """Heartbeats ``{}`` (every 200 ms here, events 300 ms apart), events as ``payload``."""
    url, catalog = graph
    before = entity_calls(catalog)
    response, raw = asyncio.run(multipart_collect(url, ticks_body(3, 300)))
    assert response.status_code == 200
    assert (
        response.headers["content-type"]
        == 'multipart/mixed;boundary="graphql";subscriptionSpec="1.0"'
    )
    parts, closed = multipart_parts(raw)
    assert closed
    assert parts[0] == {}
    assert {} in parts[1:]  # heartbeats between the events
    assert [p["payload"] for p in parts if p] == [expected(n) for n in range(1, 4)]
    assert entity_calls(catalog) - before == 3


def test_subscription_over_plain_http_is_refused(graph: tuple[str, str]) -> None:
    url, _ = graph
    response = httpx.post(url, json=ticks_body(1), timeout=10)
    assert response.status_code == 406
    assert response.json()["errors"][0]["extensions"]["code"] == "SUBSCRIPTION_PROTOCOL_REQUIRED"


def test_queries_unchanged_with_subscriptions_on(graph: tuple[str, str]) -> None:
    url, _ = graph
    response = httpx.post(url, json={"query": '{ item(id: "2") { name } }'}, timeout=10)
    assert response.json() == {"data": {"item": {"name": "item-2"}}}


def test_subscription_request_errors_over_sse_are_json(graph: tuple[str, str]) -> None:
    url, _ = graph
    status, events = asyncio.run(sse_collect(url, {"query": TICKS, "variables": {}}))
    assert status == 400
    assert events[0][1]["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


def test_sse_over_get(graph: tuple[str, str]) -> None:
    url, _ = graph

    async def scenario() -> list[tuple[str, str]]:
        from httpx_sse import aconnect_sse

        params = {"query": "subscription { ticks(count: 2) { n } }"}
        headers = {"accept": "text/event-stream", "apollo-require-preflight": "1"}
        async with (
            httpx.AsyncClient(timeout=30) as client,
            aconnect_sse(client, "GET", url, params=params, headers=headers) as source,
        ):
            return [(e.event, e.data) async for e in source.aiter_sse()]

    assert asyncio.run(scenario()) == [
        ("next", '{"data":{"ticks":{"n":1}}}'),
        ("next", '{"data":{"ticks":{"n":2}}}'),
        ("complete", ""),
    ]


def test_websocket_from_another_sites_page_is_refused(graph: tuple[str, str]) -> None:
    """Cross-site WebSocket hijacking: a browser page elsewhere (its Origin, not allowed by
    the CORS rules) cannot open one; the same origin can."""
    url, _ = graph

    async def scenario() -> tuple[int, str]:
        from websockets.asyncio.client import connect
        from websockets.exceptions import InvalidStatus

        from .harness import ws_url

        with pytest.raises(InvalidStatus) as refused:
            await connect(
                ws_url(url),
                subprotocols=["graphql-transport-ws"],  # type: ignore[list-item]
                origin="https://evil.example",  # type: ignore[arg-type]
            )
        host = url.split("/")[2]
        async with connect(
            ws_url(url),
            subprotocols=["graphql-transport-ws"],  # type: ignore[list-item]
            origin=f"http://{host}",  # type: ignore[arg-type]
        ) as ws:
            return refused.value.response.status_code, ws.subprotocol or ""

    assert asyncio.run(scenario()) == (403, "graphql-transport-ws")
