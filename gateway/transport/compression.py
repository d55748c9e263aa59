"""Compressed subgraph requests (Apollo Router's ``traffic_shaping.*.compression``), and the
ASGI middleware a Python subgraph puts in front of its app to accept them.

Responses need nothing here: both HTTP clients advertise and decode gzip, deflate and br
(aiohttp with the ``brotli`` package; the lean client with ``lean_decode``), in bounded
steps, and the HTTP client applies
``limits.subgraph.*.http_max_response_size`` to the decoded bytes, so a small compressed body
that inflates past the limit is refused while it is read.
"""

from __future__ import annotations

import gzip
import zlib

import brotli

from .asgi import ASGIApp, Receive, Scope, Send, header, read_body, refuse, replay

__all__ = ["ENCODINGS", "DecompressRequests", "TooLarge", "compress", "decompress"]

ENCODINGS = ("gzip", "br", "deflate")


def compress(body: bytes, encoding: str) -> bytes:
    # middle levels: GraphQL JSON compresses well already, and this runs on the event loop
    if encoding == "gzip":
        return gzip.compress(body, compresslevel=5, mtime=0)
    if encoding == "br":
        return bytes(brotli.compress(body, quality=4))
    if encoding == "deflate":
        return zlib.compress(body, 5)
    raise ValueError(f"unknown content encoding {encoding!r}")


class TooLarge(Exception):
    """The body decodes to more than the limit (it was not decoded further)."""


def decompress(body: bytes, encoding: str, limit: int) -> bytes:
    """``body`` decoded, refused (``TooLarge``) past ``limit`` bytes without inflating it all."""
    if encoding == "br":
        inflater = brotli.Decompressor()
        # output_buffer_limit stops each step at the limit: the rest is never inflated
        result = inflater.process(body, output_buffer_limit=limit + 1)
        if len(result) > limit or not inflater.can_accept_more_data():
            raise TooLarge  # output left over: it would inflate past the limit
        if not inflater.is_finished():
            raise brotli.error("truncated brotli stream")
        return bytes(result)
    wbits = 16 + zlib.MAX_WBITS if encoding == "gzip" else zlib.MAX_WBITS
    inflater = zlib.decompressobj(wbits)
    result = inflater.decompress(body, limit + 1)
    if len(result) > limit or inflater.unconsumed_tail:
        raise TooLarge
    return result


class DecompressRequests:
    """ASGI middleware: decodes a request body sent with ``Content-Encoding`` (gzip, br,
    deflate) before the app sees it; 413 past ``max_bytes`` decoded, 415 for other encodings."""

    def __init__(self, app: ASGIApp, *, max_bytes: int = 2_000_000) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        found = header(scope, b"content-encoding") if scope["type"] == "http" else None
        encoding = (found or "identity").lower()
        if encoding == "identity":
            await self.app(scope, receive, send)
            return
        if encoding not in ENCODINGS:
            await refuse(send, 415, "unsupported content-encoding", "UNSUPPORTED_MEDIA_TYPE")
            return
        raw = await read_body(receive, self.max_bytes)
        body: bytes | None = None
        if raw is not None:
            try:
                body = decompress(raw, encoding, self.max_bytes)
            except TooLarge:
                pass
            except (zlib.error, brotli.error):
                await refuse(send, 400, "the request body does not decode", "BAD_REQUEST")
                return
        if body is None:
            await refuse(send, 413, "the request body is too large", "PAYLOAD_TOO_LARGE")
            return
        headers = [
            (k, v)
            for k, v in scope["headers"]
            if k.lower() not in (b"content-encoding", b"content-length")
        ]
        headers.append((b"content-length", str(len(body)).encode()))
        await self.app({**scope, "headers": headers}, replay(body, receive), send)
