"""``health_check.listen``: the health check on its own address (Apollo Router serves it on
127.0.0.1:8088), served by the same process and the same event loop as the GraphQL listener,
so it reports that process's readiness (``/health?ready`` is DOWN while starting or draining).

A second ``uvicorn.Server`` on the running loop, started and stopped by the app's lifespan;
it leaves the signals to the main server. Its socket has ``SO_REUSEPORT``, so with
``--workers N`` every worker listens on the same address and the kernel spreads the checks.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from gateway.side_listener import SideListener

__all__ = ["HealthListener"]

Endpoint = Callable[[Request], Awaitable[Response]]


class HealthListener(SideListener):
    def __init__(self, host: str, port: int, path: str, endpoint: Endpoint) -> None:
        routes = [
            Route(path, endpoint, methods=["GET"]),
            Route(path.rstrip("/") + "/ready", endpoint, methods=["GET"]),
        ]
        super().__init__(host, port, Starlette(routes=routes), "health_check.listen")
