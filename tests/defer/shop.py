"""The @defer tests' subgraphs (strawberry federation, served by uvicorn on the test's own
event loop, so that a test can hold a subgraph's answer with an ``asyncio.Event``):

* ``accounts``: ``Query.me: User`` (Apollo Router's documented @defer example);
* ``products``: ``Query.products`` / ``product(upc)``, ``Product { upc name dimensions }``
  (``Dimensions`` a value type: no key);
* ``reviews``: ``Product.reviews`` and ``User.reviews`` (entity fields), ``Review { body
  author flagged }`` (``flagged`` fails for product 2), ``Query.reviewCount``; the slow one:
  its ``_entities`` answers wait for ``Shop.gate`` when one is set;
* ``inventory``: ``Product.inStock``.

Every subgraph records the GraphQL requests it receives (``Shop.requests``).
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from typing import Any, ClassVar

import strawberry
import uvicorn
from starlette.applications import Starlette
from starlette.routing import Route
from strawberry.asgi import GraphQL

from gateway.composition import compose
from gateway.composition.model import CompositionSuccess, SubgraphSource
from subgraphs.common.sdl import subgraph_sdl
from tests.services import free_port

# strawberry logs every resolver error; the failing field is on purpose here
logging.getLogger("strawberry.execution").setLevel(logging.CRITICAL)


class Shop:
    """What the running subgraphs share with the test."""

    gate: ClassVar[asyncio.Event | None] = None
    requests: ClassVar[dict[str, list[dict[str, Any]]]] = {}


async def _held() -> None:
    gate = Shop.gate
    if gate is not None:
        await gate.wait()


# -- accounts ---------------------------------------------------------------------------------


@strawberry.federation.type(keys=["id"])
class User:
    id: strawberry.ID
    name: str

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> User:
        return cls(id=id, name="test")


@strawberry.type
class AccountsQuery:
    @strawberry.field
    def me(self) -> User:
        return User(id=strawberry.ID("1"), name="test")


# -- products ---------------------------------------------------------------------------------


@strawberry.type
class Dimensions:
    size: str
    weight: int


@strawberry.federation.type(keys=["upc"])
class Product:
    upc: strawberry.ID

    @strawberry.field
    def name(self) -> str:
        return f"product-{self.upc}"

    @strawberry.field
    def dimensions(self) -> Dimensions:
        return Dimensions(size=f"size-{self.upc}", weight=int(self.upc) * 100)

    @classmethod
    def resolve_reference(cls, upc: strawberry.ID) -> Product:
        return cls(upc=upc)


@strawberry.type
class ProductsQuery:
    @strawberry.field
    def products(self) -> list[Product]:
        return [Product(upc=strawberry.ID(str(n))) for n in (1, 2, 3)]

    @strawberry.field
    def product(self, upc: strawberry.ID) -> Product:
        return Product(upc=upc)


# -- reviews ----------------------------------------------------------------------------------


@strawberry.type
class Review:
    body: str
    of: strawberry.Private[str]

    @strawberry.field
    def author(self) -> str:
        return f"author-of-{self.of}"

    @strawberry.field
    def flagged(self) -> str | None:
        if self.of == "2":
            raise ValueError("review of product 2 cannot be checked")
        return "no"


@strawberry.federation.type(keys=["upc"], name="Product")
class ReviewedProduct:
    upc: strawberry.ID

    @strawberry.field
    def reviews(self) -> list[Review]:
        return [Review(body=f"review-{self.upc}-{n}", of=str(self.upc)) for n in (1, 2)]

    @classmethod
    async def resolve_reference(cls, upc: strawberry.ID) -> ReviewedProduct:
        await _held()
        return cls(upc=upc)


@strawberry.federation.type(keys=["id"], name="User")
class ReviewingUser:
    id: strawberry.ID

    @strawberry.field
    def reviews(self) -> list[Review]:
        return [Review(body="Test", of="user")]

    @classmethod
    async def resolve_reference(cls, id: strawberry.ID) -> ReviewingUser:
        await _held()
        return cls(id=id)


@strawberry.type
class ReviewsQuery:
    @strawberry.field
    async def review_count(self) -> int:
        await _held()
        return 6


# -- inventory --------------------------------------------------------------------------------


@strawberry.federation.type(keys=["upc"], name="Product")
class StockedProduct:
    upc: strawberry.ID

    @strawberry.field
    def in_stock(self) -> bool:
        return self.upc != "2"

    @classmethod
    def resolve_reference(cls, upc: strawberry.ID) -> StockedProduct:
        return cls(upc=upc)


@strawberry.type
class InventoryQuery:
    @strawberry.field
    def inventory_ready(self) -> bool:
        return True


SCHEMAS = {
    "accounts": strawberry.federation.Schema(query=AccountsQuery),
    "products": strawberry.federation.Schema(query=ProductsQuery),
    "reviews": strawberry.federation.Schema(
        query=ReviewsQuery, types=[ReviewingUser, ReviewedProduct]
    ),
    "inventory": strawberry.federation.Schema(query=InventoryQuery, types=[StockedProduct]),
}


class _Recording:
    """The GraphQL app, recording each request body it receives."""

    def __init__(self, service: str, app: Any) -> None:
        self.service = service
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        chunks: list[bytes] = []
        more = True
        while more:
            message = await receive()
            chunks.append(message.get("body", b""))
            more = message.get("more_body", False)
        body = b"".join(chunks)
        Shop.requests.setdefault(self.service, []).append(json.loads(body) if body else {})
        sent = False

        async def replay() -> dict[str, Any]:
            nonlocal sent
            if sent:
                message: dict[str, Any] = await receive()
                return message
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)


def subgraph_app(service: str) -> Starlette:
    app = _Recording(service, GraphQL(SCHEMAS[service]))
    return Starlette(routes=[Route("/graphql", app, methods=["POST"])])


def supergraph_sdl(urls: dict[str, str]) -> str:
    sources = [
        SubgraphSource(name, f"{url}/graphql", subgraph_sdl(SCHEMAS[name]))
        for name, url in urls.items()
    ]
    result = compose(sources)
    assert isinstance(result, CompositionSuccess), result
    return result.supergraph_sdl


@asynccontextmanager
async def served(app: Any, lifespan: str = "off") -> AsyncIterator[str]:
    """``app`` served by uvicorn on a free loopback port of this event loop; its base URL."""
    port = free_port()
    config = uvicorn.Config(
        app, host="127.0.0.1", port=port, log_level="warning", lifespan=lifespan
    )
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    while not server.started:
        if task.done():
            task.result()
        await asyncio.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await task


@asynccontextmanager
async def shop() -> AsyncIterator[dict[str, str]]:
    """All four subgraphs running; their base URLs by name."""
    Shop.gate = None
    Shop.requests = {}
    async with AsyncExitStack() as stack:
        urls = {
            name: await stack.enter_async_context(served(subgraph_app(name))) for name in SCHEMAS
        }
        yield urls
