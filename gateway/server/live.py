"""The app's current generation, swapped whole by a reload, and the process's signals.

A request reads ``Live.current`` once, when it arrives, and runs to the end on that
generation: a reload never changes the plan, config or client under a request in flight. A
generation swapped out is retired: its own subgraph client (if the new one has another) is
closed when its last request finishes. SIGHUP reloads; SIGTERM marks the server draining
(readiness answers 503) before uvicorn's graceful shutdown runs."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import threading
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from types import FrameType
from typing import TYPE_CHECKING, Any, Protocol

from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send

from gateway.resilience import ResilientClient
from gateway.transport.base import SubgraphClient
from gateway.transport.http import HttpClient

from .health_view import health_detail, subgraphs_ready

if TYPE_CHECKING:
    from .reload import Reloader

__all__ = ["ClientStack", "Live"]

log = logging.getLogger("fedgate.reload")

_JSON = "application/json"


@dataclass(frozen=True, slots=True)
class ClientStack:
    """The subgraph client a generation uses, the aiohttp client under it when the app owns
    one, and the settings it was built from (to know whether a reload can keep it);
    ``resilient``: the guards' wrapper when resilience is configured (the health view reads
    it)."""

    client: SubgraphClient
    owned: HttpClient | None
    settings: tuple[object, ...]
    resilient: ResilientClient | None = None


class _Generation(Protocol):
    # requests in flight on this generation
    active: int

    @property
    def stack(self) -> ClientStack: ...

    async def close_hooks(self) -> None: ...

    # the endpoint (an attribute: the generation picks it once, with or without access log)
    graphql: Callable[[Request], Awaitable[Response]]


class Live:
    __slots__ = ("_closing", "current", "draining", "on_drain", "on_retired", "ready")

    def __init__(self, first: _Generation) -> None:
        self.current: Any = first
        self.ready = False
        self.draining = False
        # called once on SIGTERM (subscriptions end theirs: uvicorn waits for open streams)
        self.on_drain: list[Callable[[], None]] = []
        # called when a swapped-out generation is closed (the collector's refreeze)
        self.on_retired: list[Callable[[], None]] = []
        self._closing: set[asyncio.Task[None]] = set()

    async def graphql(self, request: Request) -> Response:
        generation = self.current
        generation.active += 1
        try:
            response: Response = await generation.graphql(request)
            return response
        finally:
            generation.active -= 1
            if not generation.active and generation is not self.current:
                self._retire(generation)

    async def serve(self, scope: Scope, receive: Receive, send: Send) -> None:
        """The GraphQL endpoint called straight from ASGI (lean.py): as ``graphql`` and
        Starlette's route around it, but the generation counts the request until its answer
        is written, not only until it is built (a @defer stream ends on the generation it
        began on, its hooks and client still open)."""
        generation = self.current
        generation.active += 1
        try:
            try:
                response: Response = await generation.graphql(Request(scope, receive, send))
            except ClientDisconnect:
                return  # gone before its body arrived: nobody to answer, nothing to log
            except Exception:
                from .lean import internal_error

                await internal_error(scope, receive, send)
                raise
            await response(scope, receive, send)
        finally:
            generation.active -= 1
            if not generation.active and generation is not self.current:
                self._retire(generation)

    async def health(self, request: Request) -> Response:
        wants_ready = "ready" in request.query_params or request.url.path.endswith("/ready")
        if wants_ready and (not self.ready or self.draining):
            return Response(b'{"status":"DOWN"}', 503, media_type=_JSON)
        if wants_ready and self.current.config.resilience.health.require_subgraphs:
            return await subgraphs_ready(self.current)
        return Response(b'{"status":"UP"}', 200, media_type=_JSON)

    async def health_detail(self, request: Request) -> Response:
        return health_detail(self.current)

    def swap(self, new: _Generation) -> None:
        """Serve ``new`` from the next request on (one assignment: atomic on the loop)."""
        old = self.current
        self.current = new
        if not old.active:
            self._retire(old)
        # else: retired when its last request ends (graphql's finally)

    def _retire(self, old: _Generation) -> None:
        task = asyncio.ensure_future(self._close(old, keep=self.current.stack.owned))
        self._closing.add(task)
        task.add_done_callback(self._retired)

    def _retired(self, task: asyncio.Task[None]) -> None:
        # the closing coroutine has returned: nothing here holds the old generation any more
        self._closing.discard(task)
        for hook in self.on_retired:
            hook()

    @staticmethod
    async def _close(old: _Generation, keep: HttpClient | None) -> None:
        # each generation's plugins are its own (built with its gateway); its pooled client
        # only when the next generation did not keep it
        await old.close_hooks()
        owned = old.stack.owned
        if owned is not None and owned is not keep:
            await owned.close()

    async def close(self) -> None:
        await asyncio.gather(*self._closing, return_exceptions=True)
        await self._close(self.current, keep=None)

    @contextlib.contextmanager
    def signals(self, reloader: Reloader | None) -> Iterator[None]:
        """While serving: SIGHUP reloads, SIGTERM marks draining before uvicorn's own handler
        (installed before the lifespan starts) shuts down gracefully. Only for ``fedgate
        serve`` (a reloader), and only on the main thread."""
        if reloader is None or threading.current_thread() is not threading.main_thread():
            yield
            return
        loop = asyncio.get_running_loop()
        previous = signal.getsignal(signal.SIGTERM)

        def on_term(signum: int, frame: FrameType | None) -> None:
            if not self.draining:
                self.draining = True
                log.info("fedgate: SIGTERM: draining in-flight requests")
                for drain in self.on_drain:
                    drain()
            if callable(previous):
                previous(signum, frame)

        loop.add_signal_handler(signal.SIGHUP, reloader.trigger)
        signal.signal(signal.SIGTERM, on_term)
        try:
            yield
        finally:
            loop.remove_signal_handler(signal.SIGHUP)
            if signal.getsignal(signal.SIGTERM) is on_term:
                signal.signal(signal.SIGTERM, previous)
