"""@defer over HTTP, end to end: the gateway and four strawberry subgraphs served by uvicorn
(``shop.py``), a real HTTP client (httpx) reading the ``multipart/mixed`` body part by part.

The slow subgraph is held by an ``asyncio.Event`` (``Shop.gate``) that the test sets only
after it has read the first part: the first part provably arrives while the deferred fetch is
still waiting (no timing threshold)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import httpx

from gateway.config import GatewayConfig
from gateway.config.defer import DeferConfig
from gateway.config.model import SubgraphErrors

from .harness import DEFER_ACCEPT, Shop, gateway, merged, streamed
from .shop import Shop as Subgraphs

PRODUCTS = [{"name": f"product-{n}"} for n in (1, 2, 3)]
SHOW_ERRORS = GatewayConfig(include_subgraph_errors=SubgraphErrors(all=True))


def run(test: Callable[[Shop, httpx.AsyncClient], Awaitable[None]], config: Any = None) -> None:
    async def main() -> None:
        async with gateway(config) as shop, httpx.AsyncClient(timeout=20) as client:
            await test(shop, client)

    asyncio.run(main())


def test_first_part_arrives_while_the_deferred_subgraph_is_held() -> None:
    query = '{ products { name ... @defer(label: "reviews") { reviews { body } } } }'

    async def test(shop: Shop, client: httpx.AsyncClient) -> None:
        gate = Subgraphs.gate = asyncio.Event()
        async with streamed(client, shop.url, query) as parts:
            first = await parts.next()
            assert first == {"data": {"products": PRODUCTS}, "hasNext": True}
            # the deferred _entities call has been sent and is still held
            assert not gate.is_set()
            gate.set()
            rest = await parts.rest()
        assert rest == [
            {
                "hasNext": False,
                "incremental": [
                    {
                        "data": {"reviews": [{"body": f"review-{n}-1"}, {"body": f"review-{n}-2"}]},
                        "path": ["products", n - 1],
                        "label": "reviews",
                    }
                    for n in (1, 2, 3)
                ],
            }
        ]

    run(test)


def test_parts_come_as_their_blocks_finish() -> None:
    """The held reviews block is written in the document first; the inventory block
    finishes first and is delivered first, each with its label."""
    query = (
        '{ products { name ... @defer(label: "r") { reviews { body } } '
        '... @defer(label: "s") { inStock } } }'
    )

    async def test(shop: Shop, client: httpx.AsyncClient) -> None:
        gate = Subgraphs.gate = asyncio.Event()
        async with streamed(client, shop.url, query) as parts:
            assert (await parts.next()) == {"data": {"products": PRODUCTS}, "hasNext": True}
            stock = await parts.next()
            assert stock is not None and stock["hasNext"] is True
            assert [(e["label"], e["path"], e["data"]) for e in stock["incremental"]] == [
                ("s", ["products", 0], {"inStock": True}),
                ("s", ["products", 1], {"inStock": False}),
                ("s", ["products", 2], {"inStock": True}),
            ]
            gate.set()
            [reviews] = await parts.rest()
        assert reviews["hasNext"] is False
        assert {e["label"] for e in reviews["incremental"]} == {"r"}

    run(test)


def test_nested_defer_in_lists() -> None:
    query = """{ products { name ... @defer(label: "outer") {
        reviews { body ... @defer(label: "inner") { author } } } } }"""

    async def test(shop: Shop, client: httpx.AsyncClient) -> None:
        async with streamed(client, shop.url, query) as parts:
            every = [await parts.next(), *await parts.rest()]
        assert [p["hasNext"] for p in every] == [True, True, False]  # type: ignore[index]
        outer, inner = every[1]["incremental"], every[2]["incremental"]  # type: ignore[index]
        assert [e["path"] for e in outer] == [["products", i] for i in range(3)]
        assert [e["path"] for e in inner] == [
            ["products", i, "reviews", j] for i in range(3) for j in range(2)
        ]
        assert inner[3] == {
            "data": {"author": "author-of-2"},
            "path": ["products", 1, "reviews", 1],
            "label": "inner",
        }
        whole = merged(every)  # type: ignore[arg-type]
        assert whole["products"][2]["reviews"][0] == {"body": "review-3-1", "author": "author-of-3"}

    run(test)


def test_errors_go_in_the_deferred_entry_they_belong_to() -> None:
    query = "{ products { name ... @defer { reviews { flagged } } } }"

    async def test(shop: Shop, client: httpx.AsyncClient) -> None:
        async with streamed(client, shop.url, query) as parts:
            first = await parts.next()
            rest = await parts.rest()
        assert first is not None and "errors" not in first
        entries = rest[0]["incremental"]
        assert [("errors" in e) for e in entries] == [False, True, False]
        errors = entries[1]["errors"]
        assert [e["path"] for e in errors] == [
            ["products", 1, "reviews", 0, "flagged"],
            ["products", 1, "reviews", 1, "flagged"],
        ]
        assert "product 2 cannot be checked" in errors[0]["message"]
        assert entries[1]["data"] == {"reviews": [{"flagged": None}, {"flagged": None}]}

    run(test, SHOW_ERRORS)


def test_defer_if_variable() -> None:
    query = 'query($d: Boolean!) { product(upc: "1") { name ... @defer(if: $d) { inStock } } }'

    async def test(shop: Shop, client: httpx.AsyncClient) -> None:
        body = {"query": query, "variables": {"d": False}}
        off = await client.post(shop.url, json=body, headers={"accept": DEFER_ACCEPT})
        assert off.headers["content-type"].startswith("application/json")
        assert off.json() == {"data": {"product": {"name": "product-1", "inStock": True}}}
        async with streamed(client, shop.url, query, {"d": True}) as parts:
            every = [await parts.next(), *await parts.rest()]
        assert every == [
            {"data": {"product": {"name": "product-1"}}, "hasNext": True},
            {"hasNext": False, "incremental": [{"data": {"inStock": True}, "path": ["product"]}]},
        ]

    run(test)


def test_named_fragment_root_defer_and_same_subgraph() -> None:
    query = """{
      products { ...Sizes @defer(label: "sizes") }
      ... @defer(label: "count") { reviewCount }
    }
    fragment Sizes on Product { dimensions { size } }"""

    async def test(shop: Shop, client: httpx.AsyncClient) -> None:
        async with streamed(client, shop.url, query) as parts:
            every = [await parts.next(), *await parts.rest()]
        assert every[0] == {"data": {"products": [{}, {}, {}]}, "hasNext": True}
        entries = [e for p in every[1:] for e in p["incremental"]]  # type: ignore[union-attr]
        assert {"data": {"reviewCount": 6}, "path": [], "label": "count"} in entries
        sizes = [e for e in entries if e["label"] == "sizes"]
        assert [e["data"] for e in sizes] == [
            {"dimensions": {"size": f"size-{n}"}} for n in (1, 2, 3)
        ]
        # Apollo Router's plan: the deferred fields of the same subgraph in a follow-up
        # entity fetch to it, keyed on the primary fetch's upc
        products_calls = [r["query"] for r in Subgraphs.requests["products"]]
        assert len(products_calls) == 2 and "_entities" in products_calls[1]

    run(test)


def test_a_client_without_multipart_gets_the_whole_response() -> None:
    query = '{ products { name ... @defer(label: "r") { reviews { body } } } }'

    async def test(shop: Shop, client: httpx.AsyncClient) -> None:
        response = await client.post(
            shop.url, json={"query": query}, headers={"accept": "application/json"}
        )
        assert response.headers["content-type"].startswith("application/json")
        products = response.json()["data"]["products"]
        assert products[0] == {
            "name": "product-1",
            "reviews": [{"body": "review-1-1"}, {"body": "review-1-2"}],
        }

    run(test)


def test_a_failed_first_part_is_answered_whole_without_has_next() -> None:
    """The primary fetch fails and nulls ``data``: nothing is left to defer into, so the
    answer is one JSON response (no ``hasNext``, which only multipart parts carry)."""
    query = '{ products { name ... @defer(label: "r") { reviews { body } } } }'
    down = GatewayConfig(subgraph_urls={"products": "http://127.0.0.1:9/graphql"})

    async def test(shop: Shop, client: httpx.AsyncClient) -> None:
        accept = {"accept": DEFER_ACCEPT}
        response = await client.post(shop.url, json={"query": query}, headers=accept)
        assert response.headers["content-type"].startswith("application/json")
        body = response.json()
        assert body["data"] is None and "hasNext" not in body
        assert body["errors"][0]["extensions"]["code"] == "SUBREQUEST_HTTP_ERROR"

    run(test, down)


def test_defer_support_false_answers_whole() -> None:
    query = '{ products { name ... @defer(label: "r") { reviews { body } } } }'

    async def test(shop: Shop, client: httpx.AsyncClient) -> None:
        response = await client.post(
            shop.url, json={"query": query}, headers={"accept": DEFER_ACCEPT}
        )
        assert response.headers["content-type"].startswith("application/json")
        assert response.json()["data"]["products"][2]["reviews"][1] == {"body": "review-3-2"}
        # planned without blocks: one reviews call for the whole list, as without @defer
        assert len(Subgraphs.requests["reviews"]) == 1

    run(test, GatewayConfig(defer=DeferConfig(enabled=False)))


def test_a_client_leaving_mid_stream_stops_the_deferred_fetches() -> None:
    query = "{ products { name ... @defer { reviews { body } } } }"

    async def test(shop: Shop, client: httpx.AsyncClient) -> None:
        Subgraphs.gate = asyncio.Event()
        async with streamed(client, shop.url, query) as parts:
            assert (await parts.next()) is not None
        # the client closed the stream while the reviews answer was held; the gateway
        # still answers new requests (nothing hangs), and its held task was cancelled
        Subgraphs.gate.set()
        ok = await client.post(shop.url, json={"query": "{ products { name } }"})
        assert ok.json() == {"data": {"products": PRODUCTS}}

    run(test)
