"""``invalidation.listen``: the invalidation endpoint on its own address (Apollo Router's
default is another port than the GraphQL one), served by the same process and loop, as
``health_check.listen`` is (``gateway/server/health_listener.py``): a second
``uvicorn.Server`` started and stopped by the app's lifespan, with ``SO_REUSEPORT`` so that
``--workers N`` share the address."""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import Iterator

import uvicorn
from starlette.applications import Starlette
from starlette.routing import Route

from gateway.errors import ConfigError

from .endpoint import Endpoint

__all__ = ["InvalidationListener"]


class _Quiet(uvicorn.Server):
    """The main server owns the signals: this one exits when told to."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


class InvalidationListener:
    def __init__(self, host: str, port: int, path: str, endpoint: Endpoint) -> None:
        self.host, self.port = host, port
        self._app = Starlette(routes=[Route(path, endpoint, methods=["POST", "GET"])])
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
            raise ConfigError(f"invalidation.listen: cannot listen on {where}: {exc}") from exc
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
            self._task.result()

    async def stop(self) -> None:
        if self._server is None or self._task is None:
            return
        self._server.should_exit = True
        await self._task
        self._server = self._task = None
