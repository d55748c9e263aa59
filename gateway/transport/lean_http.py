"""A lean HTTP/1.1 keep-alive client for plain ``http://`` subgraph calls (decision 0034).

aiohttp spent ~480,000 instructions on each subgraph call (its request and response objects,
trace hooks, timers, stream readers); this one writes the request with one
``transport.write`` and waits on one future that the connection's protocol resolves when
llhttp (``httptools.HttpResponseParser``, never a parser of ours) has read the whole answer.
What it does not handle (TLS, a user in the URL, a path that is not plain ASCII) stays with
aiohttp: ``LeanClient.target`` answers ``None`` for those URLs.

One pool (``lean_pool``) per host and port keeps at most ``limit`` connections (requests
queue for a free one when all are busy) and drops connections idle longer than
``idle_timeout``. Failures are ``lean_errors``' classes; ``http.py`` turns them into
``TransportError``. The modules stay interpreted (not in ``gateway.compiled.COMPILED``): the
connection (``lean_conn``) subclasses asyncio's Protocol.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from urllib.parse import urlsplit

from .base import DEFAULT_HEADERS
from .lean_conn import Answer
from .lean_errors import (
    CannotConnect,
    CutShort,
    Disconnected,
    InvalidRequest,
    InvalidResponse,
    LeanFailure,
)
from .lean_pool import Pool as _Pool

__all__ = [
    "ACCEPT_ENCODING",
    "CannotConnect",
    "CutShort",
    "Disconnected",
    "InvalidRequest",
    "InvalidResponse",
    "LeanClient",
    "LeanFailure",
    "Target",
]

# What aiohttp offers by default (with the brotli package installed), so subgraphs answer
# the lean client as they answered aiohttp; lean_decode decodes the same three.
ACCEPT_ENCODING = "gzip, deflate, br"
_URL_CACHE = 256  # distinct subgraph URLs kept parsed (the config's, in practice)


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
            raise InvalidRequest(f"the header {name[:40]!r} has a line break or a colon")
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
