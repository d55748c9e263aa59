"""``health_check.listen``: the health check on its own address (Apollo Router serves it on
127.0.0.1:8088), served by the same process and the same event loop as the GraphQL listener,
so it reports that process's readiness (``/health?ready`` is DOWN while starting or draining).

A second ``uvicorn.Server`` on the running loop, started and stopped by the app's lifespan;
it leaves the signals to the main server. Its socket has ``SO_REUSEPORT``, so with
``--workers N`` every worker listens on the same address and the kernel spreads the checks.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import Awaitable, Callable, Iterator

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from gateway.errors import ConfigError

__all__ = ["HealthListener"]

Endpoint = Callable[[Request], Awaitable[Response]]


class _Quiet(uvicorn.Server):
    """The main server owns SIGTERM/SIGINT: this one exits when told to."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


class HealthListener:
    def __init__(self, host: str, port: int, path: str, endpoint: Endpoint) -> None:
        self.host, self.port = host, port
        routes = [
            Route(path, endpoint, methods=["GET"]),
            Route(path.rstrip("/") + "/ready", endpoint, methods=["GET"]),
        ]
        self._app = Starlette(routes=routes)
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
            raise ConfigError(f"health_check.listen: cannot listen on {where}: {exc}") from exc
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
