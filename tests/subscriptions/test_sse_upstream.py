"""Subscriptions to a subgraph over GraphQL over SSE (``fedgate.subscription.subgraphs.<name>
.protocol: sse | sse_post``): the feed subgraph streams over SSE (a starlette endpoint on its
strawberry schema), the catalog completes each event through ``_entities`` (counted)."""

from __future__ import annotations

import asyncio
import json
import sys
import time
from collections.abc import Iterator

import httpx
import pytest

from tests.e2e.processes import free_port, running

from .harness import (
    entity_calls,
    gateway,
    sse_collect,
    subgraph,
    supergraph,
    ticks_body,
    ws_collect,
    ws_open,
)


def expected(n: int) -> dict[str, object]:
    items = [{"id": str(n), "name": f"item-{n}"}, {"id": f"{n}b", "name": f"item-{n}b"}]
    return {"data": {"ticks": {"n": n, "items": items}}}


@pytest.fixture(scope="module")
def sse_feed() -> Iterator[str]:
    port = free_port()
    argv = [sys.executable, "-m", "tests.subscriptions.sse_subgraph", "--port", str(port)]
    with running(argv, health_url=f"http://127.0.0.1:{port}/health"):
        yield f"http://127.0.0.1:{port}"


def _config(protocol: str) -> str:
    return (
        "include_subgraph_errors:\n  all: true\nsubscription:\n  enabled: true\n"
        "fedgate:\n  subscription:\n    subgraphs:\n"
        f"      feed:\n        protocol: {protocol}\n        path: /graphql/stream\n"
    )


def _stats(feed: str) -> dict[str, object]:
    found: dict[str, object] = httpx.get(f"{feed}/stats", timeout=5).json()
    return found


@pytest.mark.parametrize(("protocol", "method"), [("sse_post", "POST"), ("sse", "GET")])
def test_events_over_sse_in_order_with_one_entity_call_each(
    protocol: str, method: str, sse_feed: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    work = tmp_path_factory.mktemp("sse")
    with subgraph("catalog") as catalog:
        path = work / "supergraph.graphql"
        path.write_text(supergraph(sse_feed, catalog))
        with gateway(work, path, _config(protocol)) as (url, _, _):
            before, calls = _stats(sse_feed), entity_calls(catalog)

            async def scenario() -> list[dict[str, object]]:
                ws = await ws_open(url)
                try:
                    payload = ticks_body(5)
                    await ws.send(json.dumps({"type": "subscribe", "id": "a", "payload": payload}))
                    return await ws_collect(ws, "a")
                finally:
                    await ws.close()

            messages = asyncio.run(scenario())
            after = _stats(sse_feed)
            assert messages[0]["type"] == "next", messages
            assert entity_calls(catalog) - calls == 5
    assert [m["type"] for m in messages] == ["next"] * 5 + ["complete"]
    assert [m["payload"] for m in messages[:-1]] == [expected(n) for n in range(1, 6)]
    assert int(after[method]) - int(before[method]) == 1  # type: ignore[call-overload]
    assert after["accept"] == "text/event-stream"


def test_a_client_that_completes_closes_the_subgraph_stream(
    sse_feed: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    work = tmp_path_factory.mktemp("sse-close")
    with subgraph("catalog") as catalog:
        path = work / "supergraph.graphql"
        path.write_text(supergraph(sse_feed, catalog))
        with gateway(work, path, _config("sse_post")) as (url, _, _):

            async def scenario() -> None:
                ws = await ws_open(url)
                try:
                    payload = ticks_body(1000, 50)
                    await ws.send(json.dumps({"type": "subscribe", "id": "a", "payload": payload}))
                    await ws.recv()
                    assert _stats(sse_feed)["open"] == 1
                    await ws.send(json.dumps({"type": "complete", "id": "a"}))
                    deadline = time.monotonic() + 10
                    while _stats(sse_feed)["open"] != 0 and time.monotonic() < deadline:
                        await asyncio.sleep(0.05)
                finally:
                    await ws.close()

            asyncio.run(scenario())
    assert _stats(sse_feed)["open"] == 0


def test_a_stream_that_ends_without_complete_is_a_coded_failure(
    sse_feed: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    work = tmp_path_factory.mktemp("sse-broken")
    with subgraph("catalog") as catalog:
        path = work / "supergraph.graphql"
        path.write_text(supergraph(sse_feed, catalog))
        config = _config("sse_post")
        with gateway(work, path, config) as (url, _, _):
            status, events = asyncio.run(sse_collect(url, ticks_body(99)))
    assert status == 200
    assert [kind for kind, _ in events] == ["next", "next", "complete"]
    assert events[0][1] == expected(1)
    error = events[1][1]["errors"][0]
    assert error["extensions"]["code"] == "SUBSCRIPTION_STREAM_FAILED"
    assert "without completing it" in error["message"]
