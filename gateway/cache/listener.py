"""``invalidation.listen``: the invalidation endpoint on its own address (Apollo Router's
default is another port than the GraphQL one), served by the same process and loop, as
``health_check.listen`` is (``gateway/server/health_listener.py``): a second
``uvicorn.Server`` started and stopped by the app's lifespan, with ``SO_REUSEPORT`` so that
``--workers N`` share the address."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.routing import Route

from gateway.side_listener import SideListener

from .endpoint import Endpoint

__all__ = ["InvalidationListener"]


class InvalidationListener(SideListener):
    def __init__(self, host: str, port: int, path: str, endpoint: Endpoint) -> None:
        app = Starlette(routes=[Route(path, endpoint, methods=["POST", "GET"])])
        super().__init__(host, port, app, "invalidation.listen")
