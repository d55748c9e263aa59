"""Entity fetches against real in-process subgraphs: representations, dedup, merging."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from gateway.pipeline import Gateway
from gateway.planner.plan import Fetch, Flatten, Parallel, QueryPlan, Sequence
from gateway.transport.local import GraphQLCoreApp, LocalClient

from .domain import (
    ENTITIES,
    PRODUCT_KEY,
    TOP_PRODUCTS_PLAN,
    TOP_PRODUCTS_QUERY,
    USER_KEY,
    accounts_app,
    fake_supergraph,
    products_app,
    reviews_app,
)
from .exec_subgraphs import StaticPlanner, entity_app

pytestmark = pytest.mark.anyio


def make_gateway(
    plans: dict[str, QueryPlan], **apps: GraphQLCoreApp
) -> tuple[Gateway, dict[str, GraphQLCoreApp]]:
    apps = {"products": products_app(), "reviews": reviews_app(), "accounts": accounts_app()} | apps
    gateway = Gateway(fake_supergraph(), LocalClient(apps), planner=StaticPlanner(plans))
    return gateway, apps


def reps(app: GraphQLCoreApp, call: int = 0) -> list[dict[str, Any]]:
    reps: list[dict[str, Any]] = app.requests[call]["variables"]["representations"]
    return reps


async def test_three_hop_plan_merges_every_entity_in_place() -> None:
    gateway, apps = make_gateway({TOP_PRODUCTS_QUERY: QueryPlan(TOP_PRODUCTS_PLAN)})
    result = await gateway.execute(TOP_PRODUCTS_QUERY)
    assert result == {
        "data": {
            "topProducts": [
                {"name": "Table", "reviews": [{"body": "Love it!", "author": {"name": "Ada"}}]},
                {
                    "name": "Couch",
                    "reviews": [{"body": "Too expensive.", "author": {"name": "Alan"}}],
                },
                {
                    "name": "Chair",
                    "reviews": [{"body": "Could be better.", "author": {"name": "Ada"}}],
                },
            ]
        }
    }
    assert len(apps["reviews"].requests) == 1
    assert reps(apps["reviews"]) == [{"__typename": "Product", "upc": u} for u in "123"]


async def test_one_entities_call_with_deduplicated_representations() -> None:
    gateway, apps = make_gateway({TOP_PRODUCTS_QUERY: QueryPlan(TOP_PRODUCTS_PLAN)})
    await gateway.execute(TOP_PRODUCTS_QUERY)
    # Ada wrote two of the three reviews: one call, two representations.
    assert len(apps["accounts"].requests) == 1
    assert reps(apps["accounts"]) == [
        {"__typename": "User", "id": "1"},
        {"__typename": "User", "id": "2"},
    ]


async def test_forwards_only_the_variables_a_fetch_uses() -> None:
    query = "query Top($n: Int) { topProducts(first: $n) { name } }"
    plan = QueryPlan(
        Fetch(
            "products",
            "query Top($n:Int){topProducts(first:$n){name}}",
            variable_usages=("n",),
        )
    )
    gateway, apps = make_gateway({query: plan})
    result = await gateway.execute(query, {"n": 2, "undeclared": True})
    assert result == {"data": {"topProducts": [{"name": "Table"}, {"name": "Couch"}]}}
    assert apps["products"].requests[0] == {
        "query": "query Top($n:Int){topProducts(first:$n){name}}",
        "variables": {"n": 2},
        "operationName": "Top",
    }


async def test_variable_defaults_are_forwarded() -> None:
    query = "query Top($n: Int = 1) { topProducts(first: $n) { name } }"
    plan = QueryPlan(
        Fetch("products", "query Top($n:Int){topProducts(first:$n){name}}", variable_usages=("n",))
    )
    gateway, apps = make_gateway({query: plan})
    assert await gateway.execute(query) == {"data": {"topProducts": [{"name": "Table"}]}}
    assert apps["products"].requests[0]["variables"] == {"n": 1}


async def test_no_entity_call_for_null_parents_or_null_keys() -> None:
    products = [None, {"upc": "1", "name": "Table", "price": 1}, None]
    reviews = {
        "1": [
            {"id": "r1", "body": "a", "author": None},
            {"id": "r2", "body": "b", "author": {"id": None}},
        ]
    }
    gateway, apps = make_gateway(
        {TOP_PRODUCTS_QUERY: QueryPlan(TOP_PRODUCTS_PLAN)},
        products=products_app(products),
        reviews=reviews_app(reviews),
    )
    result = await gateway.execute(TOP_PRODUCTS_QUERY)
    assert reps(apps["reviews"]) == [{"__typename": "Product", "upc": "1"}]
    # The only author is null or has a null key: accounts is never called.
    assert apps["accounts"].requests == []
    top = result["data"]["topProducts"]
    assert top[0] is None and top[2] is None
    assert top[1]["reviews"][0] == {"body": "a", "author": None}
    # name is non-null, the author nullable: the author object becomes null, with a note.
    assert top[1]["reviews"][1] == {"body": "b", "author": None}
    assert "errors" not in result
    assert result["extensions"]["valueCompletion"] == [
        {
            "message": "Cannot return null for non-nullable field User.name.",
            "path": ["topProducts", 1, "reviews", 1, "author", "name"],
            "extensions": {"code": "INVALID_GRAPHQL"},
        }
    ]


async def test_independent_fetches_run_concurrently() -> None:
    # Each subgraph waits until the other one has been called: sequential execution would
    # deadlock into the transport timeout instead of answering.
    arrived: set[str] = set()
    both = asyncio.Event()

    def waiting(name: str, value: Any) -> Any:
        async def resolve(_info: Any) -> Any:
            arrived.add(name)
            if len(arrived) == 2:
                both.set()
            await both.wait()
            return value

        return resolve

    products = entity_app(
        "type Query { topProducts: [Product] } type Product { name: String }",
        root={"topProducts": waiting("products", [{"name": "Table"}])},
    )
    accounts = entity_app(
        "type Query { me: User } type User { name: String }",
        root={"me": waiting("accounts", {"name": "Ada"})},
    )
    query = "{ topProducts { name } me { name } }"
    plan = QueryPlan(
        Parallel(
            (
                Fetch("products", "{topProducts{name}}"),
                Fetch("accounts", "{me{name}}"),
            )
        )
    )
    client = LocalClient({"products": products, "accounts": accounts}, timeout=10)
    gateway = Gateway(fake_supergraph(), client, planner=StaticPlanner({query: plan}))
    result = await gateway.execute(query)
    assert result == {"data": {"topProducts": [{"name": "Table"}], "me": {"name": "Ada"}}}


async def test_interface_rewrite_and_key_renamer() -> None:
    # ValueSetter turns the User representation into the subgraph's interface view;
    # KeyRenamer moves the planner's alias back to the client's field name.
    from gateway.planner.plan import KeyRenamer, ValueSetter

    accounts = entity_app(
        "type Query { _dummy: Int } interface Node { id: ID! } "
        "type User implements Node { id: ID! name: String }",
        entities={"Node": lambda rep: {"__typename": "User", "id": rep["id"], "name": "Ada"}},
        entity_types=("User",),
    )
    query = "{ me { name } }"
    plan = QueryPlan(
        Sequence(
            (
                Fetch("reviews", "{me{__typename id}}"),
                Flatten(
                    ("me",),
                    Fetch(
                        "accounts",
                        ENTITIES % "...on User{n:name}",
                        requires=USER_KEY,
                        input_rewrites=(ValueSetter(("... on User", "__typename"), "Node"),),
                        output_rewrites=(KeyRenamer(("... on User", "n"), "name"),),
                    ),
                ),
            )
        )
    )
    gateway, apps = make_gateway({query: plan}, accounts=accounts)
    result = await gateway.execute(query)
    assert reps(apps["accounts"]) == [{"__typename": "Node", "id": "1"}]
    assert result == {"data": {"me": {"name": "Ada"}}}


async def test_entity_fetch_at_a_single_object_path() -> None:
    query = "{ me { name username } }"
    plan = QueryPlan(
        Sequence(
            (
                Fetch("reviews", "{me{__typename id}}"),
                Flatten(
                    ("me",),
                    Fetch("accounts", ENTITIES % "...on User{name username}", requires=USER_KEY),
                ),
            )
        )
    )
    gateway, _ = make_gateway({query: plan})
    assert await gateway.execute(query) == {"data": {"me": {"name": "Ada", "username": "@ada"}}}


async def test_product_key_used_in_flatten_over_nested_lists() -> None:
    query = "{ topProducts { reviews { product { name } } } }"
    reviews = {"1": [{"id": "r1", "body": "x", "author": None, "product": {"upc": "2"}}]}
    plan = QueryPlan(
        Sequence(
            (
                Fetch("products", "{topProducts{__typename upc}}"),
                Flatten(
                    ("topProducts", "@"),
                    Fetch(
                        "reviews",
                        ENTITIES % "...on Product{reviews{product{__typename upc}}}",
                        requires=PRODUCT_KEY,
                    ),
                ),
                Flatten(
                    ("topProducts", "@", "reviews", "@", "product"),
                    Fetch("products", ENTITIES % "...on Product{name}", requires=PRODUCT_KEY),
                ),
            )
        )
    )
    products = entity_app(
        "type Query { topProducts: [Product] } type Product { upc: String! name: String }",
        root={"topProducts": [{"upc": "1"}]},
        entities={"Product": lambda rep: {"upc": rep["upc"], "name": f"P{rep['upc']}"}},
    )
    gateway, _ = make_gateway({query: plan}, products=products, reviews=reviews_app(reviews))
    result = await gateway.execute(query)
    assert result == {"data": {"topProducts": [{"reviews": [{"product": {"name": "P2"}}]}]}}
