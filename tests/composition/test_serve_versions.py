"""Supergraphs Apollo composes from federation v2.10 to v2.14 subgraphs load and serve.

The ``expected.supergraph.graphql`` of the fixtures are Apollo's composition (checked by
``test_apollo_parity``, and equal to ours by ``test_snapshots``). ``strawberry_v2_12`` is
served in-process: two default strawberry subgraphs (v2.11) and a graphql-core one that uses
``@cacheTag`` (v2.12, in the supergraph as ``@join__directive`` with the cacheTag link).
"""

from __future__ import annotations

from typing import Any

import pytest
from graphql import (
    DocumentNode,
    GraphQLSchema,
    SchemaExtensionNode,
    build_ast_schema,
    parse,
    print_schema,
)

from gateway.errors import SupergraphError
from gateway.pipeline import Gateway
from gateway.supergraph import load_supergraph
from gateway.transport.local import GraphQLCoreApp, LocalClient
from tests.e2e.strawberry_subgraphs import books_app, books_schema, shelves_app, shelves_schema

from .helpers import FIXTURES

STRAWBERRY = FIXTURES / "strawberry_v2_12"
RATINGS = {"1": 4, "2": 5, "3": 3}
REVIEWS_PRELUDE = """
scalar _Any
directive @key(fields: String!, resolvable: Boolean = true) repeatable on OBJECT | INTERFACE
directive @cacheTag(format: String!) repeatable on OBJECT | FIELD_DEFINITION
union _Entity = Book
extend type Query { _entities(representations: [_Any!]!): [_Entity]! }
"""


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


def _reviews_schema() -> GraphQLSchema:
    user = [
        d
        for d in parse((STRAWBERRY / "reviews.graphql").read_text()).definitions
        if not isinstance(d, SchemaExtensionNode)
    ]
    prelude = parse(REVIEWS_PRELUDE).definitions
    return build_ast_schema(DocumentNode(definitions=(*user, *prelude)))


def _reviews_root() -> dict[str, Any]:
    def entities(_info: Any, representations: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [{**r, "rating": RATINGS[r["id"]]} for r in representations]

    return {"_entities": entities, "topRated": lambda _info: {"id": "2", "rating": 5}}


def test_the_fixture_is_what_default_strawberry_prints() -> None:
    """A default strawberry federation schema links v2.11; the fixture is its printed SDL."""
    assert (STRAWBERRY / "books.graphql").read_text() == books_schema.as_str() + "\n"
    assert (STRAWBERRY / "shelves.graphql").read_text() == shelves_schema.as_str() + "\n"
    assert 'federation/v2.11", import: ["@key"]' in books_schema.as_str()


@pytest.mark.anyio
async def test_strawberry_and_cache_tag_subgraphs_serve() -> None:
    supergraph = load_supergraph((STRAWBERRY / "expected.supergraph.graphql").read_text())
    api = print_schema(supergraph.api_schema)
    assert "cacheTag" not in api and "join__" not in api
    apps = {
        "books": books_app,
        "shelves": shelves_app,
        "reviews": GraphQLCoreApp(_reviews_schema(), root_value=_reviews_root()),
    }
    gateway = Gateway(supergraph, LocalClient(apps))
    query = """{
      books { title rating shelf { name } }
      topRated { title shelf { books { id } } }
      shelves { name books { title rating } }
    }"""
    assert await gateway.execute(query) == {
        "data": {
            "books": [
                {"title": "Dune", "rating": 4, "shelf": {"name": "Fiction"}},
                {"title": "Emma", "rating": 5, "shelf": {"name": "Fiction"}},
                {"title": "Ulysses", "rating": 3, "shelf": {"name": "Classics"}},
            ],
            "topRated": {"title": "Emma", "shelf": {"books": [{"id": "1"}, {"id": "2"}]}},
            "shelves": [
                {
                    "name": "Fiction",
                    "books": [{"title": "Dune", "rating": 4}, {"title": "Emma", "rating": 5}],
                },
                {"name": "Classics", "books": [{"title": "Ulysses", "rating": 3}]},
            ],
        }
    }


@pytest.mark.parametrize("case", ["fed_v2_11", "fed_v2_14", "strawberry_v2_12"])
def test_recent_version_supergraphs_load(case: str) -> None:
    sdl = (FIXTURES / case / "expected.supergraph.graphql").read_text()
    api = print_schema(load_supergraph(sdl).api_schema)
    assert "join__" not in api and "link__" not in api


def test_connectors_supergraph_is_refused() -> None:
    """Apollo composes Apollo Connectors for its router; fedgate cannot execute them."""
    sdl = (STRAWBERRY / "expected.supergraph.graphql").read_text()
    connect = sdl.replace(
        '@link(url: "https://specs.apollo.dev/cacheTag/v0.1", for: EXECUTION)',
        '@link(url: "https://specs.apollo.dev/connect/v0.3", for: EXECUTION)',
    )
    with pytest.raises(SupergraphError, match=r"unsupported feature .*connect/v0\.3 for EXECUTION"):
        load_supergraph(connect)
