"""Subgraph failures: partial data plus errors at the affected paths, never a failed request."""

from __future__ import annotations

import socket
from typing import Any

import pytest
from graphql import GraphQLError

from gateway.pipeline import Gateway
from gateway.planner.plan import Fetch, Parallel, QueryPlan
from gateway.transport.base import SubgraphClient
from gateway.transport.http import HttpClient, HttpTimeouts
from gateway.transport.local import ASGIApp, LocalClient

from .domain import (
    TOP_PRODUCTS_PLAN,
    TOP_PRODUCTS_QUERY,
    accounts_app,
    fake_supergraph,
    products_app,
    reviews_app,
)
from .exec_subgraphs import (
    FakeSupergraph,
    Graph,
    StaticPlanner,
    entity_app,
    hanging_app,
    raw_app,
)

pytestmark = pytest.mark.anyio


def gateway_with(client: SubgraphClient, query: str, plan: QueryPlan) -> Gateway:
    return Gateway(fake_supergraph(), client, planner=StaticPlanner({query: plan}))


PARALLEL_QUERY = "{ topProducts { name } me { name } }"
PARALLEL_PLAN = QueryPlan(
    Parallel((Fetch("products", "{topProducts{name}}"), Fetch("accounts", "{me{name}}")))
)


def broken_accounts_gateway(accounts: ASGIApp, **kw: Any) -> Gateway:
    client = LocalClient({"products": products_app(), "accounts": accounts}, **kw)
    return gateway_with(client, PARALLEL_QUERY, PARALLEL_PLAN)


def only_error(result: dict[str, Any]) -> dict[str, Any]:
    assert len(result["errors"]) == 1, result["errors"]
    error: dict[str, Any] = result["errors"][0]
    return error


@pytest.mark.parametrize(
    ("app", "code", "message"),
    [
        (raw_app(500, b"boom"), "SUBREQUEST_HTTP_ERROR", "500: Internal Server Error"),
        (raw_app(503, b'{"errors":[{"message":"down"}]}'), "SUBREQUEST_HTTP_ERROR", "503"),
        (raw_app(200, b"<html>not json"), "SUBREQUEST_MALFORMED_RESPONSE", "invalid JSON"),
        (raw_app(200, b"[1, 2]"), "SUBREQUEST_MALFORMED_RESPONSE", "not a JSON object"),
        (raw_app(200, b'{"data": 3}'), "SUBREQUEST_MALFORMED_RESPONSE", "data is not an object"),
        (raw_app(200, b'{"hello": 1}'), "SUBREQUEST_MALFORMED_RESPONSE", "neither data nor"),
    ],
)
async def test_root_fetch_failure_gives_partial_data(app: ASGIApp, code: str, message: str) -> None:
    result = await broken_accounts_gateway(app).execute(PARALLEL_QUERY)
    assert result["data"] == {
        "topProducts": [{"name": n} for n in ("Table", "Couch", "Chair")],
        "me": None,
    }
    errors = [e for e in result["errors"] if e["extensions"]["code"] == code]
    assert len(errors) == 1
    assert errors[0]["path"] == ["me"]
    assert errors[0]["extensions"]["serviceName"] == "accounts"
    assert message in errors[0]["message"]


async def test_http_error_keeps_the_subgraphs_own_errors() -> None:
    body = b'{"errors":[{"message":"maintenance","extensions":{"code":"DOWN"}}]}'
    result = await broken_accounts_gateway(raw_app(503, body)).execute(PARALLEL_QUERY)
    codes = sorted(e["extensions"]["code"] for e in result["errors"])
    assert codes == ["DOWN", "SUBREQUEST_HTTP_ERROR"]


async def test_timeout_gives_partial_data(caplog: pytest.LogCaptureFixture) -> None:
    gateway = broken_accounts_gateway(hanging_app(), timeout=0.05)
    with caplog.at_level("WARNING", logger="fedgate.subgraph"):
        result = await gateway.execute(PARALLEL_QUERY)
    assert "timed out (GATEWAY_TIMEOUT)" in caplog.text
    assert result["data"]["me"] is None
    assert len(result["data"]["topProducts"]) == 3
    error = only_error(result)
    assert error["extensions"] == {"code": "GATEWAY_TIMEOUT", "serviceName": "accounts"}
    assert error["path"] == ["me"]


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port  # closed again: connecting is refused


async def test_refused_connection_with_the_http_client() -> None:
    port = closed_port()
    api = fake_supergraph().api_schema
    graphs = {n: Graph(n, f"http://127.0.0.1:{port}/graphql") for n in ("products", "accounts")}
    client = HttpClient(timeouts=HttpTimeouts(total=5, connect=5))
    planner = StaticPlanner({PARALLEL_QUERY: PARALLEL_PLAN})
    try:
        gateway = Gateway(FakeSupergraph(api, graphs), client, planner=planner)
        result = await gateway.execute(PARALLEL_QUERY)
    finally:
        await client.close()
    # topProducts is non-null: its failure nulls the whole data; no extra null error.
    assert result["data"] is None
    paths = sorted(tuple(e["path"]) for e in result["errors"])
    assert paths == [("me",), ("topProducts",)]
    assert {e["extensions"]["code"] for e in result["errors"]} == {"SUBREQUEST_HTTP_ERROR"}
    assert all("HTTP fetch failed from" in e["message"] for e in result["errors"])


async def test_entity_fetch_failure_keeps_other_data_and_paths_each_object() -> None:
    client = LocalClient(
        {"products": products_app(), "reviews": reviews_app(), "accounts": raw_app(502, b"")}
    )
    gateway = gateway_with(client, TOP_PRODUCTS_QUERY, QueryPlan(TOP_PRODUCTS_PLAN))
    result = await gateway.execute(TOP_PRODUCTS_QUERY)
    # name is non-null on User, author nullable: each author becomes null.
    assert result["data"]["topProducts"][0] == {
        "name": "Table",
        "reviews": [{"body": "Love it!", "author": None}],
    }
    paths = [e["path"] for e in result["errors"]]
    assert paths == [
        ["topProducts", 0, "reviews", 0, "author"],
        ["topProducts", 2, "reviews", 0, "author"],
        ["topProducts", 1, "reviews", 0, "author"],
    ]
    assert all(e["extensions"]["code"] == "SUBREQUEST_HTTP_ERROR" for e in result["errors"])


async def test_wrong_number_of_entities_is_malformed() -> None:
    body = b'{"data":{"_entities":[{"name":"x"}]}}'
    client = LocalClient(
        {"products": products_app(), "reviews": reviews_app(), "accounts": raw_app(200, body)}
    )
    gateway = gateway_with(client, TOP_PRODUCTS_QUERY, QueryPlan(TOP_PRODUCTS_PLAN))
    result = await gateway.execute(TOP_PRODUCTS_QUERY)
    assert {e["extensions"]["code"] for e in result["errors"]} == {"SUBREQUEST_MALFORMED_RESPONSE"}
    assert "expected 2 _entities, got 1" in result["errors"][0]["message"]
    assert result["data"]["topProducts"][1]["reviews"][0]["author"] is None


async def test_dependent_fetches_find_no_objects_after_a_failure() -> None:
    client = LocalClient(
        {"products": raw_app(500, b""), "reviews": reviews_app(), "accounts": accounts_app()}
    )
    seen = client._apps  # the apps stay untouched: no representations, no calls
    gateway = gateway_with(client, TOP_PRODUCTS_QUERY, QueryPlan(TOP_PRODUCTS_PLAN))
    result = await gateway.execute(TOP_PRODUCTS_QUERY)
    # topProducts is non-null at the root: data is null, one error explains it.
    assert result == {
        "data": None,
        "errors": [
            {
                "message": "HTTP fetch failed from 'products': 500: Internal Server Error",
                "path": ["topProducts"],
                "extensions": {"code": "SUBREQUEST_HTTP_ERROR", "serviceName": "products"},
            }
        ],
    }
    assert seen["reviews"].requests == [] and seen["accounts"].requests == []  # type: ignore[attr-defined]


async def test_subgraph_errors_are_repathed_to_the_client_response() -> None:
    def user(rep: dict[str, Any]) -> dict[str, Any]:
        if rep["id"] == "2":
            raise GraphQLError("no access", extensions={"code": "FORBIDDEN"})
        return {"id": rep["id"], "name": "Ada"}

    accounts = entity_app(
        "type Query { _x: Int } type User { id: ID! name: String }", entities={"User": user}
    )
    client = LocalClient(
        {"products": products_app(), "reviews": reviews_app(), "accounts": accounts}
    )
    gateway = gateway_with(client, TOP_PRODUCTS_QUERY, QueryPlan(TOP_PRODUCTS_PLAN))
    result = await gateway.execute(TOP_PRODUCTS_QUERY)
    assert result["errors"] == [
        {
            "message": "no access",
            "path": ["topProducts", 1, "reviews", 0, "author"],
            "extensions": {"code": "FORBIDDEN", "serviceName": "accounts"},
        }
    ]
    assert result["data"]["topProducts"][1]["reviews"][0]["author"] is None
    assert result["data"]["topProducts"][0]["reviews"][0]["author"] == {"name": "Ada"}


async def test_field_error_under_an_entity_maps_to_every_object_of_the_representation() -> None:
    def name(info: Any) -> str:
        raise GraphQLError("name unavailable")

    accounts = entity_app(
        "type Query { _x: Int } type User { id: ID! name: String }",
        entities={"User": lambda rep: {"id": rep["id"], "name": name}},
    )
    client = LocalClient(
        {"products": products_app(), "reviews": reviews_app(), "accounts": accounts}
    )
    gateway = gateway_with(client, TOP_PRODUCTS_QUERY, QueryPlan(TOP_PRODUCTS_PLAN))
    result = await gateway.execute(TOP_PRODUCTS_QUERY)
    paths = sorted(tuple(e["path"]) for e in result["errors"])
    # User 1 wrote reviews of products 0 and 2: one subgraph error, two client paths.
    assert paths == [
        ("topProducts", 0, "reviews", 0, "author", "name"),
        ("topProducts", 1, "reviews", 0, "author", "name"),
        ("topProducts", 2, "reviews", 0, "author", "name"),
    ]
    assert {e["extensions"]["code"] for e in result["errors"]} == {"DOWNSTREAM_SERVICE_ERROR"}
    assert all(e["extensions"]["serviceName"] == "accounts" for e in result["errors"])
