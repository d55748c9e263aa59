"""A small three-subgraph domain (products, reviews, accounts) with hand-written plans.

The plans are what Apollo's planner produces for these operations; writing them by hand keeps
the executor tests independent of the planner.
"""

from __future__ import annotations

from typing import Any

from gateway.planner.plan import Fetch, Flatten, ReqField, ReqFragment, Sequence
from gateway.transport.local import GraphQLCoreApp

from .exec_subgraphs import FakeSupergraph, entity_app, supergraph

API_SDL = """
type Query {
  topProducts(first: Int = 5): [Product]!
  me: User
  search: [SearchResult!]!
  node(id: ID!): Node
}
interface Node { id: ID! }
union SearchResult = User | Product
enum Status { ACTIVE HIDDEN }
type Product { upc: String! name: String price: Int! status: Status reviews: [Review!] }
type Review implements Node { id: ID! body: String author: User product: Product }
type User implements Node { id: ID! name: String! username: String reviews: [Review!]! }
"""

PRODUCTS_SDL = """
type Query { topProducts(first: Int = 5): [Product]! search: [SearchResult!]! }
union SearchResult = User | Product
enum Status { ACTIVE HIDDEN SECRET }
type Product { upc: String! name: String price: Int! status: Status }
type User { id: ID! }
"""

REVIEWS_SDL = """
type Query { me: User }
type Review { id: ID! body: String author: User product: Product }
type User { id: ID reviews: [Review!]! }
type Product { upc: String! reviews: [Review!] }
"""

ACCOUNTS_SDL = """
type Query { me: User }
type User { id: ID! name: String username: String }
"""

PRODUCTS: list[dict[str, Any] | None] = [
    {"upc": "1", "name": "Table", "price": 899, "status": "ACTIVE"},
    {"upc": "2", "name": "Couch", "price": 1299, "status": "HIDDEN"},
    {"upc": "3", "name": "Chair", "price": 54, "status": "ACTIVE"},
]
REVIEWS = {
    "1": [{"id": "r1", "body": "Love it!", "author": {"id": "1"}}],
    "2": [{"id": "r2", "body": "Too expensive.", "author": {"id": "2"}}],
    "3": [{"id": "r3", "body": "Could be better.", "author": {"id": "1"}}],
}
USERS = {"1": {"name": "Ada", "username": "@ada"}, "2": {"name": "Alan", "username": "@alan"}}


def products_app(products: list[dict[str, Any] | None] | None = None) -> GraphQLCoreApp:
    items = PRODUCTS if products is None else products
    return entity_app(
        PRODUCTS_SDL,
        root={
            "topProducts": lambda _info, first=5: items[:first],
            "search": lambda _info: [
                {"__typename": "Product", **PRODUCTS[0]},  # type: ignore[dict-item]
                {"__typename": "User", "id": "1"},
            ],
        },
    )


def reviews_app(reviews: dict[str, list[dict[str, Any]]] | None = None) -> GraphQLCoreApp:
    data = REVIEWS if reviews is None else reviews
    return entity_app(
        REVIEWS_SDL,
        root={"me": {"id": "1"}},
        entities={
            "Product": lambda rep: {"upc": rep["upc"], "reviews": data.get(rep["upc"], [])},
            "User": lambda rep: {"id": rep["id"], "reviews": []},
        },
    )


def accounts_app(users: dict[str, dict[str, Any]] | None = None) -> GraphQLCoreApp:
    data = USERS if users is None else users
    return entity_app(
        ACCOUNTS_SDL,
        root={"me": {"id": "1", **data["1"]}},
        entities={"User": lambda rep: data.get(rep["id"]) and {"id": rep["id"], **data[rep["id"]]}},
    )


def fake_supergraph() -> FakeSupergraph:
    return supergraph(API_SDL, "products", "reviews", "accounts")


ENTITIES = "query($representations:[_Any!]!){_entities(representations:$representations){%s}}"
PRODUCT_KEY = (
    ReqFragment("Product", (ReqField("__typename", "__typename"), ReqField("upc", "upc"))),
)
USER_KEY = (ReqFragment("User", (ReqField("__typename", "__typename"), ReqField("id", "id"))),)

TOP_PRODUCTS_QUERY = """
{ topProducts { name reviews { body author { name } } } }
"""

# Products → reviews (per product) → accounts (per author), the classic three-hop plan.
TOP_PRODUCTS_PLAN = Sequence(
    (
        Fetch("products", "{topProducts{__typename upc name}}"),
        Flatten(
            ("topProducts", "@"),
            Fetch(
                "reviews",
                ENTITIES % "...on Product{reviews{body author{__typename id}}}",
                requires=PRODUCT_KEY,
            ),
        ),
        Flatten(
            ("topProducts", "@", "reviews", "@", "author"),
            Fetch("accounts", ENTITIES % "...on User{name}", requires=USER_KEY),
        ),
    )
)
