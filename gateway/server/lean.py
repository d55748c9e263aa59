"""The GraphQL endpoint served straight from ASGI, in front of Starlette.

Every request to the GraphQL path (``supergraph.path``) with one of its methods goes from the
ASGI call to the current generation's endpoint (``Live.serve``) and back as one
``http.response.start`` and one ``http.response.body``: no middleware stack, no route
matching, no exception-handling wrappers per request. It is the same endpoint, with the same
checks and features, that Starlette's route for the path calls; only the layers around it are
left out. What those layers did for this path is done here: an exception out of the endpoint
answers 500 ``Internal Server Error`` (as Starlette's ``ServerErrorMiddleware``) and is raised
on to the server, which logs it. Everything else (health, GraphiQL's assets, /metrics, the
WebSocket route, the lifespan, other paths and methods) is Starlette's, and so is the GraphQL
path under a ``root_path`` (an app mounted inside another), where Starlette's routing decides
what the path is.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import BaseRoute
from starlette.types import Lifespan, Receive, Scope, Send

from .live import Live

__all__ = ["GRAPHQL_METHODS", "GatewayApp", "internal_error"]

# the methods of the GraphQL route (HEAD with GET, as Starlette adds it); any other method
# gets Starlette's 405
GRAPHQL_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")
_LEAN_METHODS = frozenset((*GRAPHQL_METHODS, "HEAD"))


class GatewayApp(Starlette):
    """Starlette, with the GraphQL path's requests served directly (see the module)."""

    def __init__(
        self,
        *,
        routes: Sequence[BaseRoute],
        lifespan: Lifespan[Any],
        live: Live,
        graphql_path: str,
    ) -> None:
        super().__init__(routes=routes, lifespan=lifespan)
        self._live = live
        self._graphql_path = graphql_path

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] == "http"
            and scope["path"] == self._graphql_path
            and scope["method"] in _LEAN_METHODS
            and not scope.get("root_path")
        ):
            await self._live.serve(scope, receive, send)
            return
        await super().__call__(scope, receive, send)


async def internal_error(scope: Scope, receive: Receive, send: Send) -> None:
    """What Starlette answers for an exception out of an endpoint (debug off)."""
    await PlainTextResponse("Internal Server Error", status_code=500)(scope, receive, send)
