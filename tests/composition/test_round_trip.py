"""Round trip: compose the bench subgraphs, serve the supergraph with the runtime, query it.

The subgraphs are small graphql-core schemas built from the same SDL files, with an
``_entities`` resolver over in-memory data, served in-process.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from graphql import (
    DocumentNode,
    GraphQLSchema,
    ObjectTypeDefinitionNode,
    SchemaExtensionNode,
    build_ast_schema,
    parse,
)

from gateway.composition import CompositionSuccess, SubgraphSource, compose
from gateway.composition.config import load_config, load_sources
from gateway.pipeline import Gateway
from gateway.supergraph import load_supergraph
from gateway.transport.local import GraphQLCoreApp, LocalClient

from .helpers import FIXTURES

pytestmark = pytest.mark.anyio

PRELUDE = """
scalar _Any
directive @key(fields: String!, resolvable: Boolean = true) repeatable on OBJECT | INTERFACE
directive @shareable on OBJECT | FIELD_DEFINITION
directive @external on OBJECT | FIELD_DEFINITION
directive @requires(fields: String!) on FIELD_DEFINITION
directive @provides(fields: String!) on FIELD_DEFINITION
"""
USERS = {"1": {"id": "1", "name": "Ada", "username": "ada", "birthday": 1815}}
PRODUCTS = {
    "1": {"upc": "1", "name": "Table", "price": 899, "weight": 100},
    "2": {"upc": "2", "name": "Couch", "price": 1299, "weight": 1000},
}
REVIEWS = {
    "10": {"id": "10", "body": "Love it!", "product": {"upc": "1"}, "author": {"id": "1"}},
    "11": {"id": "11", "body": "Too heavy", "product": {"upc": "2"}, "author": {"id": "1"}},
}
Resolver = Callable[[dict[str, Any]], dict[str, Any] | None]


def _subgraph_schema(sdl: str) -> GraphQLSchema:
    doc = parse(sdl)
    user = [d for d in doc.definitions if not isinstance(d, SchemaExtensionNode)]
    entities = [
        d.name.value
        for d in user
        if isinstance(d, ObjectTypeDefinitionNode)
        and any(x.name.value == "key" for x in d.directives or ())
    ]
    has_query = any(getattr(d, "name", None) and d.name.value == "Query" for d in user)
    root = "extend type Query" if has_query else "type Query"
    extra = (
        f"union _Entity = {' | '.join(entities)}\n"
        f"{root} {{ _entities(representations: [_Any!]!): [_Entity]! }}"
    )
    prelude = parse(PRELUDE + extra).definitions
    return build_ast_schema(DocumentNode(definitions=(*user, *prelude)))


def _reviews_of(key: str, value: str) -> list[dict[str, Any]]:
    """Reviews of a product or an author; the author's username is provided (@provides)."""
    found = []
    for review in REVIEWS.values():
        if next(iter(review[key].values())) == value:
            author_id = review["author"]["id"]
            author = {
                "id": author_id,
                "username": USERS[author_id]["username"],
                "reviews": lambda _info, author_id=author_id: _reviews_of("author", author_id),
            }
            found.append({**review, "author": author})
    return found


def _resolvers() -> dict[str, dict[str, Resolver]]:
    def shipping(rep: dict[str, Any]) -> dict[str, Any]:
        estimate = 0 if rep["price"] > 1000 else rep["weight"] // 2
        return {**rep, "inStock": True, "shippingEstimate": estimate}

    return {
        "accounts": {"User": lambda rep: USERS.get(rep["id"])},
        "products": {"Product": lambda rep: PRODUCTS.get(rep["upc"])},
        "inventory": {"Product": shipping},
        "reviews": {
            "Product": lambda rep: {**rep, "reviews": _reviews_of("product", rep["upc"])},
            "User": lambda rep: {
                **rep,
                "username": USERS[rep["id"]]["username"],
                "reviews": _reviews_of("author", rep["id"]),
            },
        },
    }


def _root(name: str) -> dict[str, Any]:
    resolvers = _resolvers()[name]

    def entities(_info: Any, representations: list[dict[str, Any]]) -> list[Any]:
        found = []
        for rep in representations:
            value = resolvers[rep["__typename"]](rep)
            found.append({**value, "__typename": rep["__typename"]} if value else None)
        return found

    root: dict[str, Any] = {"_entities": entities}
    if name == "accounts":
        root["me"] = lambda _info: USERS["1"]
    if name == "products":
        root["topProducts"] = lambda _info, first=5: list(PRODUCTS.values())[:first]
    return root


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def gateway() -> Gateway:
    sources = load_sources(load_config(FIXTURES / "bench" / "supergraph.yaml"))
    result = compose(sources)
    assert isinstance(result, CompositionSuccess)
    apps = {
        s.name: GraphQLCoreApp(_subgraph_schema(s.sdl), root_value=_root(s.name)) for s in sources
    }
    return Gateway(load_supergraph(result.supergraph_sdl), LocalClient(apps))


async def test_query_across_four_subgraphs(gateway: Gateway) -> None:
    query = """{
      topProducts(first: 2) {
        name price shippingEstimate inStock
        reviews { body author { username name reviews { product { name } } } }
      }
    }"""
    result = await gateway.execute(query)
    assert "errors" not in result, result
    table, couch = result["data"]["topProducts"]
    assert table["name"] == "Table" and table["shippingEstimate"] == 50 and table["inStock"]
    assert couch["shippingEstimate"] == 0
    [review] = table["reviews"]
    assert review["body"] == "Love it!"
    assert review["author"]["username"] == "ada" and review["author"]["name"] == "Ada"
    assert [r["product"]["name"] for r in review["author"]["reviews"]] == ["Table", "Couch"]


async def test_root_field_of_another_subgraph(gateway: Gateway) -> None:
    result = await gateway.execute("{ me { name birthday reviews { body } } }")
    assert result == {
        "data": {
            "me": {
                "name": "Ada",
                "birthday": 1815,
                "reviews": [{"body": "Love it!"}, {"body": "Too heavy"}],
            }
        }
    }


async def test_example_services_through_the_runtime() -> None:
    """The repository's five example services, composed here and served in-process."""
    from subgraphs.common.service import create_app as create_subgraph_app
    from subgraphs.services import SERVICES

    sources = [SubgraphSource(n, f"http://{n}/graphql", s.sdl()) for n, s in SERVICES.items()]
    result = compose(sources)
    assert isinstance(result, CompositionSuccess)
    dbs = {name: service.open_database(":memory:") for name, service in SERVICES.items()}
    try:
        apps = {name: create_subgraph_app(SERVICES[name], db) for name, db in dbs.items()}
        gateway = Gateway(load_supergraph(result.supergraph_sdl), LocalClient(apps))
        query = "{ topProducts(first: 2) { name inStock reviews { rating author { username } } } }"
        body = await gateway.execute(query)
    finally:
        for db in dbs.values():
            db.close()
    assert "errors" not in body, body
    products = body["data"]["topProducts"]
    assert len(products) == 2 and all(isinstance(p["inStock"], bool) for p in products)
    authors = [r["author"]["username"] for p in products for r in p["reviews"]]
    assert authors and all(isinstance(a, str) for a in authors)


def test_committed_supergraph_is_what_fedgate_composes() -> None:
    """schema/supergraph.graphql is reproduced byte for byte from schema/supergraph.yaml."""
    config = Path(__file__).resolve().parents[2] / "schema" / "supergraph.yaml"
    result = compose(load_sources(load_config(config)))
    assert isinstance(result, CompositionSuccess)
    assert result.file_text == (config.parent / "supergraph.graphql").read_text()
