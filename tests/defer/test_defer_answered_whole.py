"""``@defer`` is part of the API schema (as in Apollo Router, whose clients send it) and is
validated with graphql-core's defer rules. Where incremental delivery is not asked for (a
call from code, a client without ``multipart/mixed``, ``supergraph.defer_support: false``)
the response is delivered whole, deferred fields in it, as the incremental-delivery spec
allows. Real strawberry subgraphs in-process (``LocalClient``), the real server app with
httpx (incremental delivery itself: ``test_incremental_http.py``)."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx

from gateway.config import GatewayConfig
from gateway.config.defer import DeferConfig
from gateway.pipeline import Gateway
from gateway.server import create_app
from gateway.supergraph import load_supergraph
from gateway.transport.local import LocalClient
from tests.subscriptions.harness import supergraph
from tests.subscriptions.live_subgraphs import create_app as subgraph_app

SUPERGRAPH = load_supergraph(supergraph("http://feed", "http://catalog"))


def _client() -> LocalClient:
    return LocalClient({"feed": subgraph_app("feed"), "catalog": subgraph_app("catalog")})


def run(query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
    return asyncio.run(Gateway(SUPERGRAPH, _client()).execute(query, variables))


def test_deferred_fields_are_in_the_whole_response() -> None:
    query = '{ item(id: "1") { id ... @defer(label: "more") { name } } }'
    assert run(query) == {"data": {"item": {"id": "1", "name": "item-1"}}}


def test_defer_if_false_named_fragments_and_nesting() -> None:
    query = """
    query($d: Boolean!) {
      item(id: "2") { id ...Named @defer(if: $d) }
      again: item(id: "3") { ... @defer { id ... @defer(label: "inner") { name } } }
    }
    fragment Named on Item { name }
    """
    expected = {
        "data": {
            "item": {"id": "2", "name": "item-2"},
            "again": {"id": "3", "name": "item-3"},
        }
    }
    assert run(query, {"d": True}) == expected
    assert run(query, {"d": False}) == expected


def test_defer_rules_are_validated() -> None:
    on_root = run("subscription { ... @defer { ticks(count: 1) { n } } }")
    assert on_root["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    duplicate = run(
        '{ item(id: "1") { ... @defer(label: "a") { id } ... @defer(label: "a") { name } } }'
    )
    assert duplicate["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"


def test_defer_support_false_gives_apollo_clients_json() -> None:
    config = GatewayConfig(defer=DeferConfig(enabled=False))
    app = create_app(SUPERGRAPH, client=_client(), config=config)
    query = '{ item(id: "4") { id ... @defer { name } } }'
    headers = {"accept": "multipart/mixed;deferSpec=20220824, application/json"}

    async def ask() -> httpx.Response:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://gw") as client:
            return await client.post("/graphql", json={"query": query}, headers=headers)

    response = asyncio.run(ask())
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    assert response.json() == {"data": {"item": {"id": "4", "name": "item-4"}}}
