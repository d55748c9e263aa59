"""How subscriptions end and what bounds them, against real processes: the global limit, a
client reading too slowly, hot reloads that keep or remove the field, the subgraph going away
and the gateway shutting down. The feed subgraph speaks the legacy subscriptions-transport-ws
here (``protocol: graphql_ws``, Apollo's default)."""

from __future__ import annotations

import asyncio
import os
import signal
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest
from httpx_sse import aconnect_sse

from .harness import gateway, replace, sse_collect, subgraph, supergraph, ticks_body

CONFIG = """\
subscription:
  enabled: true
  mode:
    passthrough:
      subgraphs:
        feed:
          protocol: graphql_ws
  max_opened_subscriptions: 2
  queue_capacity: 4
fedgate:
  subscription:
    client_heartbeat: 200ms
"""
PADDED = (
    "subscription P($c: Int!, $pad: Int!) "
    "{ ticks(count: $c, padBytes: $pad) { n pad items { name } } }"
)


@pytest.fixture(scope="module")
def graph(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path, str, str]]:
    """(the gateway's URL, its supergraph file, the feed's and the catalog's URLs)."""
    work = tmp_path_factory.mktemp("lifecycle")
    with subgraph("feed") as feed, subgraph("catalog") as catalog:
        path = work / "supergraph.graphql"
        path.write_text(supergraph(feed, catalog))
        with gateway(work, path, CONFIG, "--hot-reload") as (url, _, _):
            yield url, path, feed, catalog


@asynccontextmanager
async def stream(
    url: str, body: dict[str, Any], headers: dict[str, str] | None = None
) -> AsyncIterator[AsyncIterator[Any]]:
    """An SSE subscription; yields an iterator of (event, data)."""
    async with httpx.AsyncClient(timeout=30) as client:
        headers = {"accept": "text/event-stream", **(headers or {})}
        async with aconnect_sse(client, "POST", url, json=body, headers=headers) as source:
            assert source.response.status_code == 200, await source.response.aread()

            async def events() -> AsyncIterator[Any]:
                async for event in source.aiter_sse():
                    yield event.event, orjson.loads(event.data) if event.data else None

            yield events()


async def rest_of(events: AsyncIterator[Any]) -> list[Any]:
    return [e async for e in events]


def codes(data: Any) -> list[str]:
    return [e["extensions"]["code"] for e in data.get("errors", [])]


def test_legacy_subgraph_protocol(graph: tuple[str, Path, str, str]) -> None:
    url = graph[0]
    status, events = asyncio.run(sse_collect(url, ticks_body(3)))
    assert status == 200
    assert [d["data"]["ticks"]["n"] for e, d in events if e == "next"] == [1, 2, 3]
    assert events[-1] == ("complete", None)


def test_global_limit_refuses_and_releases(graph: tuple[str, Path, str, str]) -> None:
    url = graph[0]

    async def scenario() -> tuple[int, Any, int]:
        async with (
            stream(url, ticks_body(1000, 100)) as one,
            stream(url, ticks_body(1000, 100)) as two,
        ):
            await anext(one)
            await anext(two)
            status, refused = await sse_collect(url, ticks_body(1))
        # both closed by the client: their slots are free again (checked on the gateway side
        # when the disconnect is noticed; a short wait bounds it)
        for _ in range(50):
            again, _ = await sse_collect(url, ticks_body(1))
            if again == 200:
                return status, refused, again
            await asyncio.sleep(0.1)
        return status, refused, again

    status, refused, again = asyncio.run(scenario())
    assert status == 400
    assert codes(refused[0][1]) == ["SUBSCRIPTION_LIMIT_REACHED"]
    assert again == 200


def test_slow_reader_is_closed_with_a_coded_error(graph: tuple[str, Path, str, str]) -> None:
    """100 kB events, 300 of them, a client that reads nothing for 3 s: the gateway's buffer
    of 4 fills (after the socket buffers) and the subscription ends with the error, the
    events before it in order."""
    url = graph[0]
    body = {"query": PADDED, "variables": {"c": 300, "pad": 100_000}}

    async def scenario() -> list[Any]:
        async with stream(url, body) as events:
            first = await anext(events)
            await asyncio.sleep(3)
            return [first, *await rest_of(events)]

    events = asyncio.run(scenario())
    nexts = [d for e, d in events if e == "next"]
    numbers = [d["data"]["ticks"]["n"] for d in nexts if "data" in d]
    assert numbers == list(range(1, len(numbers) + 1))
    assert len(numbers) < 300
    assert codes(nexts[-1]) == ["SUBSCRIPTION_SLOW_READER"]
    assert events[-1] == ("complete", None)


def test_reload_keeps_the_subscription_then_ends_it_when_the_field_goes(
    graph: tuple[str, Path, str, str],
) -> None:
    url, path, feed, catalog = graph
    original = path.read_text()

    async def scenario() -> tuple[list[int], list[Any]]:
        async with stream(url, ticks_body(10_000, 50)) as events:
            seen = [(await anext(events))[1]["data"]["ticks"]["n"]]
            replace(path, original + "\n# the same graph, reloaded\n")
            for _ in range(60):  # about 3 s: the watcher's tick and then some
                seen.append((await anext(events))[1]["data"]["ticks"]["n"])
            replace(path, supergraph(feed, catalog, ticks=False))
            return seen, await rest_of(events)

    try:
        seen, after = asyncio.run(scenario())
    finally:
        replace(path, original)
    assert seen == list(range(1, 62))
    last = [d for e, d in after if e == "next"][-1]
    assert codes(last) == ["SUBSCRIPTION_SCHEMA_RELOAD"]
    assert after[-1] == ("complete", None)


def test_subgraph_failure_ends_with_a_coded_error(tmp_path: Path) -> None:
    with subgraph("feed") as feed, subgraph("catalog") as catalog:
        path = tmp_path / "supergraph.graphql"
        path.write_text(supergraph(feed, catalog))
        with gateway(tmp_path, path, CONFIG) as (url, _, _):
            feed_pid = _pid_listening(feed)

            async def scenario() -> list[Any]:
                async with stream(url, ticks_body(10_000, 50)) as events:
                    first = [await anext(events), await anext(events)]
                    os.kill(feed_pid, signal.SIGKILL)
                    return first + await rest_of(events)

            events = asyncio.run(scenario())
    assert [d["data"]["ticks"]["n"] for _, d in events[:2]] == [1, 2]
    last = [d for e, d in events if e == "next"][-1]
    assert codes(last) == ["SUBSCRIPTION_STREAM_FAILED"]
    assert events[-1] == ("complete", None)


def test_shutdown_drains_subscriptions(tmp_path: Path) -> None:
    with subgraph("feed") as feed, subgraph("catalog") as catalog:
        path = tmp_path / "supergraph.graphql"
        path.write_text(supergraph(feed, catalog))
        with gateway(tmp_path, path, CONFIG) as (url, _, proc):

            async def scenario() -> list[Any]:
                async with stream(url, ticks_body(10_000, 50)) as events:
                    first = await anext(events)
                    os.kill(proc.pid, signal.SIGTERM)
                    return [first, *await rest_of(events)]

            events = asyncio.run(scenario())
            # well within the 30 s grace period: nothing was left open for uvicorn to wait for
            assert proc.wait(timeout=15) is not None
    last = [d for e, d in events if e == "next"][-1]
    assert codes(last) == ["SUBSCRIPTION_SHUTDOWN"]
    assert events[-1] == ("complete", None)


def _pid_listening(base_url: str) -> int:
    """The pid of the process serving ``base_url`` (the subgraph started by ``running``)."""
    port = int(base_url.rsplit(":", 1)[1])
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            cmdline = Path(f"/proc/{entry}/cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"tests.subscriptions.live_subgraphs" in cmdline and str(port).encode() in cmdline:
            return int(entry)
    raise AssertionError(f"no subgraph process on port {port}")
