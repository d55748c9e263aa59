"""A subgraph's response body is refused past the limit while it is read: declared too large,
streamed without a length, or small on the wire and large once decompressed."""

from __future__ import annotations

import gzip
from collections.abc import AsyncIterator

import pytest
from aiohttp import web

from gateway.transport.base import SubgraphRequest, TransportError
from gateway.transport.http import HttpClient

pytestmark = pytest.mark.anyio

BIG = b'{"data":{"s":"' + b"x" * 5000 + b'"}}'


async def declared(request: web.Request) -> web.Response:
    return web.Response(body=BIG, content_type="application/json")


async def streamed(request: web.Request) -> web.StreamResponse:
    response = web.StreamResponse()
    response.enable_chunked_encoding()
    await response.prepare(request)
    for i in range(0, len(BIG), 500):
        await response.write(BIG[i : i + 500])
    await response.write_eof()
    return response


async def zipped(request: web.Request) -> web.Response:
    body = gzip.compress(BIG)  # ~60 bytes on the wire
    headers = {"content-encoding": "gzip", "content-type": "application/json"}
    return web.Response(body=body, headers=headers)


@pytest.fixture
async def base_url() -> AsyncIterator[str]:
    app = web.Application()
    for path, handler in (("/declared", declared), ("/streamed", streamed), ("/zipped", zipped)):
        app.router.add_post(path, handler)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    yield f"http://127.0.0.1:{site._server.sockets[0].getsockname()[1]}"  # type: ignore[union-attr]
    await runner.cleanup()


@pytest.mark.parametrize("path", ["/declared", "/streamed", "/zipped"])
async def test_bodies_over_the_limit_are_refused(base_url: str, path: str) -> None:
    client = HttpClient(max_response_bytes=1000)
    try:
        with pytest.raises(TransportError) as info:
            await client.fetch(SubgraphRequest("s", base_url + path, {"query": "{s}"}))
    finally:
        await client.close()
    assert info.value.code == "SUBREQUEST_PAYLOAD_TOO_LARGE"
    assert "larger than 1000 bytes" in info.value.message


@pytest.mark.parametrize("path", ["/declared", "/streamed", "/zipped"])
async def test_bodies_within_the_limit_and_per_subgraph_limits(base_url: str, path: str) -> None:
    client = HttpClient(max_response_bytes=1000, subgraph_max_response_bytes={"big": 10_000})
    try:
        response = await client.fetch(SubgraphRequest("big", base_url + path, {"query": "{s}"}))
    finally:
        await client.close()
    assert response.body == BIG
