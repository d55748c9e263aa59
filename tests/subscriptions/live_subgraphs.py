"""Two strawberry federation subgraphs for the subscription tests, served by uvicorn:
``python -m tests.subscriptions.live_subgraphs --service feed|catalog --port N``.

``feed`` owns ``Subscription.ticks(count, intervalMs)``: ``count`` events ``Tick { n items }``
(``items``: two ``Item`` keys per event), then it completes. ``catalog`` owns ``Item.name``
(resolved through ``_entities``) and counts the ``_entities`` requests it answers:
``GET /calls``. Both answer ``GET /health``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time
from collections.abc import AsyncGenerator
from typing import Any

import strawberry
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route, WebSocketRoute
from strawberry.asgi import GraphQL

from subgraphs.common.sdl import subgraph_sdl


@strawberry.federation.type(keys=["id"])
class Item:
    id: strawberry.ID


@strawberry.type
class Tick:
    n: int
    items: list[Item]
    pad: str = ""
    # the Authorization header of the subscription's WebSocket upgrade (header rules at work)
    auth: str | None = None
    # the connection_init payload the gateway sent, as JSON
    init: str = "{}"
    # when the subgraph sent the event (time.time()): the load test's latency
    at: float = 0.0


@strawberry.type
class FeedQuery:
    @strawberry.field
    def feed_ready(self) -> bool:
        return True


@strawberry.type
class Subscription:
    @strawberry.subscription
    async def ticks(
        self, info: strawberry.Info, count: int, interval_ms: int = 0, pad_bytes: int = 0
    ) -> AsyncGenerator[Tick, None]:
        request = info.context["request"]
        auth = request.headers.get("authorization")
        init = json.dumps(info.context.get("connection_params") or {}, sort_keys=True)
        for n in range(1, count + 1):
            items = [Item(id=strawberry.ID(str(n))), Item(id=strawberry.ID(f"{n}b"))]
            tick = Tick(n=n, items=items, pad="x" * pad_bytes, auth=auth, init=init, at=time.time())
            yield tick
            await asyncio.sleep(interval_ms / 1000)


FEED = strawberry.federation.Schema(query=FeedQuery, subscription=Subscription)


@strawberry.federation.type(keys=["id"], name="Item")
class CatalogItem:
    id: strawberry.ID

    @strawberry.field
    def name(self) -> str:
        return f"item-{self.id}"

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> CatalogItem:
        return cls(id=id)


@strawberry.type
class CatalogQuery:
    @strawberry.field
    def item(self, id: strawberry.ID) -> CatalogItem:
        return CatalogItem(id=id)


CATALOG = strawberry.federation.Schema(query=CatalogQuery)
SCHEMAS = {"feed": FEED, "catalog": CATALOG}


def sdl(service: str) -> str:
    return subgraph_sdl(SCHEMAS[service])


class _Counting:
    """The GraphQL app, counting the requests that ask for ``_entities``."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.entity_calls = 0

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        chunks: list[bytes] = []
        more = True
        while more:
            message = await receive()
            chunks.append(message.get("body", b""))
            more = message.get("more_body", False)
        body = b"".join(chunks)
        if b"_entities" in body:
            self.entity_calls += 1
        sent = False

        async def replay() -> dict[str, Any]:
            nonlocal sent
            if sent:
                message: dict[str, Any] = await receive()
                return message
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)


def create_app(service: str) -> Starlette:
    counting = _Counting(GraphQL(SCHEMAS[service]))

    async def health(request: Request) -> JSONResponse:
        return JSONResponse({"status": "UP"})

    async def calls(request: Request) -> JSONResponse:
        return JSONResponse({"entities": counting.entity_calls})

    return Starlette(
        routes=[
            Route("/health", health),
            Route("/calls", calls),
            Route("/graphql", counting, methods=["GET", "POST"]),
            WebSocketRoute("/graphql", counting),
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--service", choices=sorted(SCHEMAS), required=True)
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    uvicorn.run(create_app(args.service), host="127.0.0.1", port=args.port, log_level="warning")


if __name__ == "__main__":
    main()
