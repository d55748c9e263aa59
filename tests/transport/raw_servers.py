"""Raw asyncio HTTP servers for the lean client's tests: each connection is handed to a
script that reads the request and writes whatever bytes the test wants (broken answers too)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

Script = Callable[[asyncio.StreamReader, asyncio.StreamWriter, "Raw"], Awaitable[None]]


@dataclass
class Raw:
    url: str = ""
    connections: int = 0
    requests: list[bytes] = field(default_factory=list)  # each request's head
    open_now: int = 0
    most_open: int = 0
    closed: asyncio.Event = field(default_factory=asyncio.Event)  # a connection closed


async def read_request(reader: asyncio.StreamReader, raw: Raw) -> bytes:
    """One request's head and body; the head is kept in ``raw.requests``."""
    head = await reader.readuntil(b"\r\n\r\n")
    raw.requests.append(head)
    length = 0
    for line in head.split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            length = int(line.split(b":", 1)[1])
    return await reader.readexactly(length)


def answer(body: bytes, *extra: str, status: str = "200 OK", version: str = "1.1") -> bytes:
    lines = [f"HTTP/{version} {status}", f"content-length: {len(body)}", *extra]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


@asynccontextmanager
async def raw_server(script: Script) -> AsyncIterator[Raw]:
    raw = Raw()

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        raw.connections += 1
        raw.open_now += 1
        raw.most_open = max(raw.most_open, raw.open_now)
        try:
            await script(reader, writer, raw)
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            raw.open_now -= 1
            writer.close()
            raw.closed.set()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    raw.url = f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}/graphql"
    try:
        yield raw
    finally:
        server.close()
