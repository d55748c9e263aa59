"""The lean HTTP/1.1 client (plain http:// subgraphs) against raw asyncio servers that answer
exactly the bytes a test wants: chunked, closing, HTTP/1.0, interim answers, garbage, cut and
reset bodies, oversized heads, stalls; the pool's limit and idle connections; compression."""

from __future__ import annotations

import asyncio
import gzip
import socket
import struct
import zlib
from collections.abc import AsyncIterator, Awaitable, Callable

import brotli
import orjson
import pytest
from aiohttp import web

from gateway.transport.base import SubgraphRequest, TransportError
from gateway.transport.http import HttpClient, HttpTimeouts

from .raw_servers import Raw, answer, raw_server, read_request

pytestmark = pytest.mark.anyio

OK = b'{"data":{"ok":true}}'
# a gzip stream without its last bytes (the trailer), in a complete HTTP message
CUT_GZIP = gzip.compress(OK)[:-6]


def query(url: str, *, shareable: bool = True) -> SubgraphRequest:
    return SubgraphRequest("raw", url, {"query": "{ok}"}, shareable=shareable)


async def fetch_error(client: HttpClient, url: str, *, shareable: bool = True) -> TransportError:
    with pytest.raises(TransportError) as info:
        await client.fetch(query(url, shareable=shareable))
    assert "127.0.0.1" not in info.value.message and "graphql" not in info.value.message
    return info.value


@pytest.fixture
async def client() -> AsyncIterator[HttpClient]:
    c = HttpClient(timeouts=HttpTimeouts(total=2, connect=2))
    yield c
    await c.close()


async def keep_answering(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, raw: Raw
) -> None:
    while True:
        await read_request(reader, raw)
        writer.write(answer(OK, "content-type: application/json"))


async def test_request_bytes_and_keep_alive(client: HttpClient) -> None:
    async with raw_server(keep_answering) as raw:
        for _ in range(3):
            response = await client.fetch(query(raw.url))
            assert response.status == 200 and response.body == OK
    assert raw.connections == 1
    head = raw.requests[0].decode()
    lines = head.split("\r\n")
    assert lines[0] == "POST /graphql HTTP/1.1"
    names = {line.split(":")[0].lower() for line in lines[1:] if line}
    # what aiohttp sends (tests below compare the two), and no User-Agent
    assert names == {"host", "content-type", "accept", "accept-encoding", "content-length"}
    assert f"Host: 127.0.0.1:{raw.url.split(':')[2].split('/')[0]}" in lines
    assert "Accept-Encoding: gzip, deflate, br" in lines


async def test_the_same_header_names_as_aiohttp() -> None:
    seen: list[set[str]] = []

    async def handler(request: web.Request) -> web.Response:
        seen.append({name.lower() for name in request.headers})
        return web.json_response({"data": {}})

    app = web.Application()
    app.router.add_post("/graphql", handler)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    url = f"http://127.0.0.1:{site._server.sockets[0].getsockname()[1]}/graphql"  # type: ignore[union-attr]
    try:
        for lean in (True, False):
            client = HttpClient(lean=lean)
            headers = {"content-type": "application/json", "authorization": "Bearer t"}
            try:
                await client.fetch(SubgraphRequest("a", url, {"query": "{a}"}, headers))
                await client.fetch(SubgraphRequest("a", url, {"query": "{a}"}))
                await client.fetch(SubgraphRequest("a", url, b"{}", {"x-only": "1"}))
            finally:
                await client.close()
    finally:
        await runner.cleanup()
    assert seen[:3] == seen[3:]
    assert "authorization" in seen[0] and "user-agent" not in seen[1]


async def test_chunked_answer_and_repeated_headers(client: HttpClient) -> None:
    async def chunked(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, raw: Raw) -> None:
        while True:
            await read_request(reader, raw)
            writer.write(
                b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n"
                b"Set-Cookie: a=1\r\nset-cookie: b=2\r\nX-Thing: x\r\n\r\n"
            )
            for i in range(0, len(OK), 7):
                part = OK[i : i + 7]
                writer.write(b"%x\r\n%b\r\n" % (len(part), part))
                await writer.drain()
            writer.write(b"0\r\n\r\n")

    async with raw_server(chunked) as raw:
        first = await client.fetch(query(raw.url))
        second = await client.fetch(query(raw.url))
    assert first.body == second.body == OK
    assert raw.connections == 1  # kept alive after a chunked answer
    assert first.headers["x-thing"] == "x" and first.headers["X-THING"] == "x"
    assert first.headers.getall("Set-Cookie") == ["a=1", "b=2"]  # type: ignore[attr-defined]


async def test_connection_close_after_the_answer(client: HttpClient) -> None:
    async def closing(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, raw: Raw) -> None:
        await read_request(reader, raw)
        writer.write(answer(OK, "connection: close"))
        await writer.drain()
        await asyncio.sleep(0.2)  # the client must not send the next request here

    async with raw_server(closing) as raw:
        for _ in range(3):
            assert (await client.fetch(query(raw.url))).body == OK
    assert raw.connections == 3 and len(raw.requests) == 3


@pytest.mark.parametrize("length", [True, False], ids=["with-length", "until-close"])
async def test_http_1_0_answers(client: HttpClient, length: bool) -> None:
    async def old(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, raw: Raw) -> None:
        await read_request(reader, raw)
        if length:
            writer.write(answer(OK, version="1.0"))
        else:
            writer.write(b"HTTP/1.0 200 OK\r\ncontent-type: application/json\r\n\r\n" + OK)
        await writer.drain()

    async with raw_server(old) as raw:
        for _ in range(2):
            assert (await client.fetch(query(raw.url))).body == OK
    assert raw.connections == 2  # HTTP/1.0 without keep-alive: one connection each


async def test_an_interim_100_continue_is_skipped(client: HttpClient) -> None:
    async def interim(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, raw: Raw) -> None:
        await read_request(reader, raw)
        writer.write(b"HTTP/1.1 100 Continue\r\n\r\n" + answer(OK))
        await read_request(reader, raw)
        writer.write(answer(OK))

    async with raw_server(interim) as raw:
        assert (await client.fetch(query(raw.url))).body == OK
        assert (await client.fetch(query(raw.url))).body == OK
    assert raw.connections == 1


def scripted(
    reply: bytes, *, then_wait: float = 0.0, reset: bool = False
) -> Callable[[asyncio.StreamReader, asyncio.StreamWriter, Raw], Awaitable[None]]:
    async def script(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, raw: Raw) -> None:
        await read_request(reader, raw)
        writer.write(reply)
        await writer.drain()
        if reset:
            sock = writer.get_extra_info("socket")
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            writer.transport.abort()
            return
        await asyncio.sleep(then_wait)

    return script


@pytest.mark.parametrize(
    ("reply", "reason", "answered"),
    [
        (b"SSH-2.0-OpenSSH_9.6\r\n", "invalid response", False),
        (b"HTTP/1.1 200 OK\r\ncontent-length: nope\r\n\r\n", "invalid response", False),
        (b"HTTP/1.1 200 OK\r\nx-big: " + b"y" * 9000 + b"\r\n\r\n", "invalid response", False),
        (b"HTTP/1.1 200 OK\r\n" + b"x-many: y\r\n" * 8000, "invalid response", False),
        (b"HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\n" + OK, "body was cut short", True),
        (b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n5\r\nab", "cut short", True),
        (b"HTTP/1.1 200 OK\r\ncontent-encoding: gzip\r\n\r\nnot gzip", "cut short", True),
        (b"HTTP/1.1 200 OK\r\ncontent-encoding: gzip\r\ncontent-length: %d\r\n\r\n%b"
         % (len(CUT_GZIP), CUT_GZIP), "cut short", True),
        (b"HTTP/1.1 101 Switching Protocols\r\nupgrade: ws\r\nconnection: upgrade\r\n\r\n",
         "invalid response", False),
    ],
    ids=["not-http", "bad-length", "big-header", "endless-head", "truncated", "chunk-cut",
         "bad-gzip", "cut-gzip", "upgrade"],
)  # fmt: skip
async def test_broken_answers_are_clear_errors(
    client: HttpClient, reply: bytes, reason: str, answered: bool
) -> None:
    async with raw_server(scripted(reply)) as raw:
        error = await fetch_error(client, raw.url, shareable=False)
        assert reason in error.message
        assert error.code == "SUBREQUEST_HTTP_ERROR"
        assert error.answered is answered
        # the connection is not reused: the next call works on a new one
        raw_ok = raw  # same server: it answers garbage again, still an error, never a hang
        await fetch_error(client, raw_ok.url, shareable=False)


async def test_a_reset_mid_body_is_cut_short(client: HttpClient) -> None:
    reply = b"HTTP/1.1 200 OK\r\ncontent-length: 1000\r\n\r\n" + OK
    async with raw_server(scripted(reply, reset=True)) as raw:
        error = await fetch_error(client, raw.url)
    assert error.message == "HTTP fetch failed from 'raw': the response body was cut short"
    assert error.answered


async def test_a_reset_before_the_answer_resends_a_query_once(client: HttpClient) -> None:
    async with raw_server(scripted(b"", reset=True)) as raw:
        error = await fetch_error(client, raw.url)
    assert error.message == "HTTP fetch failed from 'raw': the connection closed before a response"
    assert len(raw.requests) == 2  # a query: sent once more on a new connection, then given up


@pytest.mark.parametrize(
    ("reply", "answered"),
    [(b"", False), (b"HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\n{", True)],
    ids=["before-the-head", "mid-body"],
)
async def test_timeouts_before_and_during_the_body(reply: bytes, answered: bool) -> None:
    client = HttpClient(timeouts=HttpTimeouts(total=0.2, connect=1))
    try:
        async with raw_server(scripted(reply, then_wait=5)) as raw:
            error = await fetch_error(client, raw.url)
    finally:
        await client.close()
    assert error.code == "GATEWAY_TIMEOUT"
    assert error.message == "HTTP fetch failed from 'raw': request timed out"
    assert error.answered is answered


async def test_per_subgraph_timeouts_apply() -> None:
    client = HttpClient(timeouts=HttpTimeouts(total=5, connect=1), subgraph_timeouts={"raw": 0.1})
    try:
        async with raw_server(scripted(b"", then_wait=5)) as raw:
            loop = asyncio.get_running_loop()
            started = loop.time()
            error = await fetch_error(client, raw.url)
            assert loop.time() - started < 1
    finally:
        await client.close()
    assert error.code == "GATEWAY_TIMEOUT"


async def test_the_pool_limit_queues_requests() -> None:
    async def slow(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, raw: Raw) -> None:
        while True:
            await read_request(reader, raw)
            await asyncio.sleep(0.05)
            writer.write(answer(OK))

    client = HttpClient(limit_per_host=2)
    try:
        async with raw_server(slow) as raw:
            answers = await asyncio.gather(*(client.fetch(query(raw.url)) for _ in range(8)))
    finally:
        await client.close()
    assert [a.body for a in answers] == [OK] * 8
    assert raw.connections == 2 and raw.most_open == 2  # the other six waited for these


async def test_a_queued_request_times_out_while_it_waits() -> None:
    client = HttpClient(limit_per_host=1, timeouts=HttpTimeouts(total=0.2, connect=1))
    try:
        async with raw_server(scripted(b"", then_wait=5)) as raw:
            results = await asyncio.gather(
                *(client.fetch(query(raw.url)) for _ in range(2)), return_exceptions=True
            )
    finally:
        await client.close()
    assert all(isinstance(r, TransportError) and r.code == "GATEWAY_TIMEOUT" for r in results)


async def test_an_idle_connection_the_server_closed_is_not_reused() -> None:
    async def once(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, raw: Raw) -> None:
        await read_request(reader, raw)
        writer.write(answer(OK))  # keep-alive by default, but closed right after
        await writer.drain()

    client = HttpClient(pool_idle_timeout=30)
    try:
        async with raw_server(once) as raw:
            assert (await client.fetch(query(raw.url, shareable=False))).body == OK
            await raw.closed.wait()
            await asyncio.sleep(0.05)
            # a mutation: no resend allowed unless the connection was reused; it is not reused
            assert (await client.fetch(query(raw.url, shareable=False))).body == OK
    finally:
        await client.close()
    assert raw.connections == 2 and len(raw.requests) == 2


async def test_close_closes_every_pooled_connection() -> None:
    client = HttpClient()
    async with raw_server(keep_answering) as raw:
        await asyncio.gather(*(client.fetch(query(raw.url)) for _ in range(3)))
        assert raw.open_now >= 1
        await client.close()
        for _ in range(50):
            if raw.open_now == 0:
                break
            await asyncio.sleep(0.01)
        assert raw.open_now == 0
        assert (await client.fetch(query(raw.url))).body == OK  # usable again afterwards
        await client.close()


BIG = b'{"data":{"s":"' + b"x" * 200_000 + b'"}}'


@pytest.mark.parametrize(
    ("encoding", "data"),
    [
        ("gzip", gzip.compress(BIG)),
        ("deflate", zlib.compress(BIG)),
        ("deflate", zlib.compress(BIG)[2:-4]),  # raw deflate, as some servers send it
        ("br", bytes(brotli.compress(BIG))),
    ],
    ids=["gzip", "deflate", "raw-deflate", "br"],
)
@pytest.mark.parametrize("chunked", [False, True], ids=["length", "chunked"])
async def test_compressed_answers_are_decoded_and_limited(
    encoding: str, data: bytes, chunked: bool
) -> None:
    async def compressed(
        reader: asyncio.StreamReader, writer: asyncio.StreamWriter, raw: Raw
    ) -> None:
        while True:
            await read_request(reader, raw)
            if not chunked:
                writer.write(answer(data, f"content-encoding: {encoding}"))
                continue
            writer.write(
                b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n"
                + f"content-encoding: {encoding}\r\n\r\n".encode()
            )
            for i in range(0, len(data), 100):
                part = data[i : i + 100]
                writer.write(b"%x\r\n%b\r\n" % (len(part), part))
            writer.write(b"0\r\n\r\n")

    async with raw_server(compressed) as raw:
        roomy = HttpClient(max_response_bytes=len(BIG))
        tight = HttpClient(max_response_bytes=len(BIG) - 1)
        try:
            assert (await roomy.fetch(query(raw.url))).body == BIG
            with pytest.raises(TransportError) as info:
                await tight.fetch(query(raw.url))
            assert info.value.code == "SUBREQUEST_PAYLOAD_TOO_LARGE"
            assert (await roomy.fetch(query(raw.url))).body == BIG  # no limit past decoding
        finally:
            await roomy.close()
            await tight.close()


async def test_a_large_answer_in_one_write(client: HttpClient) -> None:
    large = b'{"data":{"s":"' + b"x" * 600_000 + b'"}}'

    async def one_write(
        reader: asyncio.StreamReader, writer: asyncio.StreamWriter, raw: Raw
    ) -> None:
        while True:
            await read_request(reader, raw)
            writer.write(answer(large))

    async with raw_server(one_write) as raw:
        for _ in range(2):
            assert (await client.fetch(query(raw.url))).body == large
    assert raw.connections == 1


async def test_a_declared_length_over_the_limit_is_refused_unread() -> None:
    reply = b"HTTP/1.1 200 OK\r\ncontent-length: 10000000\r\n\r\n{"
    client = HttpClient(max_response_bytes=1000)
    try:
        async with raw_server(scripted(reply, then_wait=5)) as raw:
            with pytest.raises(TransportError) as info:
                await client.fetch(query(raw.url))
    finally:
        await client.close()
    assert info.value.code == "SUBREQUEST_PAYLOAD_TOO_LARGE"


async def test_the_aiohttp_escape_hatch_gives_the_same_errors() -> None:
    replies = [b"SSH-2.0-OpenSSH_9.6\r\n", b"HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\n{"]
    for reply in replies:
        messages = []
        async with raw_server(scripted(reply)) as raw:
            for lean in (True, False):
                client = HttpClient(lean=lean)
                try:
                    error = await fetch_error(client, raw.url, shareable=False)
                    messages.append((error.code, error.answered))
                finally:
                    await client.close()
        assert messages[0] == messages[1]


async def test_query_strings_and_other_paths(client: HttpClient) -> None:
    async with raw_server(keep_answering) as raw:
        url = raw.url.replace("/graphql", "/a/b?x=1&y=2")
        response = await client.fetch(query(url))
        body = orjson.loads(response.body)
    assert body == {"data": {"ok": True}}
    assert raw.requests[0].startswith(b"POST /a/b?x=1&y=2 HTTP/1.1\r\n")


def test_under_uvloop_as_fedgate_serve_runs() -> None:
    """``fedgate serve`` runs uvloop, whose transports are not asyncio's classes."""
    import uvloop

    async def scenario() -> tuple[bytes, str, str]:
        client = HttpClient(timeouts=HttpTimeouts(total=0.3, connect=1))
        try:
            async with raw_server(keep_answering) as raw:
                body = (await client.fetch(query(raw.url))).body
                body = (await client.fetch(query(raw.url))).body
                assert raw.connections == 1
            async with raw_server(scripted(b"SSH-2.0\r\n")) as raw:
                garbage = (await fetch_error(client, raw.url)).message
            async with raw_server(scripted(b"", then_wait=5)) as raw:
                slow = (await fetch_error(client, raw.url)).code
        finally:
            await client.close()
        return body, garbage, slow

    with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
        body, garbage, slow = runner.run(scenario())
    assert body == OK
    assert garbage == "HTTP fetch failed from 'raw': invalid response"
    assert slow == "GATEWAY_TIMEOUT"


async def test_a_cancelled_call_gives_its_connection_place_back() -> None:
    """A caller that leaves mid-exchange (its client went away): the connection is closed and
    its place in a full pool goes to the next request, queued or not."""
    stall = asyncio.Event()

    async def first_stalls(
        reader: asyncio.StreamReader, writer: asyncio.StreamWriter, raw: Raw
    ) -> None:
        while True:
            await read_request(reader, raw)
            if len(raw.requests) == 1:
                stall.set()
                await asyncio.sleep(10)
            writer.write(answer(OK))

    client = HttpClient(limit_per_host=1, timeouts=HttpTimeouts(total=2, connect=1))
    try:
        async with raw_server(first_stalls) as raw:
            stuck = asyncio.ensure_future(client.fetch(query(raw.url)))
            await stall.wait()
            queued = asyncio.ensure_future(client.fetch(query(raw.url)))
            await asyncio.sleep(0.05)
            assert not queued.done()  # waiting for the pool's only place
            stuck.cancel()
            assert (await queued).body == OK
            assert (await client.fetch(query(raw.url))).body == OK
    finally:
        await client.close()
    assert raw.connections == 2 and raw.most_open <= 2


async def test_a_header_with_a_line_break_is_a_coded_error(client: HttpClient) -> None:
    async with raw_server(keep_answering) as raw:
        request = SubgraphRequest("raw", raw.url, b"{}", {"x-a": "b\r\nx-injected: 1"})
        with pytest.raises(TransportError) as info:
            await client.fetch(request)
        assert info.value.message == "HTTP fetch failed from 'raw': invalid request headers"
        assert raw.requests == []  # nothing was sent
