"""Executed: the subgraph operations of ``tests/planner/test_subgraph_operations.py`` are
accepted by real subgraphs (graphql-core validates every request), and the client gets what
Apollo Gateway and Hive Router answer: ``{}`` where no selected field applies. Both plan
modes."""

from __future__ import annotations

from typing import Any

import pytest

from tests.planner.test_subgraph_operations import BOOKS, MEDIA, PRODUCTS, STOCK, media, products

from .exec_subgraphs import GraphQLCoreApp
from .federated import MODES, gateway, served

pytestmark = [pytest.mark.anyio, pytest.mark.parametrize("batch", MODES)]

ITEMS = [{"id": "1", "name": "Table", "dims": {"w": 2}}, {"id": "2", "name": "Couch", "dims": None}]
HEIGHTS = {"1": 7, "2": 9}
BOOK = {"__typename": "Book", "id": "b1", "title": "Dune", "pages": 412}


def product_apps() -> dict[str, GraphQLCoreApp]:
    def stock(rep: dict[str, Any]) -> dict[str, Any]:
        return {"stock": int(rep["id"]) * 10, "dims": {"w": 2, "h": HEIGHTS[rep["id"]]}}

    return {
        "products": served(PRODUCTS, root={"products": ITEMS}, entities={"Product": dict}),
        "stock": served(STOCK, entities={"Product": stock}),
    }


def media_apps() -> dict[str, GraphQLCoreApp]:
    song = {"__typename": "Song", "id": "s1", "length": 180}
    shelf_a = {"top": song}
    return {
        "media": served(MEDIA, root={"media": song, "item": song, "shelf": shelf_a}),
        "books": served(BOOKS, root={"media": BOOK, "item": BOOK, "shelf": {"top": BOOK}}),
    }


async def run(apps: dict[str, GraphQLCoreApp], sg: Any, batch: bool, query: str, **v: Any) -> Any:
    return await gateway(sg, apps, batch=batch).execute(query, v or None)


async def test_literal_skip_of_every_subfield_answers_empty_objects(batch: bool) -> None:
    query = "{ products { name @skip(if: true) } }"
    assert await run(product_apps(), products(), batch, query) == {"data": {"products": [{}, {}]}}


async def test_the_same_with_a_variable(batch: bool) -> None:
    query = "query Q($s: Boolean!) { products { name @skip(if: $s) } }"
    result = await run(product_apps(), products(), batch, query, s=True)
    assert result == {"data": {"products": [{}, {}]}}


async def test_fragment_whose_fields_are_all_excluded(batch: bool) -> None:
    query = "{ products { ... on Product { stock @include(if: false) } } }"
    assert await run(product_apps(), products(), batch, query) == {"data": {"products": [{}, {}]}}


async def test_value_type_fields_through_the_parent_key(batch: bool) -> None:
    apps = product_apps()
    result = await run(apps, products(), batch, "{ products { dims { h } } }")
    assert result == {"data": {"products": [{"dims": {"h": 7}}, {"dims": {"h": 9}}]}}


async def test_unused_variables_are_not_sent_or_declared(batch: bool) -> None:
    apps = product_apps()
    query = """
      query Q($v: Boolean!, $w: Boolean = true) {
        products { dims { ... @include(if: $v) { h } } name @include(if: $w) }
      }
    """
    result = await run(apps, products(), batch, query, v=False)
    assert result == {
        "data": {"products": [{"dims": {}, "name": "Table"}, {"dims": {}, "name": "Couch"}]}
    }
    [root] = apps["products"].requests
    assert "$v" not in root["query"]
    included = await run(product_apps(), products(), batch, query, v=True, w=False)
    assert included == {"data": {"products": [{"dims": {"h": 7}}, {"dims": {"h": 9}}]}}


async def test_union_field_concrete_in_its_subgraph(batch: bool) -> None:
    query = "{ media { __typename ... on Book { title pages } ... on Song { length } } }"
    result = await run(media_apps(), media(), batch, query)
    assert result == {"data": {"media": {"__typename": "Book", "title": "Dune", "pages": 412}}}


async def test_interface_and_nested_union_fields(batch: bool) -> None:
    query = """
      query Q($v: Boolean!) {
        item { __typename id ... on Book { pages } ... on Song @include(if: $v) { length } }
        shelf { top { ... on Song { length } ... on Book { pages } } }
      }
    """
    result = await run(media_apps(), media(), batch, query, v=True)
    assert result == {
        "data": {
            "item": {"__typename": "Book", "id": "b1", "pages": 412},
            "shelf": {"top": {"pages": 412}},
        }
    }


async def test_non_matching_fragments_answer_an_empty_object(batch: bool) -> None:
    query = "{ shelf { top { ... on Song { length } } } }"
    assert await run(media_apps(), media(), batch, query) == {"data": {"shelf": {"top": {}}}}
