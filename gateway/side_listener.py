"""A second listener in the gateway's process and event loop, for what Apollo Router serves on
an address of its own (``health_check.listen``, the entity cache's ``invalidation.listen``): a
``uvicorn.Server`` started and stopped by the app's lifespan. It leaves the signals to the main
server, and its socket has ``SO_REUSEPORT``, so with ``--workers N`` every worker listens on
the same address and the kernel spreads the requests."""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import Iterator

import uvicorn
from starlette.types import ASGIApp

from gateway.errors import ConfigError

__all__ = ["SideListener"]


class _Quiet(uvicorn.Server):
    """The main server owns SIGTERM/SIGINT: this one exits when told to."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


class SideListener:
    """``app`` on ``host:port``; ``key`` names the setting in errors (``health_check.listen``)."""

    def __init__(self, host: str, port: int, app: ASGIApp, key: str) -> None:
        self.host, self.port = host, port
        self._app = app
        self._key = key
        self._server: _Quiet | None = None
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        family = socket.AF_INET6 if ":" in self.host else socket.AF_INET
        sock = socket.socket(family, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        try:
            sock.bind((self.host, self.port))
        except OSError as exc:
            sock.close()
            where = f"{self.host}:{self.port}"
            raise ConfigError(f"{self._key}: cannot listen on {where}: {exc}") from exc
        sock.listen(128)
        sock.setblocking(False)
        config = uvicorn.Config(
            self._app, lifespan="off", access_log=False, log_level="warning", log_config=None
        )
        self._server = _Quiet(config)
        self._task = asyncio.create_task(self._server.serve(sockets=[sock]))
        while not self._server.started and not self._task.done():
            await asyncio.sleep(0.01)
        if self._task.done():
            self._task.result()  # its failure, raised here

    async def stop(self) -> None:
        if self._server is None or self._task is None:
            return
        self._server.should_exit = True
        await self._task
        self._server = self._task = None
