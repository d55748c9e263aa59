"""Subscriptions meet the rest of the gateway: the request hooks run for them (a plugin that
requires a key refuses an SSE subscription without it, and a WebSocket one whose
connection_init payload lacks it), and the ``drop_oldest`` slow-reader policy keeps a slow
client's subscription going with the newest events."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from .harness import gateway, sse_collect, subgraph, supergraph, ticks_body, ws_collect, ws_open
from .test_lifecycle import PADDED, codes, rest_of, stream

CONFIG = """\
subscription:
  enabled: true
  queue_capacity: 2
fedgate:
  plugins:
    - path: tests.e2e.sample_plugins:RequireKey
      config: {header: x-api-key}
    - path: tests.subscriptions.plugins:RefuseForbidden
  subscription:
    slow_reader: drop_oldest
"""


@pytest.fixture(scope="module")
def url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    work = tmp_path_factory.mktemp("hooks")
    with subgraph("feed") as feed, subgraph("catalog") as catalog:
        path = work / "supergraph.graphql"
        path.write_text(supergraph(feed, catalog))
        with gateway(work, path, CONFIG) as (gateway_url, _, _):
            yield gateway_url


def test_request_hooks_guard_sse_subscriptions(url: str) -> None:
    status, events = asyncio.run(sse_collect(url, ticks_body(2)))
    assert status == 401
    assert codes(events[0][1]) == ["UNAUTHENTICATED"]


def test_request_hooks_see_the_connection_init_payload(url: str) -> None:
    async def scenario(payload: dict[str, Any]) -> list[dict[str, Any]]:
        ws = await ws_open(url, payload)
        try:
            await ws.send(json.dumps({"type": "subscribe", "id": "k", "payload": ticks_body(2)}))
            return await ws_collect(ws, "k")
        finally:
            await ws.close()

    refused = asyncio.run(scenario({}))
    assert refused[0]["type"] == "error"
    assert refused[0]["payload"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    allowed = asyncio.run(scenario({"x-api-key": "k"}))
    assert [m["type"] for m in allowed] == ["next", "next", "complete"]


def test_drop_oldest_keeps_a_slow_reader_going(url: str, tmp_path: Path) -> None:
    body = {"query": PADDED, "variables": {"c": 200, "pad": 100_000}}

    async def scenario() -> list[Any]:
        async with stream(url, body, {"x-api-key": "k"}) as events:
            first = await anext(events)
            await asyncio.sleep(3)
            return [first, *await rest_of(events)]

    events = asyncio.run(scenario())
    nexts = [d for e, d in events if e == "next"]
    numbers = [d["data"]["ticks"]["n"] for d in nexts]
    assert numbers[-1] == 200  # it ran to the end
    assert len(numbers) < 200 and numbers == sorted(numbers)  # some dropped, order kept
    dropped = [d["extensions"]["droppedEvents"] for d in nexts if "extensions" in d]
    assert dropped and dropped[-1] == 200 - len(numbers)
    assert not any(codes(d) for d in nexts)
    assert events[-1] == ("complete", None)


def test_operation_hooks_run_for_subscriptions(url: str) -> None:
    query = "subscription Forbidden { ticks(count: 1) { n } }"
    status, events = asyncio.run(sse_collect(url, {"query": query}, {"x-api-key": "k"}))
    assert status == 400
    assert codes(events[0][1]) == ["FORBIDDEN_OPERATION"]
