"""The servers the trust end-to-end tests run in a background event loop: uvicorn-served echo
subgraphs (HTTPS with trustme certificates, optionally requiring a client certificate) and
aiohttp token endpoints. The test thread changes their state (a token endpoint's mode)
directly, since they share the process."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator, Coroutine, Iterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager, contextmanager
from typing import Any, TypeVar

import uvicorn

from gateway.transport.asgi import ASGIApp, Receive, Scope, Send
from tests.services import free_port

T = TypeVar("T")


class LoopThread:
    """An event loop on its own thread; ``run`` waits for a coroutine's result there."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self._thread.start()
        self._exits: list[AbstractAsyncContextManager[Any]] = []

    def run(self, coro: Coroutine[Any, Any, T], timeout: float = 30) -> T:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    def enter(self, manager: AbstractAsyncContextManager[T]) -> T:
        value = self.run(manager.__aenter__())
        self._exits.append(manager)
        return value

    def close(self) -> None:
        for manager in reversed(self._exits):
            self.run(manager.__aexit__(None, None, None))
        self.run(_cancel_the_rest())  # a handler still hanging (a token endpoint told to)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(10)
        self.loop.close()


async def _cancel_the_rest() -> None:
    tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)


@contextmanager
def loop_thread() -> Iterator[LoopThread]:
    thread = LoopThread()
    try:
        yield thread
    finally:
        thread.close()


@asynccontextmanager
async def uvicorn_server(app: ASGIApp, **ssl_options: Any) -> AsyncIterator[int]:
    """``app`` under uvicorn on a free loopback port (TLS when ``ssl_*`` options are given)."""
    port = free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="error", **ssl_options)
    server = uvicorn.Server(config)
    task = asyncio.ensure_future(server.serve())
    try:
        while not server.started:
            if task.done():
                task.result()
            await asyncio.sleep(0.01)
        yield port
    finally:
        server.should_exit = True
        await task


class WireEncoding:
    """Copies the ``content-encoding`` the request arrived with into ``x-wire-encoding``,
    before any middleware decodes the body, so the echo shows what was on the wire."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            found = [v for k, v in scope["headers"] if k == b"content-encoding"]
            scope = {**scope, "headers": [*scope["headers"], (b"x-wire-encoding", *found[:1])]}
            if not found:
                scope["headers"].pop()
        await self.app(scope, receive, send)
