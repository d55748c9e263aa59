"""placeOrder checks the sales allocation and records the order atomically."""

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from strawberry import ID

from subgraphs.common.db import Database
from subgraphs.orders.service import OrderLineInput, PlaceOrderInput, place_order
from subgraphs.services import SERVICES
from tests.subgraphs.helpers import data_of, execute

pytestmark = pytest.mark.anyio

OpenDb = Callable[[str], Database]

PLACE_ORDER = """mutation ($input: PlaceOrderInput!) {
  placeOrder(input: $input) {
    id placedAt itemCount buyer { id }
    lines { quantity product { upc unitsAvailable } }
  }
}"""


def order_input(*lines: tuple[str, int], buyer: str = "2") -> dict[str, Any]:
    return {"buyerId": buyer, "lines": [{"upc": upc, "quantity": qty} for upc, qty in lines]}


def values(db: Database, sql: str) -> list[Any]:
    """The first column of every row."""
    return [row[0] for row in db.query(sql)]


def snapshot(db: Database) -> tuple[list[tuple[Any, ...]], ...]:
    return tuple(
        [tuple(row) for row in db.query(f"SELECT * FROM {table} ORDER BY 1, 2")]
        for table in ("allocations", "orders", "order_lines")
    )


async def test_place_order_records_the_order_and_decrements_allocation(open_db: OpenDb) -> None:
    db = open_db("orders")
    data = await data_of("orders", db, PLACE_ORDER, {"input": order_input(("2", 2), ("3", 5))})
    order = data["placeOrder"]
    assert order["id"] == "5"
    assert order["buyer"] == {"id": "2"}
    assert order["itemCount"] == 7
    assert order["lines"] == [
        {"quantity": 2, "product": {"upc": "2", "unitsAvailable": 0}},
        {"quantity": 5, "product": {"upc": "3", "unitsAvailable": 115}},
    ]
    datetime.strptime(order["placedAt"], "%Y-%m-%dT%H:%M:%SZ")  # ISO 8601, UTC

    # Recorded: visible to later requests, including through the User entity.
    later = await data_of(
        "orders",
        db,
        '{ order(id: "5") { itemCount } '
        '_entities(representations: [{__typename: "User", id: "2"}]) '
        "{ ... on User { orders { id } } } }",
    )
    assert later["order"] == {"itemCount": 7}
    assert later["_entities"] == [{"orders": [{"id": "5"}, {"id": "2"}]}]


async def test_insufficient_stock_is_a_clear_error_and_changes_nothing(open_db: OpenDb) -> None:
    db = open_db("orders")
    before = snapshot(db)
    result = await execute(
        SERVICES["orders"], db, PLACE_ORDER, {"input": order_input(("1", 1), ("2", 3), ("7", 5))}
    )
    assert result.data is None
    assert result.errors is not None and len(result.errors) == 1
    error = result.errors[0]
    assert error.message == (
        "Insufficient stock (product 2: requested 3, available 2;"
        " product 7: requested 5, available 4)."
    )
    assert error.path == ["placeOrder"]
    assert error.extensions == {
        "code": "INSUFFICIENT_STOCK",
        "shortages": [
            {"upc": "2", "requested": 3, "available": 2},
            {"upc": "7", "requested": 5, "available": 4},
        ],
    }
    assert snapshot(db) == before


async def test_out_of_stock_product_cannot_be_ordered(open_db: OpenDb) -> None:
    db = open_db("orders")
    result = await execute(SERVICES["orders"], db, PLACE_ORDER, {"input": order_input(("4", 1))})
    assert result.errors is not None
    assert result.errors[0].extensions == {
        "code": "INSUFFICIENT_STOCK",
        "shortages": [{"upc": "4", "requested": 1, "available": 0}],
    }


async def test_lines_of_the_same_product_are_checked_together(open_db: OpenDb) -> None:
    db = open_db("orders")
    result = await execute(
        SERVICES["orders"], db, PLACE_ORDER, {"input": order_input(("2", 1), ("2", 2))}
    )
    assert result.errors is not None
    assert result.errors[0].extensions is not None
    assert result.errors[0].extensions["shortages"] == [
        {"upc": "2", "requested": 3, "available": 2}
    ]
    ok = await data_of("orders", db, PLACE_ORDER, {"input": order_input(("2", 1), ("2", 1))})
    assert [line["quantity"] for line in ok["placeOrder"]["lines"]] == [1, 1]
    assert ok["placeOrder"]["lines"][0]["product"]["unitsAvailable"] == 0


async def test_the_whole_allocation_can_be_ordered_then_no_more(open_db: OpenDb) -> None:
    db = open_db("orders")
    await data_of("orders", db, PLACE_ORDER, {"input": order_input(("7", 4))})
    result = await execute(SERVICES["orders"], db, PLACE_ORDER, {"input": order_input(("7", 1))})
    assert result.errors is not None
    assert result.errors[0].extensions is not None
    assert result.errors[0].extensions["code"] == "INSUFFICIENT_STOCK"


@pytest.mark.parametrize(
    ("lines", "code", "message"),
    [
        ((), "BAD_USER_INPUT", "An order needs at least one line."),
        ((("1", 0),), "BAD_USER_INPUT", "Quantity must be at least 1 (got 0 for product 1)."),
        (
            (("1", 1), ("3", -2)),
            "BAD_USER_INPUT",
            "Quantity must be at least 1 (got -2 for product 3).",
        ),
        ((("1", 1), ("999", 1)), "UNKNOWN_PRODUCT", "Unknown product: 999."),
    ],
)
async def test_invalid_orders_are_rejected(
    open_db: OpenDb, lines: tuple[tuple[str, int], ...], code: str, message: str
) -> None:
    db = open_db("orders")
    before = snapshot(db)
    result = await execute(SERVICES["orders"], db, PLACE_ORDER, {"input": order_input(*lines)})
    assert result.data is None
    assert result.errors is not None
    assert result.errors[0].message == message
    assert result.errors[0].extensions is not None
    assert result.errors[0].extensions["code"] == code
    assert snapshot(db) == before


def test_place_order_is_one_transaction(open_db: OpenDb) -> None:
    db = open_db("orders")
    order = PlaceOrderInput(
        buyer_id=ID("3"),
        lines=[OrderLineInput(upc="5", quantity=2), OrderLineInput(upc="6", quantity=1)],
    )
    now = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    with db.capture_statements() as captured:
        row = place_order(db, order, now=now)
    assert row.placed_at == "2026-01-02T03:04:05Z"
    assert captured[0] == "BEGIN IMMEDIATE"
    assert captured[-1] == "COMMIT"
    verbs = [statement.split()[0] for statement in captured[1:-1]]
    assert verbs == ["SELECT", "UPDATE", "INSERT", "INSERT"]
    assert values(db, "SELECT available FROM allocations WHERE upc IN ('5', '6') ORDER BY upc") == [
        48,
        19,
    ]


def test_a_failing_write_rolls_back_the_order(open_db: OpenDb) -> None:
    db = open_db("orders")
    before = snapshot(db)
    # A line for a product the ledger knows but whose insert must fail: simulate a
    # broken order_lines table after the allocation update has run.
    db.execute("DROP TABLE order_lines")
    order = PlaceOrderInput(buyer_id=ID("1"), lines=[OrderLineInput(upc="1", quantity=1)])
    with pytest.raises(Exception, match="order_lines"):
        place_order(db, order)
    assert snapshot_without_lines(db) == before[:2]


def snapshot_without_lines(db: Database) -> tuple[list[tuple[Any, ...]], ...]:
    return tuple(
        [tuple(row) for row in db.query(f"SELECT * FROM {table} ORDER BY 1, 2")]
        for table in ("allocations", "orders")
    )


def test_orders_survive_a_restart(tmp_path: Path) -> None:
    path = tmp_path / "data" / "orders.sqlite3"
    db = SERVICES["orders"].open_database(path)
    place_order(db, PlaceOrderInput(buyer_id=ID("1"), lines=[OrderLineInput(upc="1", quantity=3)]))
    db.close()
    reopened = SERVICES["orders"].open_database(path)
    try:
        assert values(reopened, "SELECT available FROM allocations WHERE upc = '1'") == [7]
        assert values(reopened, "SELECT COUNT(*) FROM orders") == [5]
    finally:
        reopened.close()
