"""A lean HTTP/1.1 keep-alive client for plain ``http://`` subgraph calls (decision 0034).

aiohttp spent ~480,000 instructions on each subgraph call (its request and response objects,
trace hooks, timers, stream readers); this one writes the request with one
``transport.write`` and waits on one future that the connection's protocol resolves when
llhttp (``httptools.HttpResponseParser``, never a parser of ours) has read the whole answer.
What it does not handle (TLS, a user in the URL, a path that is not plain ASCII) stays with
aiohttp: ``LeanClient.target`` answers ``None`` for those URLs.

One ``_Pool`` per host and port keeps at most ``limit`` connections (requests queue for a
free one when all are busy) and drops connections idle longer than ``idle_timeout``.
Failures are the ``LeanFailure`` classes; ``http.py`` turns them into ``TransportError``.
Stays interpreted (not in ``gateway.compiled.COMPILED``): the protocol subclasses asyncio's.
"""

from __future__ import annotations

import asyncio
import collections
from collections.abc import Mapping
from typing import cast
from urllib.parse import urlsplit

import httptools
from multidict import CIMultiDict, CIMultiDictProxy

from .base import DEFAULT_HEADERS
from .compression import TooLarge
from .http_errors import BodyTimeout
from .lean_decode import DecodeError, Decoder, decoder_for

__all__ = [
    "ACCEPT_ENCODING",
    "CannotConnect",
    "CutShort",
    "Disconnected",
    "InvalidResponse",
    "LeanClient",
    "LeanFailure",
    "Target",
]

# What aiohttp offers by default (with the brotli package installed), so subgraphs answer
# the lean client as they answered aiohttp; lean_decode decodes the same three.
ACCEPT_ENCODING = "gzip, deflate, br"
# aiohttp refuses a header field over 8190 bytes; the whole head is bounded too, so a
# subgraph that never ends its head cannot grow our memory
MAX_FIELD = 8190
MAX_HEAD = 1 << 16
_URL_CACHE = 256  # distinct subgraph URLs kept parsed (the config's, in practice)
_NO_BODY = (204, 304)
_MANAGED = frozenset(("host", "content-length", "accept-encoding"))

Answer = tuple[int, "CIMultiDictProxy[str]", bytes]


class LeanFailure(Exception):
    """No usable answer; ``reason`` is for clients (no host, port or path), ``str()`` for the
    log."""

    reason = "connection error"
    answered = False


class CannotConnect(LeanFailure):
    reason = "cannot connect"


class Disconnected(LeanFailure):
    """The connection closed (or reset) before the answer's head was complete: safe to send
    again on a new connection when the request is idempotent or the connection was reused."""

    reason = "the connection closed before a response"

    def __init__(self, detail: str, *, reused: bool, got_bytes: bool) -> None:
        super().__init__(detail)
        self.reused = reused
        self.got_bytes = got_bytes


class CutShort(LeanFailure):
    """The status and headers arrived, the body did not (all of it, or decodable)."""

    reason = "the response body was cut short"
    answered = True


class InvalidResponse(LeanFailure):
    """Not HTTP, or HTTP that llhttp refuses (or a head over the limits)."""

    reason = "invalid response"


class _Stop(Exception):
    """Raised in a parser callback that has already failed the exchange: stops llhttp."""


class Target:
    """A parsed subgraph URL: its pool and the request bytes that do not change per call."""

    __slots__ = ("default_prefix", "host_line", "pool", "request_line")

    def __init__(self, pool: _Pool, request_line: bytes, host_line: bytes) -> None:
        self.pool = pool
        self.request_line = request_line
        self.host_line = host_line
        # the usual request (no header rules): everything up to the Content-Length value
        self.default_prefix = b"".join(
            (
                request_line,
                host_line,
                _header_bytes(DEFAULT_HEADERS),
                _ACCEPT_LINE,
                b"Content-Length: ",
            )
        )

    def request_bytes(self, body: bytes, headers: Mapping[str, str]) -> bytes:
        if headers is DEFAULT_HEADERS:
            return b"%b%d\r\n\r\n%b" % (self.default_prefix, len(body), body)
        lowered = {name.lower() for name in headers}
        parts = [self.request_line]
        if "host" not in lowered:
            parts.append(self.host_line)
        parts.append(_header_bytes(headers))
        if "accept-encoding" not in lowered:
            parts.append(_ACCEPT_LINE)
        # aiohttp's defaults for headers a request leaves out
        if "accept" not in lowered:
            parts.append(b"Accept: */*\r\n")
        if "content-type" not in lowered:
            parts.append(b"Content-Type: application/octet-stream\r\n")
        parts.append(b"Content-Length: %d\r\n\r\n" % len(body))
        parts.append(body)
        return b"".join(parts)


_ACCEPT_LINE = f"Accept-Encoding: {ACCEPT_ENCODING}\r\n".encode()


def _header_bytes(headers: Mapping[str, str]) -> bytes:
    lines = []
    for name, value in headers.items():
        if name.lower() in ("host", "content-length"):
            continue  # Host is kept when given (above); the length is always ours
        if "\r" in name or "\n" in name or "\r" in value or "\n" in value or ":" in name:
            raise ValueError("a header name or value with a line break")
        lines.append(f"{name}: {value}\r\n")
    return "".join(lines).encode("utf-8")


class LeanClient:
    """The pools, one per host and port, and the parsed URLs."""

    __slots__ = ("_pools", "_targets", "idle_timeout", "limit")

    def __init__(self, *, limit: int, idle_timeout: float) -> None:
        self.limit = limit
        self.idle_timeout = idle_timeout
        self._pools: dict[tuple[str, int], _Pool] = {}
        self._targets: dict[str, Target | None] = {}

    def target(self, url: str) -> Target | None:
        """``url``'s target, or ``None`` when aiohttp must send it (not plain http://)."""
        try:
            return self._targets[url]
        except KeyError:
            pass
        target = self._parse(url)
        if len(self._targets) >= _URL_CACHE:
            self._targets.clear()
        self._targets[url] = target
        return target

    def _parse(self, url: str) -> Target | None:
        try:
            parts = urlsplit(url)
            port = parts.port or 80
        except ValueError:
            return None
        host = parts.hostname
        path = parts.path or "/"
        if parts.query:
            path = f"{path}?{parts.query}"
        plain = url.isascii() and " " not in url
        if parts.scheme != "http" or not host or parts.username is not None or not plain:
            return None
        shown = f"[{host}]" if ":" in host else host
        host_value = shown if port == 80 else f"{shown}:{port}"
        pool = self._pools.get((host, port))
        if pool is None:
            pool = self._pools[(host, port)] = _Pool(host, port, self.limit, self.idle_timeout)
        return Target(
            pool, f"POST {path} HTTP/1.1\r\n".encode(), f"Host: {host_value}\r\n".encode()
        )

    async def send(
        self,
        target: Target,
        data: bytes,
        deadline: float | None,
        connect: float | None,
        limit: int | None,
        fresh: bool,
    ) -> Answer:
        """One exchange: a pooled connection (``fresh``: a new one), the request written, the
        answer read. ``deadline`` is the loop's clock; it bounds the queue, connect and read."""
        pool = target.pool
        conn = None if fresh else pool.take()
        if conn is None:
            if deadline is None:
                conn = await pool.acquire(fresh, connect)
            else:
                async with asyncio.timeout_at(deadline):
                    conn = await pool.acquire(fresh, connect)
        return await conn.exchange(data, limit, deadline)

    async def close(self) -> None:
        pools = list(self._pools.values())
        self._pools.clear()
        self._targets.clear()
        for pool in pools:
            pool.close()
        if pools:
            await asyncio.sleep(0)  # the transports' connection_lost callbacks run now


class _Pool:
    """The connections to one host and port."""

    __slots__ = (
        "closed",
        "conns",
        "host",
        "idle",
        "idle_timeout",
        "limit",
        "port",
        "sweeper",
        "waiters",
    )

    def __init__(self, host: str, port: int, limit: int, idle_timeout: float) -> None:
        self.host = host
        self.port = port
        self.limit = limit
        self.idle_timeout = idle_timeout
        self.idle: list[_Conn] = []  # most recently used last (taken first)
        self.conns: set[_Conn] = set()  # open or opening, busy or idle
        self.waiters: collections.deque[asyncio.Future[_Conn | None]] = collections.deque()
        self.sweeper: asyncio.TimerHandle | None = None
        self.closed = False  # by LeanClient.close: a call still on its way opens nothing

    def take(self) -> _Conn | None:
        """An idle connection that is still fresh, without waiting (the usual case)."""
        idle = self.idle
        if not idle:
            return None
        now = asyncio.get_running_loop().time()
        while idle:
            conn = idle.pop()
            if conn.usable() and now - conn.idle_since <= self.idle_timeout:
                conn.reused = True
                return conn
            conn.close()
        return None

    async def acquire(self, fresh: bool, connect: float | None) -> _Conn:
        while True:
            if self.closed:
                raise Disconnected("the client was closed", reused=False, got_bytes=False)
            if not fresh and (conn := self.take()) is not None:
                return conn
            if self.limit <= 0 or len(self.conns) < self.limit:
                return await self._connect(connect)
            if fresh and self.idle:
                self.idle.pop(0).close()  # its place goes to the new connection
                continue
            given = await self._wait()
            if given is not None and given.usable():
                given.reused = True
                return given

    async def _wait(self) -> _Conn | None:
        """A released connection, or ``None`` when a place in the pool came free."""
        waiter: asyncio.Future[_Conn | None] = asyncio.get_running_loop().create_future()
        self.waiters.append(waiter)
        try:
            return await waiter
        except asyncio.CancelledError:
            if waiter.done() and not waiter.cancelled():
                given = waiter.result()  # handed to us as we were cancelled: pass it on
                if given is not None:
                    self.release(given)
                else:
                    self._wake()
            else:
                waiter.cancel()
            raise

    async def _connect(self, timeout: float | None) -> _Conn:
        conn = _Conn(self)
        self.conns.add(conn)  # counts towards the limit while connecting
        loop = asyncio.get_running_loop()
        try:
            if timeout:
                async with asyncio.timeout(timeout):
                    await loop.create_connection(lambda: conn, self.host, self.port)
            else:
                await loop.create_connection(lambda: conn, self.host, self.port)
        except OSError as exc:
            conn.forget()
            conn.parser = None
            raise CannotConnect(f"cannot connect to {self.host}:{self.port}: {exc}") from None
        except BaseException:
            conn.forget()
            conn.parser = None
            raise
        return conn

    def release(self, conn: _Conn) -> None:
        """A connection whose exchange ended cleanly: to a waiter, else to the idle list."""
        waiters = self.waiters
        while waiters:
            waiter = waiters.popleft()
            if not waiter.done():
                waiter.set_result(conn)
                return
        conn.idle_since = asyncio.get_running_loop().time()
        self.idle.append(conn)
        if self.sweeper is None:
            self.sweeper = asyncio.get_running_loop().call_later(self.idle_timeout, self._sweep)

    def dropped(self, conn: _Conn) -> None:
        """``conn`` closed: its place in the pool goes to the first waiter."""
        self.conns.discard(conn)
        if conn in self.idle:
            self.idle.remove(conn)
        self._wake()

    def _wake(self) -> None:
        waiters = self.waiters
        while waiters:
            waiter = waiters.popleft()
            if not waiter.done():
                waiter.set_result(None)
                return

    def _sweep(self) -> None:
        """Close the connections idle past the timeout (the server is about to)."""
        self.sweeper = None
        now = asyncio.get_running_loop().time()
        for conn in [c for c in self.idle if now - c.idle_since > self.idle_timeout]:
            conn.close()
        if self.idle:
            self.sweeper = asyncio.get_running_loop().call_later(self.idle_timeout, self._sweep)

    def close(self) -> None:
        self.closed = True
        if self.sweeper is not None:
            self.sweeper.cancel()
            self.sweeper = None
        for conn in list(self.conns):
            conn.close()
        for waiter in self.waiters:
            if not waiter.done():
                waiter.set_result(None)
        self.waiters.clear()


class _Conn(asyncio.Protocol):
    """One connection, and the exchange on it (at most one at a time)."""

    __slots__ = (
        "answered",
        "chunks",
        "closed",
        "complete",
        "decoder",
        "extra",
        "fut",
        "got_bytes",
        "head_size",
        "headers",
        "idle_since",
        "interim",
        "keep_alive",
        "limit",
        "parser",
        "pool",
        "raw",
        "reused",
        "size",
        "status",
        "transport",
        "until_eof",
    )

    def __init__(self, pool: _Pool) -> None:
        self.pool: _Pool | None = pool
        self.transport: asyncio.Transport | None = None
        # the parser holds our callbacks: dropped when the connection is gone (a cycle else)
        self.parser: httptools.HttpResponseParser | None = httptools.HttpResponseParser(self)
        self.fut: asyncio.Future[Answer] | None = None
        self.closed = False
        self.reused = False
        self.idle_since = 0.0
        self._reset()

    def _reset(self) -> None:
        self.fut = None
        self.raw: list[tuple[bytes, bytes]] = []
        self.headers: CIMultiDictProxy[str] | None = None
        self.chunks: list[bytes] = []
        self.status = 0
        self.size = 0
        self.head_size = 0
        self.limit: int | None = None
        self.decoder: Decoder | None = None
        self.answered = False  # status and headers are in
        self.complete = False
        self.got_bytes = False
        self.interim = False
        self.until_eof = False
        self.keep_alive = False
        self.extra = False  # bytes after the answer: the connection is not reused

    def usable(self) -> bool:
        return not self.closed and self.transport is not None and not self.transport.is_closing()

    async def exchange(self, data: bytes, limit: int | None, deadline: float | None) -> Answer:
        loop = asyncio.get_running_loop()
        fut: asyncio.Future[Answer] = loop.create_future()
        self.fut = fut
        self.limit = limit
        assert self.transport is not None
        self.transport.write(data)
        timer = loop.call_at(deadline, self._timed_out, fut) if deadline is not None else None
        try:
            return await fut
        except BaseException as exc:
            if isinstance(exc, asyncio.CancelledError) and self.fut is fut:
                self._reset()  # the caller left mid-exchange: the connection is spent
                self.close()
            # the failure's traceback keeps this frame: without the future (which holds the
            # failure) in it, reference counting frees them, not the cyclic collector
            del fut
            raise
        finally:
            if timer is not None:
                timer.cancel()

    def _timed_out(self, fut: asyncio.Future[Answer]) -> None:
        if self.fut is fut:
            self._fail(BodyTimeout() if self.answered else TimeoutError())

    def _fail(self, exc: BaseException) -> None:
        fut = self.fut
        self._reset()
        self.close()
        if fut is not None and not fut.done():
            fut.set_exception(exc)

    def close(self) -> None:
        if self.transport is not None:
            self.transport.close()
        self.forget()

    def forget(self) -> None:
        self.closed = True
        pool, self.pool = self.pool, None
        if pool is not None:
            pool.dropped(self)

    # asyncio.Protocol

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        # uvloop's transports are not asyncio.Transport subclasses, but have its methods
        self.transport = cast(asyncio.Transport, transport)

    def data_received(self, data: bytes) -> None:
        if self.fut is None:
            self.close()  # bytes nobody asked for: not a connection to reuse
            return
        self.got_bytes = True
        if not self.answered:
            self.head_size += len(data)
            if self.head_size > MAX_HEAD + MAX_FIELD:
                self._fail(InvalidResponse(f"a response head over {MAX_HEAD} bytes"))
                return
        parser = self.parser
        if parser is None:
            return
        try:
            parser.feed_data(data)
        except httptools.HttpParserUpgrade:
            self._fail(InvalidResponse("a protocol upgrade"))
            return
        except (httptools.HttpParserError, _Stop) as exc:
            if self.fut is not None:  # not failed by a callback already
                cause = exc.__context__ if isinstance(exc.__context__, LeanFailure) else None
                self._fail(cause or InvalidResponse(f"unparsable response: {exc}"))
            return
        if self.complete:
            self._finish()

    def connection_lost(self, exc: Exception | None) -> None:
        self.forget()
        self.parser = None
        if self.fut is None:
            return
        if self.answered and self.until_eof:
            self._finish()  # the body is what came before the close (HTTP/1.0 style)
        elif self.answered:
            self._fail(CutShort(f"the connection closed mid-body ({exc or 'closed'})"))
        else:
            detail = f"{self.pool_name()}: {exc or 'closed'}"
            self._fail(Disconnected(detail, reused=self.reused, got_bytes=self.got_bytes))

    def pool_name(self) -> str:
        peer = self.transport.get_extra_info("peername") if self.transport else None
        return f"{peer[0]}:{peer[1]}" if peer else "the subgraph"

    # llhttp's callbacks (httptools)

    def on_message_begin(self) -> None:
        if self.complete:
            self.extra = True  # a second answer to one request: never reuse this connection

    def on_header(self, name: bytes, value: bytes) -> None:
        if len(name) + len(value) > MAX_FIELD:
            self._fail(InvalidResponse(f"a response header over {MAX_FIELD} bytes"))
            raise _Stop
        self.raw.append((name, value))

    def on_headers_complete(self) -> None:
        assert self.parser is not None  # called from parser.feed_data
        status = self.parser.get_status_code()
        if status < 200:  # 100 Continue and friends: the answer is still to come
            self.interim = True
            self.raw = []
            return
        self.status = status
        headers: CIMultiDict[str] = CIMultiDict(
            (n.decode("utf-8", "surrogateescape"), v.decode("utf-8", "surrogateescape"))
            for n, v in self.raw
        )
        self.headers = CIMultiDictProxy(headers)
        self.answered = True
        length = headers.get("content-length")
        encoding = headers.get("content-encoding")
        if encoding is not None:
            self.decoder = decoder_for(encoding)
        limit = self.limit
        if (
            limit is not None
            and length is not None
            and int(length) > limit
            and self.decoder is None
        ):
            self._fail(TooLarge())
            raise _Stop
        chunked = "chunked" in headers.get("transfer-encoding", "").lower()
        self.until_eof = length is None and not chunked and status not in _NO_BODY

    def on_body(self, body: bytes) -> None:
        decoder = self.decoder
        limit = self.limit
        try:
            if decoder is not None:
                body = decoder.feed(body, None if limit is None else limit - self.size)
        except DecodeError as exc:
            self._fail(CutShort(f"the body does not decode: {exc}"))
            raise _Stop from None
        except TooLarge:
            self._fail(TooLarge())
            raise _Stop from None
        self.size += len(body)
        if limit is not None and self.size > limit:
            self.chunks.clear()
            self._fail(TooLarge())
            raise _Stop
        self.chunks.append(body)

    def on_message_complete(self) -> None:
        if self.interim:
            self.interim = False
            return
        self.complete = True
        assert self.parser is not None
        self.keep_alive = self.parser.should_keep_alive()  # llhttp forgets it right after

    def _finish(self) -> None:
        chunks = self.chunks
        body = chunks[0] if len(chunks) == 1 else b"".join(chunks)
        decoder = self.decoder
        if decoder is not None:
            try:
                body += decoder.flush()
            except DecodeError as exc:
                self._fail(CutShort(f"the body does not decode: {exc}"))
                return
            if self.limit is not None and len(body) > self.limit:
                self._fail(TooLarge())
                return
        fut = self.fut
        assert fut is not None and self.headers is not None
        answer = (self.status, self.headers, body)
        keep = self.keep_alive and not self.extra and not self.until_eof
        self._reset()
        if not fut.done():
            fut.set_result(answer)
        pool = self.pool
        if keep and pool is not None and self.usable():
            self.reused = False
            pool.release(self)
        else:
            self.close()
