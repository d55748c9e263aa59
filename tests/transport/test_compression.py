"""Compressed subgraph requests (gzip, br, deflate) decoded by the ``DecompressRequests``
middleware under uvicorn; decompression bombs refused on both ends while they are read."""

from __future__ import annotations

import gzip
from collections.abc import AsyncIterator

import brotli
import httpx
import orjson
import pytest
from aiohttp import web

from gateway.transport.asgi import Receive, Scope, Send, read_body
from gateway.transport.base import SubgraphRequest, TransportError
from gateway.transport.compression import DecompressRequests, TooLarge, compress, decompress
from gateway.transport.http import HttpClient
from gateway.transport.trust import SubgraphTrust, TrustClient, TrustConfig
from tests.e2e.trust_servers import WireEncoding, uvicorn_server

pytestmark = pytest.mark.anyio

QUERY = {"query": "{ products { upc name price } }", "variables": {"first": 100}}


async def echo(scope: Scope, receive: Receive, send: Send) -> None:
    body = await read_body(receive, 1 << 22) or b""
    wire = dict(scope["headers"]).get(b"x-wire-encoding", b"identity").decode()
    payload = orjson.dumps({"wire": wire, "got": orjson.loads(body), "size": len(body)})
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": payload})


@pytest.fixture
async def subgraph() -> AsyncIterator[str]:
    app = WireEncoding(DecompressRequests(echo, max_bytes=10_000))
    async with uvicorn_server(app) as port:
        yield f"http://127.0.0.1:{port}/graphql"


@pytest.mark.parametrize("encoding", ["gzip", "br", "deflate"])
async def test_request_bodies_are_compressed_and_decoded(subgraph: str, encoding: str) -> None:
    http = HttpClient()
    client = TrustClient(http, TrustConfig(subgraphs={"s": SubgraphTrust(compression=encoding)}))
    try:
        compressed = await client.fetch(SubgraphRequest("s", subgraph, QUERY))
        plain = await client.fetch(SubgraphRequest("other", subgraph, QUERY))  # not configured
    finally:
        await http.close()
    assert orjson.loads(compressed.body)["wire"] == encoding
    assert orjson.loads(compressed.body)["got"] == QUERY
    assert orjson.loads(plain.body)["wire"] == "identity"


async def test_the_middleware_refuses_bombs_garbage_and_unknown_encodings(subgraph: str) -> None:
    bomb = gzip.compress(b'{"query":"' + b" " * 1_000_000 + b'"}')  # ~1 kB, 1 MB decoded
    async with httpx.AsyncClient() as http:
        cases = [
            (bomb, "gzip", 413),
            (bytes(brotli.compress(b" " * 1_000_000)), "br", 413),
            (b"not gzip at all", "gzip", 400),
            (b"{}", "compress", 415),
        ]
        for content, encoding, status in cases:
            r = await http.post(subgraph, content=content, headers={"content-encoding": encoding})
            assert r.status_code == status, (encoding, r.text)
        assert len(bomb) < 2000


@pytest.mark.parametrize("encoding", ["gzip", "br", "deflate"])
def test_decompress_stops_at_the_limit(encoding: str) -> None:
    data = b"x" * 100_000
    assert decompress(compress(data, encoding), encoding, 100_000) == data
    with pytest.raises(TooLarge):
        decompress(compress(data, encoding), encoding, 99_999)


@pytest.fixture
async def brotli_bomb() -> AsyncIterator[str]:
    big = b'{"data":{"s":"' + b"x" * 5_000_000 + b'"}}'

    async def handler(request: web.Request) -> web.Response:
        assert "br" in request.headers["accept-encoding"]  # aiohttp offers br with brotli
        headers = {"content-encoding": "br", "content-type": "application/json"}
        return web.Response(body=brotli.compress(big), headers=headers)

    app = web.Application()
    app.router.add_post("/graphql", handler)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    yield f"http://127.0.0.1:{site._server.sockets[0].getsockname()[1]}/graphql"  # type: ignore[union-attr]
    await runner.cleanup()


async def test_a_brotli_response_is_limited_after_decoding(brotli_bomb: str) -> None:
    client = HttpClient(max_response_bytes=1_000_000)
    try:
        with pytest.raises(TransportError) as info:
            await client.fetch(SubgraphRequest("s", brotli_bomb, QUERY))
    finally:
        await client.close()
    assert info.value.code == "SUBREQUEST_PAYLOAD_TOO_LARGE"
