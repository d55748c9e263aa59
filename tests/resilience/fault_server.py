"""A subgraph that misbehaves on purpose: ``python -m tests.resilience.fault_server PORT``.

Raw HTTP/1.1 over asyncio streams, so each fault is exactly what a broken server or network
does. The path picks the fault (``/<fault>``); every fault answers the root field named after
it when it answers at all:

- ``ok``: a good answer; ``status500``: HTTP 500; ``invalid``: 200 with a body that is not
  JSON; ``slow``: a good answer after 3 s; ``hang``: accepts, never reads nor answers;
- ``reset``: headers and part of the body, then a TCP reset; ``partial``: headers promising
  more than is sent, then a clean close;
- ``huge``: a 200 MB body, chunked and generated while it is sent (never held in memory).

``GET /health`` answers 200 (for the tests' start-up wait).
"""

from __future__ import annotations

import asyncio
import socket
import struct
import sys

HUGE_BYTES = 200 * 2**20
_CHUNK = b"x" * 2**16


def _head(status: str, length: int | None, extra: str = "") -> bytes:
    size = (
        f"content-length: {length}\r\n" if length is not None else "transfer-encoding: chunked\r\n"
    )
    return f"HTTP/1.1 {status}\r\ncontent-type: application/json\r\n{size}{extra}\r\n".encode()


async def _read_request(reader: asyncio.StreamReader) -> tuple[str, str]:
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    method, path, _ = lines[0].split(" ", 2)
    length = 0
    for line in lines[1:]:
        name, _, value = line.partition(":")
        if name.strip().lower() == "content-length":
            length = int(value)
    await reader.readexactly(length)
    return method, path


async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while True:
            method, path = await _read_request(reader)
            fault = path.strip("/")
            if not await _answer(method, fault, writer):
                return
    except (asyncio.IncompleteReadError, ConnectionError, asyncio.LimitOverrunError):
        pass
    finally:
        writer.close()


async def _answer(method: str, fault: str, writer: asyncio.StreamWriter) -> bool:
    """Answer one request; False when the connection is done."""
    if method == "GET":
        writer.write(_head("200 OK", 15) + b'{"status":"UP"}')
    elif fault in ("ok", "slow"):
        if fault == "slow":
            await asyncio.sleep(3)
        body = b'{"data":{"%s":"fine"}}' % fault.encode()
        writer.write(_head("200 OK", len(body)) + body)
    elif fault == "status500":
        body = b'{"errors":[{"message":"internal trouble at db-7.internal:5432"}]}'
        writer.write(_head("500 Internal Server Error", len(body)) + body)
    elif fault == "invalid":
        body = b"<html>Traceback (most recent call last): secret</html>"
        writer.write(_head("200 OK", len(body)) + body)
    elif fault == "hang":
        await asyncio.sleep(3600)
    elif fault == "reset":
        writer.write(_head("200 OK", 1000) + b'{"data":{"re')
        await writer.drain()
        sock = writer.get_extra_info("socket")
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        writer.transport.abort()
        return False
    elif fault == "partial":
        writer.write(_head("200 OK", 1000) + b'{"data":{"partial":"fi')
        await writer.drain()
        return False
    elif fault == "huge":
        await _huge(writer)
    else:
        writer.write(_head("404 Not Found", 2) + b"{}")
    await writer.drain()
    return True


async def _huge(writer: asyncio.StreamWriter) -> None:
    writer.write(_head("200 OK", None))
    opening = b'{"data":{"huge":"'
    writer.write(b"%x\r\n%s\r\n" % (len(opening), opening))
    sent = 0
    while sent < HUGE_BYTES:
        writer.write(b"%x\r\n%s\r\n" % (len(_CHUNK), _CHUNK))
        sent += len(_CHUNK)
        await writer.drain()
    writer.write(b'3\r\n"}}\r\n0\r\n\r\n')


async def main(port: int) -> None:
    server = await asyncio.start_server(handle, "127.0.0.1", port)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1])))
