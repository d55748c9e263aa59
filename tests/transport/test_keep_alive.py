"""Pooled connections the subgraph closes while idle: against real uvicorn with a short
keep-alive timeout (the demo's bug: queries sent about 5 s apart failed with "Connection reset
by peer" on connections uvicorn had just closed), and against a raw server that closes a
kept-alive connection when the next request arrives, to count what is sent again."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import AsyncIterator, Iterator

import orjson
import pytest

from gateway.transport.base import SubgraphRequest, TransportError
from gateway.transport.http import POOL_IDLE_TIMEOUT, HttpClient
from tests.e2e.processes import free_port, running

pytestmark = pytest.mark.anyio


@pytest.fixture(scope="module")
def uvicorn_half_second() -> Iterator[str]:
    """A uvicorn subgraph that closes connections idle for 0.5 s."""
    port = free_port()
    argv = [sys.executable, "-m", "tests.transport.counting_subgraph", str(port), "0.5"]
    with running(argv, health_url=f"http://127.0.0.1:{port}/health"):
        yield f"http://127.0.0.1:{port}/graphql"


def _query(url: str, *, shareable: bool = True) -> SubgraphRequest:
    return SubgraphRequest("counting", url, {"query": "{ n }"}, shareable=shareable)


async def test_quiet_traffic_at_the_servers_keep_alive_timeout_never_fails(
    uvicorn_half_second: str,
) -> None:
    # the pool keeps connections longer than this server does (as the default 4 s does for a
    # server that closes after 2 s, gunicorn's default); requests arrive just as it closes them
    client = HttpClient(pool_idle_timeout=30)
    first = orjson.loads((await client.fetch(_query(uvicorn_half_second))).body)["data"]["n"]
    failures = []
    try:
        for i in range(40):
            await asyncio.sleep(0.5 + (i % 16 - 12) * 0.0001)  # around the close, both sides
            try:
                await client.fetch(_query(uvicorn_half_second, shareable=i % 2 == 0))
            except TransportError as exc:
                failures.append(exc.message)
        last = orjson.loads((await client.fetch(_query(uvicorn_half_second))).body)["data"]["n"]
    finally:
        await client.close()
    assert failures == []
    assert last - first == 41  # each request reached the subgraph exactly once


async def test_the_pool_drops_idle_connections_before_the_server_does(
    uvicorn_half_second: str,
) -> None:
    assert POOL_IDLE_TIMEOUT < 5  # uvicorn's, Node.js's and Apache's keep-alive timeout
    client = HttpClient(pool_idle_timeout=0.3)
    peers = []
    try:
        for pause in (0.05, 0.05, 0.4, 0.05):
            body = (await client.fetch(_query(uvicorn_half_second))).body
            peers.append(orjson.loads(body)["data"]["peer"])
            await asyncio.sleep(pause)
    finally:
        await client.close()
    assert peers[0] == peers[1] == peers[2]  # kept alive while busy
    assert peers[3] != peers[2]  # idle 0.4 s > 0.3 s: a new connection, never a stale one


class ClosingServer:
    """Answers the first request on each connection (keep-alive); reads the next one and
    closes the connection without answering, as a server whose keep-alive timeout ran out
    just then. ``close_first``: close on the very first request too (a fresh connection)."""

    def __init__(self, *, close_first: bool = False) -> None:
        self.close_first = close_first
        self.requests = 0
        self.server: asyncio.Server | None = None

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        served = 0
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                length = next(
                    int(line.split(b":", 1)[1])
                    for line in head.split(b"\r\n")
                    if line.lower().startswith(b"content-length:")
                )
                await reader.readexactly(length)
                self.requests += 1
                if served or self.close_first:
                    break
                served += 1
                body = b'{"data":{"ok":true}}'
                writer.write(
                    b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n"
                    + f"content-length: {len(body)}\r\n\r\n".encode()
                    + body
                )
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()

    async def start(self) -> str:
        self.server = await asyncio.start_server(self.handle, "127.0.0.1", 0)
        port = self.server.sockets[0].getsockname()[1]
        return f"http://127.0.0.1:{port}/graphql"


@pytest.fixture
async def closing() -> AsyncIterator[ClosingServer]:
    server = ClosingServer()
    yield server
    assert server.server is not None
    server.server.close()


@pytest.mark.parametrize("shareable", [True, False], ids=["query", "mutation"])
async def test_a_reused_connection_closed_before_an_answer_is_resent_once(
    closing: ClosingServer, shareable: bool
) -> None:
    url = await closing.start()
    client = HttpClient(pool_idle_timeout=30)
    try:
        await client.fetch(_query(url, shareable=shareable))
        response = await client.fetch(_query(url, shareable=shareable))  # reused: closed
    finally:
        await client.close()
    assert response.status == 200
    assert closing.requests == 3  # answered, closed unanswered, answered on a new connection


async def test_a_mutation_on_a_fresh_connection_is_never_resent(
    closing: ClosingServer,
) -> None:
    closing.close_first = True
    url = await closing.start()
    client = HttpClient()
    try:
        with pytest.raises(TransportError) as info:
            await client.fetch(_query(url, shareable=False))
    finally:
        await client.close()
    # the subgraph may have acted on it before closing: sending it again could act twice
    assert closing.requests == 1
    assert info.value.code == "SUBREQUEST_HTTP_ERROR"
    assert "127.0.0.1" not in info.value.message
