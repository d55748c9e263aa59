"""Content-Encoding of subgraph responses for the lean client: gzip, deflate and br decoded
step by step as the body arrives, each step stopped one byte past the budget (the response
limit less what was decoded already), so a small body that inflates hugely is refused
without being inflated. Other encodings pass through as sent, as aiohttp does.
"""

from __future__ import annotations

import zlib

import brotli

from .compression import TooLarge

__all__ = ["DecodeError", "Decoder", "decoder_for"]


class DecodeError(Exception):
    """The body is not what its Content-Encoding says."""


class Decoder:
    """gzip or deflate (zlib)."""

    __slots__ = ("_deflate", "_inflater", "_started")

    def __init__(self, encoding: str) -> None:
        self._deflate = encoding == "deflate"
        wbits = zlib.MAX_WBITS if self._deflate else 16 + zlib.MAX_WBITS
        self._inflater = zlib.decompressobj(wbits)
        self._started = False

    def feed(self, data: bytes, budget: int | None) -> bytes:
        if not self._started and data:
            self._started = True
            # "deflate" is meant to be zlib-wrapped; some servers send it raw (as aiohttp
            # accepts: no zlib header, whose first byte's low nibble is 8)
            if self._deflate and data[0] & 0x0F != 8:
                self._inflater = zlib.decompressobj(-zlib.MAX_WBITS)
        try:
            if budget is None:
                return self._inflater.decompress(data)
            out = self._inflater.decompress(data, budget + 1)
        except zlib.error as exc:
            raise DecodeError(str(exc)) from None
        if len(out) > budget or self._inflater.unconsumed_tail:
            raise TooLarge
        return out

    def flush(self) -> bytes:
        try:
            out = self._inflater.flush()
        except zlib.error as exc:
            raise DecodeError(str(exc)) from None
        if self._started and not self._inflater.eof:
            # the message was complete but the stream was not (its last block or trailer)
            raise DecodeError(
                "truncated gzip stream" if not self._deflate else "truncated deflate stream"
            )
        return out


class BrotliDecoder(Decoder):
    __slots__ = ("_brotli",)

    def __init__(self, encoding: str) -> None:
        self._brotli = brotli.Decompressor()

    def feed(self, data: bytes, budget: int | None) -> bytes:
        try:
            if budget is None:
                return bytes(self._brotli.process(data))
            out = self._brotli.process(data, output_buffer_limit=budget + 1)
        except brotli.error as exc:
            raise DecodeError(str(exc)) from None
        if len(out) > budget or not self._brotli.can_accept_more_data():
            raise TooLarge
        return bytes(out)

    def flush(self) -> bytes:
        if not self._brotli.is_finished():
            raise DecodeError("truncated brotli stream")
        return b""


def decoder_for(encoding: str) -> Decoder | None:
    """The decoder for a Content-Encoding value, ``None`` for identity and unknown ones."""
    name = encoding.strip().lower()
    if name in ("gzip", "deflate"):
        return Decoder("deflate" if name == "deflate" else "gzip")
    if name == "br":
        return BrotliDecoder(name)
    return None
