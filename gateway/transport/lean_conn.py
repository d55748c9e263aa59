"""One connection of the lean client: an asyncio protocol that writes a request and reads
its answer with llhttp (``httptools.HttpResponseParser``), resolving one future per exchange.

The answer's head is bounded (a field at ``MAX_FIELD``, as aiohttp; the head at ``MAX_HEAD``)
and its body at the response limit after decoding (``lean_decode``). Whatever goes wrong
fails the exchange's future with a ``lean_errors`` class and closes the connection; a
connection is reused only after a complete answer that keeps it alive.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, cast

import httptools
from multidict import CIMultiDict, CIMultiDictProxy

from .compression import TooLarge
from .http_errors import BodyTimeout
from .lean_decode import DecodeError, Decoder, decoder_for
from .lean_errors import CutShort, Disconnected, InvalidResponse, LeanFailure
from .lean_errors import Stop as _Stop

if TYPE_CHECKING:
    from .lean_pool import Pool as _Pool

__all__ = ["MAX_FIELD", "MAX_HEAD", "Answer", "Connection"]

# aiohttp refuses a header field over 8190 bytes; the whole head is bounded too, so a
# subgraph that never ends its head cannot grow our memory
MAX_FIELD = 8190
MAX_HEAD = 1 << 16
_NO_BODY = (204, 304)

Answer = tuple[int, "CIMultiDictProxy[str]", bytes]


class Connection(asyncio.Protocol):
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
        self.raw: list[tuple[str, str]] = []
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
        elif not self.answered and self.fut is not None:
            # llhttp keeps an unfinished head's bytes: bounded here (one read past the limit)
            self.head_size += len(data)
            if self.head_size > MAX_HEAD:
                self._fail(InvalidResponse(f"a response head over {MAX_HEAD} bytes"))

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
        # decoded as aiohttp's parser decodes them
        self.raw.append(
            (name.decode("utf-8", "surrogateescape"), value.decode("utf-8", "surrogateescape"))
        )

    def on_headers_complete(self) -> None:
        assert self.parser is not None  # called from parser.feed_data
        status = self.parser.get_status_code()
        if status < 200:  # 100 Continue and friends: the answer is still to come
            self.interim = True
            self.raw = []
            return
        self.status = status
        headers: CIMultiDict[str] = CIMultiDict(self.raw)
        self.headers = CIMultiDictProxy(headers)
        self.answered = True
        length = headers.get("content-length")
        encoding = headers.get("content-encoding")
        if encoding is not None:
            self.decoder = decoder_for(encoding)
        limit = self.limit
        if length is not None and not length.isdigit():
            self._fail(InvalidResponse(f"a Content-Length of {length[:40]!r}"))
            raise _Stop
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
