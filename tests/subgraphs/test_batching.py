"""Entity resolution is batched: ``_entities`` with N representations costs one SQL
statement (``WHERE key IN (...)``) per table it reads, whatever N is."""

import re
from collections.abc import Callable
from typing import Any

import pytest

from subgraphs.common.db import Database
from subgraphs.services import SERVICES
from tests.subgraphs.helpers import data_of

pytestmark = pytest.mark.anyio

OpenDb = Callable[[str], Database]

ENTITIES = """query ($reps: [_Any!]!) {
  _entities(representations: $reps) { ... on %s { %s } }
}"""

PRODUCTS = {
    "1": (89900, 15000),
    "2": (129900, 40000),
    "3": (5400, 4500),
    "4": (3499, 1100),
    "5": (7900, 250),
    "6": (2999, 1200),
    "7": (11900, 6000),
}


def in_list(statement: str) -> list[str]:
    """The values of the (single) ``IN (...)`` list of an expanded SQL statement."""
    match = re.search(r" IN \(([^)]*)\)", statement)
    assert match is not None, statement
    return [value.strip().strip("'") for value in match.group(1).split(",")]


def reps(typename: str, field: str, keys: list[str], **extra: Any) -> list[dict[str, Any]]:
    return [{"__typename": typename, field: key, **extra} for key in keys]


# (service, typename, selection, representations, statements it may cost)
CASES: list[tuple[str, str, str, list[dict[str, Any]], int]] = [
    ("accounts", "User", "id username email", reps("User", "id", ["1", "2", "3", "4", "5"]), 1),
    ("products", "Product", "upc name price weight", reps("Product", "upc", list(PRODUCTS)), 1),
    # products + their categories: one statement per table, not per product.
    ("products", "Product", "name category { name }", reps("Product", "upc", list(PRODUCTS)), 2),
    (
        "inventory",
        "Product",
        "inStock unitsInStock shippingEstimate",
        [
            {"__typename": "Product", "upc": upc, "price": price, "weight": weight}
            for upc, (price, weight) in PRODUCTS.items()
        ],
        1,
    ),
    ("reviews", "Review", "body author { username }", reps("Review", "id", list("12345")), 1),
    ("reviews", "User", "reviews { id rating }", reps("User", "id", list("12345")), 1),
    (
        "reviews",
        "Product",
        "averageRating reviews { body }",
        reps("Product", "upc", list(PRODUCTS)),
        1,
    ),
    ("orders", "Order", "placedAt buyer { id }", reps("Order", "id", list("1234")), 1),
    # orders, their lines, and the lines' products' allocations.
    (
        "orders",
        "Order",
        "itemCount lines { quantity product { unitsAvailable } }",
        reps("Order", "id", list("1234")),
        3,
    ),
    ("orders", "User", "orders { id }", reps("User", "id", list("12345")), 1),
    ("orders", "Product", "unitsAvailable", reps("Product", "upc", list(PRODUCTS)), 1),
]


@pytest.mark.parametrize(
    ("service", "typename", "selection", "representations", "statements"),
    CASES,
    ids=[f"{case[0]}-{case[1]}-{case[4]}" for case in CASES],
)
async def test_entities_cost_one_statement_per_table(
    open_db: OpenDb,
    service: str,
    typename: str,
    selection: str,
    representations: list[dict[str, Any]],
    statements: int,
) -> None:
    db = open_db(service)
    with db.capture_statements() as captured:
        data = await data_of(
            service, db, ENTITIES % (typename, selection), {"reps": representations}
        )
    assert len(data["_entities"]) == len(representations)
    assert all(entity is not None for entity in data["_entities"])
    assert len(captured) == statements, captured
    # The first statement fetched every representation's key in one IN list.
    key = next(name for name in representations[0] if name != "__typename")
    assert in_list(captured[0]) == [str(representation[key]) for representation in representations]


@pytest.mark.parametrize("count", [1, 3, 7])
async def test_statement_count_does_not_grow_with_representations(
    open_db: OpenDb, count: int
) -> None:
    db = open_db("products")
    representations = reps("Product", "upc", list(PRODUCTS)[:count])
    with db.capture_statements() as captured:
        await data_of("products", db, ENTITIES % ("Product", "name"), {"reps": representations})
    assert len(captured) == 1
    assert in_list(captured[0]) == list(PRODUCTS)[:count]


async def test_duplicate_representations_share_one_key(open_db: OpenDb) -> None:
    db = open_db("accounts")
    representations = reps("User", "id", ["2", "2", "1", "2"])
    with db.capture_statements() as captured:
        data = await data_of(
            "accounts", db, ENTITIES % ("User", "username"), {"reps": representations}
        )
    assert [entity["username"] for entity in data["_entities"]] == ["alan", "alan", "ada", "alan"]
    assert len(captured) == 1
    assert in_list(captured[0]) == ["2", "1"]


async def test_unknown_keys_resolve_to_null_in_the_same_statement(open_db: OpenDb) -> None:
    db = open_db("accounts")
    representations = reps("User", "id", ["1", "nope", "3"])
    with db.capture_statements() as captured:
        data = await data_of(
            "accounts", db, ENTITIES % ("User", "username"), {"reps": representations}
        )
    assert data["_entities"] == [{"username": "ada"}, None, {"username": "grace"}]
    assert len(captured) == 1


async def test_each_request_gets_its_own_loaders(open_db: OpenDb) -> None:
    """Counting works across requests: two requests, two statements (no shared cache)."""
    db = open_db("accounts")
    query = ENTITIES % ("User", "username")
    with db.capture_statements() as captured:
        await data_of("accounts", db, query, {"reps": reps("User", "id", ["1"])})
        await data_of("accounts", db, query, {"reps": reps("User", "id", ["1"])})
    assert len(captured) == 2


def test_every_entity_type_is_covered() -> None:
    """Every entity (type with @key) of every service has a batching case above."""
    covered = {(service, typename) for service, typename, *_ in CASES}
    entities = set()
    for name, service in SERVICES.items():
        for line in service.sdl().splitlines():
            if line.startswith("type ") and "@key(" in line:
                entities.add((name, line.split()[1]))
    assert entities == covered
