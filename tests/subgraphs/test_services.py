"""Each service answers its own queries, in-process and over HTTP (ASGI)."""

from collections.abc import Callable

import httpx
import pytest

from subgraphs.common.db import Database
from subgraphs.common.service import create_app
from subgraphs.inventory.service import shipping_estimate
from subgraphs.services import SERVICES
from tests.subgraphs.helpers import data_of, execute

pytestmark = pytest.mark.anyio

OpenDb = Callable[[str], Database]


async def test_accounts_users_and_me(open_db: OpenDb) -> None:
    db = open_db("accounts")
    data = await data_of(
        "accounts",
        db,
        '{ me { id username } user(id: "3") { name email joinedOn } users { id }'
        ' nobody: user(id: "x") { id } }',
    )
    assert data["me"] == {"id": "1", "username": "ada"}
    assert data["user"] == {
        "name": "Grace Hopper",
        "email": "grace@example.com",
        "joinedOn": "2024-03-21",
    }
    assert [user["id"] for user in data["users"]] == ["1", "2", "3", "4", "5"]
    assert data["nobody"] is None


async def test_products_catalog_and_search_union(open_db: OpenDb) -> None:
    db = open_db("products")
    data = await data_of(
        "products",
        db,
        """{
          topProducts(first: 2) { upc name price weight category { id name } }
          product(upc: "4") { name category { products { upc } } }
          search(text: "LAMP") {
            __typename
            ... on Product { upc name }
            ... on Category { id }
          }
          kitchen: search(text: "kitch") { __typename ... on Category { name } }
          categories { id }
        }""",
    )
    assert data["topProducts"] == [
        {
            "upc": "1",
            "name": "Table",
            "price": 89900,
            "weight": 15000,
            "category": {"id": "furniture", "name": "Furniture"},
        },
        {
            "upc": "2",
            "name": "Couch",
            "price": 129900,
            "weight": 40000,
            "category": {"id": "furniture", "name": "Furniture"},
        },
    ]
    assert data["product"] == {
        "name": "Kettle",
        "category": {"products": [{"upc": "4"}, {"upc": "5"}]},
    }
    assert data["search"] == [
        {"__typename": "Product", "upc": "6", "name": "Desk Lamp"},
        {"__typename": "Product", "upc": "7", "name": "Floor Lamp"},
    ]
    assert data["kitchen"] == [{"__typename": "Category", "name": "Kitchen"}]
    assert [c["id"] for c in data["categories"]] == ["furniture", "kitchen", "lighting"]


async def test_search_treats_like_wildcards_literally(open_db: OpenDb) -> None:
    db = open_db("products")
    data = await data_of(
        "products",
        db,
        '{ a: search(text: "%") { __typename } b: search(text: "_") { __typename } }',
    )
    assert data == {"a": [], "b": []}


async def test_inventory_requires_price_and_weight_for_shipping(open_db: OpenDb) -> None:
    db = open_db("inventory")
    query = """query ($reps: [_Any!]!) {
      _entities(representations: $reps) {
        ... on Product { upc inStock unitsInStock warehouse shippingEstimate }
      }
    }"""
    reps = [
        {"__typename": "Product", "upc": "1", "price": 89900, "weight": 15000},
        {"__typename": "Product", "upc": "2", "price": 129900, "weight": 40000},
        {"__typename": "Product", "upc": "4", "price": 3499, "weight": 1100},
        {"__typename": "Product", "upc": "404", "price": 100, "weight": 0},
    ]
    data = await data_of("inventory", db, query, {"reps": reps})
    assert data["_entities"] == [
        {
            "upc": "1",
            "inStock": True,
            "unitsInStock": 12,
            "warehouse": "Rotterdam",
            "shippingEstimate": 1999,
        },
        {
            "upc": "2",
            "inStock": True,
            "unitsInStock": 3,
            "warehouse": "Rotterdam",
            "shippingEstimate": 0,
        },
        {
            "upc": "4",
            "inStock": False,
            "unitsInStock": 0,
            "warehouse": "Leipzig",
            "shippingEstimate": 699,
        },
        {
            "upc": "404",
            "inStock": False,
            "unitsInStock": 0,
            "warehouse": None,
            "shippingEstimate": 499,
        },
    ]


async def test_inventory_shipping_without_required_fields_is_an_error(open_db: OpenDb) -> None:
    db = open_db("inventory")
    result = await execute(
        SERVICES["inventory"],
        db,
        'query { _entities(representations: [{__typename: "Product", upc: "1"}])'
        " { ... on Product { shippingEstimate } } }",
    )
    assert result.errors is not None
    assert result.errors[0].extensions == {"code": "REQUIRES_FIELD_MISSING"}
    assert "price" in result.errors[0].message


def test_shipping_estimate_formula() -> None:
    assert shipping_estimate(price=100_000, weight=50_000) == 0
    assert shipping_estimate(price=99_999, weight=0) == 499
    assert shipping_estimate(price=1, weight=1) == 599
    assert shipping_estimate(price=1, weight=1000) == 599
    assert shipping_estimate(price=1, weight=1001) == 699


async def test_inventory_low_stock_is_an_entity_root(open_db: OpenDb) -> None:
    db = open_db("inventory")
    data = await data_of("inventory", db, "{ lowStock(threshold: 5) { upc unitsInStock } }")
    assert data["lowStock"] == [
        {"upc": "4", "unitsInStock": 0},
        {"upc": "2", "unitsInStock": 3},
        {"upc": "7", "unitsInStock": 4},
    ]


async def test_reviews_provides_author_username(open_db: OpenDb) -> None:
    db = open_db("reviews")
    data = await data_of(
        "reviews",
        db,
        """{
          latestReviews(first: 2) { id rating author { id username } product { upc } }
          review(id: "3") { body writtenOn author { username } }
        }""",
    )
    assert data["latestReviews"] == [
        {
            "id": "8",
            "rating": 4,
            "author": {"id": "5", "username": "barbara"},
            "product": {"upc": "4"},
        },
        {
            "id": "7",
            "rating": 4,
            "author": {"id": "2", "username": "alan"},
            "product": {"upc": "6"},
        },
    ]
    assert data["review"] == {
        "body": "The comfiest couch I have debugged on.",
        "writtenOn": "2024-05-07",
        "author": {"username": "grace"},
    }


async def test_reviews_username_outside_provides_path_is_an_error(open_db: OpenDb) -> None:
    db = open_db("reviews")
    result = await execute(
        SERVICES["reviews"],
        db,
        'query { _entities(representations: [{__typename: "User", id: "1"}])'
        " { ... on User { username } } }",
    )
    assert result.errors is not None
    assert result.errors[0].extensions == {"code": "EXTERNAL_FIELD_NOT_PROVIDED"}


async def test_reviews_of_users_and_products(open_db: OpenDb) -> None:
    db = open_db("reviews")
    query = """query ($reps: [_Any!]!) {
      _entities(representations: $reps) {
        ... on User { reviews { id } }
        ... on Product { averageRating reviews { id rating } }
      }
    }"""
    reps = [
        {"__typename": "User", "id": "1"},
        {"__typename": "Product", "upc": "1"},
        {"__typename": "Product", "upc": "7"},
    ]
    data = await data_of("reviews", db, query, {"reps": reps})
    assert data["_entities"] == [
        {"reviews": [{"id": "1"}, {"id": "4"}]},
        {"averageRating": 4.5, "reviews": [{"id": "1", "rating": 5}, {"id": "2", "rating": 4}]},
        {"averageRating": None, "reviews": []},
    ]


async def test_orders_queries(open_db: OpenDb) -> None:
    db = open_db("orders")
    query = """query ($reps: [_Any!]!) {
      order(id: "2") {
        id placedAt itemCount buyer { id } lines { quantity product { upc unitsAvailable } }
      }
      missing: order(id: "nope") { id }
      _entities(representations: $reps) {
        ... on User { orders { id } }
        ... on Product { unitsAvailable }
      }
    }"""
    reps = [
        {"__typename": "User", "id": "1"},
        {"__typename": "User", "id": "5"},
        {"__typename": "Product", "upc": "2"},
        {"__typename": "Product", "upc": "unknown"},
    ]
    data = await data_of("orders", db, query, {"reps": reps})
    assert data["order"] == {
        "id": "2",
        "placedAt": "2024-04-15T17:40:00Z",
        "itemCount": 3,
        "buyer": {"id": "2"},
        "lines": [
            {"quantity": 1, "product": {"upc": "1", "unitsAvailable": 10}},
            {"quantity": 2, "product": {"upc": "6", "unitsAvailable": 20}},
        ],
    }
    assert data["missing"] is None
    assert data["_entities"] == [
        {"orders": [{"id": "4"}, {"id": "1"}]},
        {"orders": []},
        {"unitsAvailable": 2},
        {"unitsAvailable": 0},
    ]


async def test_service_sdl_is_served_by_underscore_service(open_db: OpenDb) -> None:
    for name, service in SERVICES.items():
        data = await data_of(name, open_db(name), "{ _service { sdl } }")
        assert data["_service"]["sdl"] == service.sdl()


@pytest.mark.parametrize("name", list(SERVICES))
async def test_http_graphql_and_health(name: str, open_db: OpenDb) -> None:
    app = create_app(SERVICES[name], open_db(name))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        health = await client.get("/health")
        assert health.status_code == 200
        assert health.json() == {"status": "ok", "service": name}

        response = await client.post("/graphql", json={"query": "{ _service { sdl } }"})
        assert response.status_code == 200
        assert response.json() == {"data": {"_service": {"sdl": SERVICES[name].sdl()}}}

        ide = await client.get("/graphql", headers={"accept": "text/html"})
        assert ide.status_code == 200
        assert "graphiql" in ide.text.lower()


async def test_http_requests_get_fresh_loaders(open_db: OpenDb) -> None:
    """Loaders cache per request only: a second request sees the first one's write."""
    db = open_db("orders")
    app = create_app(SERVICES["orders"], db)
    transport = httpx.ASGITransport(app=app)
    query = (
        '{ _entities(representations: [{__typename: "Product", upc: "7"}])'
        " { ... on Product { unitsAvailable } } }"
    )
    mutation = (
        'mutation { placeOrder(input: {buyerId: "1", lines: [{upc: "7", quantity: 3}]}) { id } }'
    )
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        before = (await client.post("/graphql", json={"query": query})).json()
        placed = (await client.post("/graphql", json={"query": mutation})).json()
        after = (await client.post("/graphql", json={"query": query})).json()
    assert before == {"data": {"_entities": [{"unitsAvailable": 4}]}}
    assert placed == {"data": {"placeOrder": {"id": "5"}}}
    assert after == {"data": {"_entities": [{"unitsAvailable": 1}]}}
