"""Executed twins of golden plans whose shape was fixed to Apollo's: the answers are the ones
Apollo Gateway and Hive Gateway give (checked against both), in tree and batch mode.

- A value type reached by a jump and escalated (tests/planner/test_value_types.py).
- An @interfaceObject field selected directly and through a type condition, answered by one
  fetch (tests/planner/test_interface_object.py).
- A client field aliased `__typename` (tests/planner/test_type_conflicts.py): the answer the
  GraphQL spec gives, where the two references differ from it and each other.
"""

from __future__ import annotations

from typing import Any

import pytest

from ..planner.test_interface_object import DEALS, PRICED
from ..planner.test_type_conflicts import ACCOUNTS
from ..planner.test_type_conflicts import REVIEWS as REVIEWS_OF_USERS
from ..planner.test_value_types import CATALOG, REVIEWS, SPECS
from .federated import Subgraph, run

pytestmark = pytest.mark.anyio

PRODUCTS: dict[str, dict[str, Any]] = {
    "1": {"__typename": "Book", "id": "1", "price": 10},
    "2": {"__typename": "Movie", "id": "2", "price": 30},
}


def deal_graphs() -> dict[str, Subgraph]:
    return {
        "priced": Subgraph(
            PRICED,
            root={"products": lambda _info: list(PRODUCTS.values())},
            entities={"Product": lambda r: PRODUCTS[r["id"]]},
            entity_types=("Book", "Movie"),
        ),
        "deals": Subgraph(
            DEALS,
            root={"deals": lambda _info: [{"id": i} for i in PRODUCTS]},
            entities={"Product": lambda r: {"id": r["id"], "discounted": r["price"] - 1}},
        ),
    }


def value_graphs() -> dict[str, Subgraph]:
    return {
        "catalog": Subgraph(
            CATALOG,
            entities={"Product": lambda r: {"id": r["id"], "details": {"color": "red"}}},
        ),
        "specs": Subgraph(
            SPECS,
            entities={"Product": lambda r: {"id": r["id"], "details": {"material": "oak"}}},
        ),
        "reviews": Subgraph(
            REVIEWS,
            root={"topReviews": lambda _info: [{"product": {"id": "1"}}, {"product": None}]},
        ),
    }


async def test_interface_object_field_directly_and_through_a_type_condition() -> None:
    query = "{ deals { discounted ... on Movie { movieDiscount: discounted } } }"
    assert await run(deal_graphs(), query) == {
        "data": {"deals": [{"discounted": 9}, {"discounted": 29, "movieDiscount": 29}]}
    }


async def test_value_type_reached_by_a_jump_and_escalated() -> None:
    query = "{ topReviews { product { details { color material } } } }"
    assert await run(value_graphs(), query) == {
        "data": {
            "topReviews": [
                {"product": {"details": {"color": "red", "material": "oak"}}},
                {"product": None},
            ]
        }
    }


def typename_graphs() -> dict[str, Subgraph]:
    return {
        "accounts": Subgraph(
            ACCOUNTS,
            root={"me": lambda _info: {"id": "1", "name": "Ada"}},
            entities={"User": lambda r: {"id": r["id"], "name": "Ada"}},
        ),
        "reviews": Subgraph(
            REVIEWS_OF_USERS,
            entities={"User": lambda r: {"id": r["id"], "reviews": [{"body": "ok"}]}},
        ),
    }


@pytest.mark.parametrize(
    ("query", "me"),
    [
        (
            "{ me { __typename: name reviews { body } } }",
            {"__typename": "Ada", "reviews": [{"body": "ok"}]},
        ),
        ("{ me { ... on User { __typename: name } id } }", {"__typename": "Ada", "id": "1"}),
        ("{ me { name: __typename __typename: name } }", {"name": "User", "__typename": "Ada"}),
    ],
)
async def test_client_field_aliased_typename(query: str, me: dict[str, Any]) -> None:
    # the GraphQL spec's answer (see tests/planner/test_type_conflicts.py for the references)
    assert await run(typename_graphs(), query) == {"data": {"me": me}}
