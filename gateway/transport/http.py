"""The HTTP transport: the lean client (``lean_http``) for plain ``http://`` subgraphs, one
pooled, keep-alive aiohttp ``ClientSession`` per process for the rest (TLS) or for all
(``fedgate.subgraph_http_client: aiohttp``).

A pooled connection can be closed by the subgraph at the moment it is reused (the server's
keep-alive timeout ran out while the request was on its way). Two things keep that from
reaching clients: idle connections are dropped from the pool sooner than common servers drop
them (``POOL_IDLE_TIMEOUT``), and a request that fails on a reused connection before any byte
of the answer arrived is sent once more on a new connection (``_resend``). Both clients do both,
with the same errors, codes and log lines.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from types import SimpleNamespace

import aiohttp
from multidict import CIMultiDict

from .base import DEFAULT_HEADERS, SubgraphRequest, SubgraphResponse, TransportError
from .compression import TooLarge
from .http_errors import Answered as _Answered
from .http_errors import BodyTimeout as _BodyTimeout
from .lean_http import Disconnected, LeanClient, LeanFailure, Target
from .tls import TlsContexts, tls_failure

log = logging.getLogger("fedgate.transport")

__all__ = ["POOL_IDLE_TIMEOUT", "HttpClient", "HttpTimeouts"]

# Seconds a pooled connection may stay idle: below the keep-alive timeouts of uvicorn, Node.js
# and Apache (5 s), so the pool seldom hands out a connection the server is closing right then
# (aiohttp's default, 15 s, reused connections uvicorn had closed: the demo lost ~7 % of
# queries sent 5 s apart).
POOL_IDLE_TIMEOUT = 4.0

_DEFAULT_HEADERS = CIMultiDict(DEFAULT_HEADERS)

# What a connection the server closed while idle looks like once a request is written to it
_CLOSED_UNDER_US = (aiohttp.ServerDisconnectedError, aiohttp.ClientOSError)


@dataclass(frozen=True, slots=True)
class HttpTimeouts:
    """Seconds; ``None`` disables a limit."""

    total: float | None = 30.0
    connect: float | None = 5.0


class HttpClient:
    """``SubgraphClient`` over aiohttp.

    ``limit_per_host`` bounds the pooled connections per subgraph host: under high concurrency
    an unbounded pool opens a connection per in-flight request, which costs far more than
    queueing for a kept-alive one (measured: ~30x slower at 3000 concurrent requests).

    The session is created lazily inside the running loop (aiohttp binds it to the loop) or
    passed in; ``close`` only closes a session this client created.
    """

    __slots__ = (
        "_lean",
        "_lean_default",
        "_lean_timeouts",
        "_max_bytes",
        "_max_default",
        "_owns_session",
        "_per_subgraph",
        "_session",
        "_ssl_for",
        "_timeout",
        "_traced",
        "limit_per_host",
        "pool_idle_timeout",
    )

    def __init__(
        self,
        *,
        timeouts: HttpTimeouts | None = None,
        session: aiohttp.ClientSession | None = None,
        limit_per_host: int = 128,
        subgraph_timeouts: Mapping[str, float] | None = None,
        max_response_bytes: int | None = None,
        subgraph_max_response_bytes: Mapping[str, int] | None = None,
        tls: TlsContexts | None = None,
        subgraph_connect_timeouts: Mapping[str, float] | None = None,
        pool_idle_timeout: float = POOL_IDLE_TIMEOUT,
        lean: bool = True,
    ) -> None:
        """``subgraph_timeouts``: total seconds per subgraph name, where it differs from
        ``timeouts.total`` (Apollo Router's ``traffic_shaping.subgraphs.<name>.timeout``);
        ``subgraph_connect_timeouts`` likewise for connecting.
        ``max_response_bytes`` (and per subgraph): a larger response body is refused while it
        is read, never held whole (``None``: no limit). ``tls``: per-subgraph TLS contexts
        (``tls.subgraph``; aiohttp pools connections per context, so one session serves all).
        ``lean``: plain ``http://`` URLs go through the lean client (not with a ``session``
        given: that caller wants aiohttp)."""
        # trust (TLS): None when not configured, so the default path does no lookup
        self._ssl_for = tls.for_subgraph if tls is not None else None
        self._max_default = max_response_bytes
        self._max_bytes = dict(subgraph_max_response_bytes or {})
        t = timeouts or HttpTimeouts()
        self._timeout = aiohttp.ClientTimeout(total=t.total, sock_connect=t.connect)
        totals = dict(subgraph_timeouts or {})
        connects = dict(subgraph_connect_timeouts or {})
        self._per_subgraph = {
            name: aiohttp.ClientTimeout(
                total=totals.get(name, t.total), sock_connect=connects.get(name, t.connect)
            )
            for name in totals.keys() | connects.keys()
        }
        self._lean_default = (t.total or None, t.connect or None)
        self._lean_timeouts = {
            name: (totals.get(name, t.total) or None, connects.get(name, t.connect) or None)
            for name in totals.keys() | connects.keys()
        }
        self._lean = (
            LeanClient(limit=limit_per_host, idle_timeout=pool_idle_timeout)
            if lean and session is None
            else None
        )
        self._session = session
        self._traced: aiohttp.ClientSession | None = None
        self._owns_session = session is None
        self.limit_per_host = limit_per_host
        self.pool_idle_timeout = pool_idle_timeout

    @property
    def lean(self) -> bool:
        """Whether plain ``http://`` calls go through the lean client (else all via aiohttp)."""
        return self._lean is not None

    @property
    def is_open(self) -> bool:
        return self._session is not None and not self._session.closed

    def open(self) -> None:
        """Create the pooled session now (inside the serving loop) rather than on first use."""
        self._get_session()

    def _get_session(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            connector = aiohttp.TCPConnector(
                limit=0,
                limit_per_host=self.limit_per_host,
                keepalive_timeout=self.pool_idle_timeout,
            )
            self._session = aiohttp.ClientSession(
                connector=connector,
                timeout=self._timeout,
                skip_auto_headers=("User-Agent",),
                # no cookie jar: a subgraph's Set-Cookie to one client's call must not ride
                # on every later call of every client (what a subgraph request carries is the
                # header rules' business); and no jar lookup per call
                cookie_jar=aiohttp.DummyCookieJar(),
            )
            self._traced = None
            self._owns_session = True
        return self._session

    def _traced_session(self) -> aiohttp.ClientSession:
        """For requests that must not be sent twice without cause (mutations): the same pool,
        with a trace that says whether the connection was reused. Queries skip the trace."""
        session = self._get_session()
        if self._traced is None or self._traced.closed:
            trace = aiohttp.TraceConfig()
            trace.on_connection_reuseconn.append(_mark_reused)
            self._traced = aiohttp.ClientSession(
                connector=session.connector,
                connector_owner=False,
                timeout=self._timeout,
                skip_auto_headers=("User-Agent",),
                cookie_jar=aiohttp.DummyCookieJar(),
                trace_configs=[trace],
            )
        return self._traced

    def _timeout_for(self, request: SubgraphRequest) -> aiohttp.ClientTimeout:
        timeout = self._per_subgraph.get(request.subgraph, self._timeout)
        total = _within_request(timeout.total, request)
        if total != timeout.total:
            timeout = aiohttp.ClientTimeout(total=total, sock_connect=timeout.sock_connect)
        return timeout

    async def fetch(self, request: SubgraphRequest) -> SubgraphResponse:
        lean = self._lean
        if lean is not None:
            target = lean.target(request.url)
            if target is not None:
                return await self._fetch_lean(lean, target, request)
        name = request.subgraph
        try:
            resp = await self._send(request)
            async with resp:
                try:
                    body = await _read(resp, self._max_bytes.get(name, self._max_default), name)
                except TimeoutError as exc:
                    raise _BodyTimeout() from exc
                except (aiohttp.ClientError, OSError) as exc:
                    raise _Answered(str(exc)) from exc
                # aiohttp's read-only multi-mapping: repeated headers (Set-Cookie) are kept
                return SubgraphResponse(name, resp.status, body, resp.headers)
        except TimeoutError as exc:
            raise _timed_out(name, exc) from exc
        except (aiohttp.ClientError, OSError) as exc:
            # The client sees what went wrong, never the subgraph's internal address (aiohttp's
            # text has host:port); the detail goes to the log with the request id.
            _log_failure(request, exc)
            # trust (TLS): a certificate or handshake failure has its own code
            tls = tls_failure(exc)
            code = "SUBGRAPH_TLS_ERROR" if tls else None
            message = f"HTTP fetch failed from '{name}': {tls or _reason(exc)}"
            raise TransportError(
                name, message, code=code, answered=isinstance(exc, _Answered)
            ) from exc

    async def _send(self, request: SubgraphRequest) -> aiohttp.ClientResponse:
        """The response's status and headers (the body is still to be read)."""
        data = request.body_bytes()
        # aiohttp turns a plain mapping into its multi-dict per call; the default one is
        # made once (aiohttp copies it into each request's own)
        headers = _DEFAULT_HEADERS if request.headers is DEFAULT_HEADERS else request.headers
        timeout = self._timeout_for(request)
        # trust (TLS): the subgraph's own SSL context, else verification with the system's CAs
        ssl = self._ssl_for(request.subgraph) if self._ssl_for is not None else True
        if request.shareable:
            session = self._get_session()
            try:
                return await session.post(
                    request.url, data=data, headers=headers, timeout=timeout, ssl=ssl
                )
            except _CLOSED_UNDER_US as exc:
                # a query is idempotent: sent again whether or not the connection was pooled
                # (RFC 9112 9.3.1), as aiohttp itself does for GET
                if isinstance(exc, aiohttp.ClientConnectorError):
                    raise
                _resend_note(request, exc)
            return await session.post(
                request.url, data=data, headers=headers, timeout=timeout, ssl=ssl
            )
        traced = self._traced_session()
        reuse = _Reuse()
        try:
            return await traced.post(
                request.url,
                data=data,
                headers=headers,
                timeout=timeout,
                ssl=ssl,
                trace_request_ctx=reuse,
            )
        except _CLOSED_UNDER_US as exc:
            # a mutation only when the server closed a pooled connection: it never read it
            if not reuse.reused or isinstance(exc, aiohttp.ClientConnectorError):
                raise
            _resend_note(request, exc)
        return await traced.post(request.url, data=data, headers=headers, timeout=timeout, ssl=ssl)

    async def _fetch_lean(
        self, lean: LeanClient, target: Target, request: SubgraphRequest
    ) -> SubgraphResponse:
        name = request.subgraph
        limit = self._max_bytes.get(name, self._max_default)
        try:
            data = target.request_bytes(request.body_bytes(), request.headers)
            deadline, connect = self._lean_deadline(request)
            try:
                status, headers, body = await lean.send(
                    target, data, deadline, connect, limit, False
                )
            except Disconnected as exc:
                # as with aiohttp: a query is sent again whenever the connection closed before
                # an answer, a mutation only when the closed connection was a pooled one
                if not (request.shareable or (exc.reused and not exc.got_bytes)):
                    raise
                _resend_note(request, exc)
                status, headers, body = await lean.send(
                    target, data, deadline, connect, limit, True
                )
        except TimeoutError as exc:
            raise _timed_out(name, exc) from exc
        except TooLarge:
            raise _too_large(name, limit or 0) from None
        except LeanFailure as exc:
            _log_failure(request, exc)
            message = f"HTTP fetch failed from '{name}': {exc.reason}"
            raise TransportError(name, message, answered=exc.answered) from exc
        return SubgraphResponse(name, status, body, headers)

    def _lean_deadline(self, request: SubgraphRequest) -> tuple[float | None, float | None]:
        """The loop-clock deadline of the whole call, and the connect timeout."""
        total, connect = self._lean_timeouts.get(request.subgraph, self._lean_default)
        total = _within_request(total, request)
        if total is None:
            return None, connect
        return asyncio.get_running_loop().time() + total, connect

    async def close(self) -> None:
        if self._lean is not None:
            await self._lean.close()
        if self._traced is not None and not self._traced.closed:
            await self._traced.close()
        self._traced = None
        if self._session is not None and self._owns_session and not self._session.closed:
            await self._session.close()
            # Give aiohttp's SSL/transport callbacks a tick to run before the loop goes away.
            await asyncio.sleep(0)
        self._session = None


class _Reuse:
    __slots__ = ("reused",)

    def __init__(self) -> None:
        self.reused = False


async def _mark_reused(
    session: aiohttp.ClientSession, ctx: SimpleNamespace, params: object
) -> None:
    ctx.trace_request_ctx.reused = True


def _within_request(total: float | None, request: SubgraphRequest) -> float | None:
    """``total`` seconds, or less: no subgraph call outlives the client's request
    (``traffic_shaping.router.timeout``)."""
    context = request.context
    if context is None or context.deadline is None:
        return total
    left = max(context.remaining() or 0.0, 0.001)  # 0 would mean "no limit"
    return left if total is None or left < total else total


def _timed_out(name: str, exc: TimeoutError) -> TransportError:
    return TransportError(
        name,
        f"HTTP fetch failed from '{name}': request timed out",
        code="GATEWAY_TIMEOUT",
        answered=exc.__class__ is _BodyTimeout,
    )


def _log_failure(request: SubgraphRequest, exc: BaseException) -> None:
    """The detail (aiohttp's text has host:port) goes to the log with the request id, never
    to the client."""
    request_id = request.context.request_id if request.context else "-"
    log.warning(
        "subgraph %s: %s: %s (request %s)", request.subgraph, type(exc).__name__, exc, request_id
    )


def _resend_note(request: SubgraphRequest, exc: BaseException) -> None:
    request_id = request.context.request_id if request.context else "-"
    log.info(
        "subgraph %s: the connection closed before an answer (%s); sent again on a new one "
        "(request %s)",
        request.subgraph,
        type(exc).__name__,
        request_id,
    )


def _reason(exc: BaseException) -> str:
    """What failed, in words that name no host, port or path."""
    if isinstance(exc, aiohttp.ClientConnectorError):
        return "cannot connect"
    if isinstance(exc, aiohttp.ServerDisconnectedError):
        return "the connection closed before a response"
    if isinstance(exc, (aiohttp.ClientPayloadError, _Answered)):
        return "the response body was cut short"
    if isinstance(exc, aiohttp.ClientResponseError):
        return f"invalid response ({exc.status})"
    return "connection error"


async def _read(resp: aiohttp.ClientResponse, limit: int | None, name: str) -> bytes:
    """The body, refused past ``limit`` bytes (decompressed) before it is all in memory."""
    length = resp.content_length
    if limit is None or (length is not None and length <= limit and not _encoded(resp)):
        return await resp.read()  # the usual case: declared, small, not compressed
    if length is not None and length > limit:
        raise _too_large(name, limit)
    chunks: list[bytes] = []
    size = 0
    async for chunk in resp.content.iter_chunked(1 << 16):
        size += len(chunk)
        if size > limit:
            # freed now: the exception's traceback keeps this frame (and the list) alive
            # until a full garbage collection, and refused bodies can come one after another
            chunks.clear()
            raise _too_large(name, limit)
        chunks.append(chunk)
    return b"".join(chunks)


def _encoded(resp: aiohttp.ClientResponse) -> bool:
    # a compressed body's declared length says nothing about its size once decompressed
    return resp.headers.get("content-encoding", "identity").lower() != "identity"


def _too_large(name: str, limit: int) -> TransportError:
    message = f"HTTP fetch failed from '{name}': the response is larger than {limit} bytes"
    return TransportError(name, message, code="SUBREQUEST_PAYLOAD_TOO_LARGE")
