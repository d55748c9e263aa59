"""The aiohttp transport against real local HTTP servers."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from typing import Any

import orjson
import pytest
from aiohttp import web

from gateway.context import RequestContext
from gateway.transport.base import SubgraphRequest, TransportError
from gateway.transport.http import HttpClient, HttpTimeouts

pytestmark = pytest.mark.anyio


class Server:
    def __init__(self) -> None:
        self.bodies: list[Any] = []
        self.headers: list[dict[str, str]] = []
        self.peers: list[Any] = []
        self.release = asyncio.Event()
        app = web.Application()
        app.router.add_post("/graphql", self.graphql)
        app.router.add_post("/fail", self.fail)
        app.router.add_post("/slow", self.slow)
        self.runner = web.AppRunner(app)
        self.port = 0

    async def graphql(self, request: web.Request) -> web.Response:
        self.bodies.append(await request.json())
        self.headers.append(dict(request.headers))
        self.peers.append(
            request.transport.get_extra_info("peername") if request.transport else None
        )
        return web.json_response({"data": {"ok": True}})

    async def fail(self, request: web.Request) -> web.Response:
        return web.Response(status=503, text="down")

    async def slow(self, request: web.Request) -> web.Response:
        await self.release.wait()
        return web.json_response({"data": None})

    def url(self, path: str = "/graphql") -> str:
        return f"http://127.0.0.1:{self.port}{path}"


@pytest.fixture
async def server() -> AsyncIterator[Server]:
    s = Server()
    await s.runner.setup()
    site = web.TCPSite(s.runner, "127.0.0.1", 0)
    await site.start()
    s.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    yield s
    s.release.set()
    await s.runner.cleanup()


@pytest.fixture
async def client() -> AsyncIterator[HttpClient]:
    c = HttpClient(timeouts=HttpTimeouts(total=5, connect=5))
    yield c
    await c.close()


async def test_posts_json_and_returns_status_and_body(server: Server, client: HttpClient) -> None:
    request = SubgraphRequest("a", server.url(), {"query": "{ok}", "variables": {"x": 1}})
    response = await client.fetch(request)
    assert response.status == 200
    assert orjson.loads(response.body) == {"data": {"ok": True}}
    assert response.subgraph == "a"
    assert server.bodies == [{"query": "{ok}", "variables": {"x": 1}}]
    assert server.headers[0]["Content-Type"] == "application/json"
    assert "application/graphql-response+json" in server.headers[0]["Accept"]


async def test_connections_are_kept_alive(server: Server, client: HttpClient) -> None:
    for _ in range(3):
        await client.fetch(SubgraphRequest("a", server.url(), b'{"query":"{ok}"}'))
    assert len(server.peers) == 3
    assert len(set(server.peers)) == 1  # one pooled connection served every request


async def test_non_2xx_is_a_response_not_an_exception(server: Server, client: HttpClient) -> None:
    response = await client.fetch(SubgraphRequest("a", server.url("/fail"), {"query": "{ok}"}))
    assert response.status == 503
    assert response.body == b"down"


async def test_timeout_is_gateway_timeout(server: Server) -> None:
    client = HttpClient(timeouts=HttpTimeouts(total=0.05, connect=5))
    try:
        with pytest.raises(TransportError) as info:
            await client.fetch(SubgraphRequest("slow", server.url("/slow"), {"query": "{ok}"}))
    finally:
        await client.close()
    assert info.value.code == "GATEWAY_TIMEOUT"
    assert info.value.subgraph == "slow"
    assert "timed out" in info.value.message


async def test_refused_connection_is_http_error(
    client: HttpClient, caplog: pytest.LogCaptureFixture
) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    context = RequestContext.create({"x-request-id": "r-7"})
    url = f"http://127.0.0.1:{port}/"
    with pytest.raises(TransportError) as info:
        await client.fetch(SubgraphRequest("gone", url, {"query": "{a}"}, context=context))
    assert info.value.code == "SUBREQUEST_HTTP_ERROR"
    assert info.value.message == "HTTP fetch failed from 'gone': cannot connect"
    # the internal address is for operators (the log, with the request id), not clients
    assert str(port) not in info.value.message
    assert f"127.0.0.1:{port}" in caplog.text and "r-7" in caplog.text


async def test_borrowed_session_is_not_closed(server: Server) -> None:
    import aiohttp

    async with aiohttp.ClientSession() as session:
        client = HttpClient(session=session)
        await client.fetch(SubgraphRequest("a", server.url(), {"query": "{ok}"}))
        await client.close()
        assert not session.closed


async def test_a_subgraphs_cookie_is_not_sent_on_later_calls() -> None:
    """A subgraph's Set-Cookie answers one client's call: it must not ride on the next call
    (another client's). Served on ``localhost``, a host name, whose cookies a jar keeps."""
    seen: list[str | None] = []

    async def graphql(request: web.Request) -> web.Response:
        seen.append(request.headers.get("Cookie"))
        response = web.json_response({"data": {"ok": True}})
        response.set_cookie("session", "client-a", path="/")
        return response

    app = web.Application()
    app.router.add_post("/graphql", graphql)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    client = HttpClient(timeouts=HttpTimeouts(total=5, connect=5))
    try:
        url = f"http://localhost:{port}/graphql"
        for shareable in (True, True, False):  # the pooled session and the traced one
            answer = await client.fetch(
                SubgraphRequest("a", url, {"query": "{ok}"}, shareable=shareable)
            )
            assert answer.status == 200
            assert "client-a" in answer.headers.get("Set-Cookie", "")
    finally:
        await client.close()
        await runner.cleanup()
    assert seen == [None, None, None]
