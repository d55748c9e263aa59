"""orders' tables and demo data.

``allocations`` is the sales ledger: per product, how many units the shop can still
promise to customers. ``placeOrder`` checks and decrements it in the same SQLite
transaction that records the order, so an order is never accepted beyond it.
"""

import sqlite3

DDL = """
CREATE TABLE allocations (
    upc TEXT PRIMARY KEY,
    available INTEGER NOT NULL CHECK (available >= 0)
);
CREATE TABLE orders (
    id INTEGER PRIMARY KEY,
    buyer_id TEXT NOT NULL,
    placed_at TEXT NOT NULL
);
CREATE TABLE order_lines (
    order_id INTEGER NOT NULL REFERENCES orders (id),
    line_no INTEGER NOT NULL,
    upc TEXT NOT NULL REFERENCES allocations (upc),
    quantity INTEGER NOT NULL CHECK (quantity > 0),
    PRIMARY KEY (order_id, line_no)
);
CREATE INDEX orders_by_buyer ON orders (buyer_id)
"""

ALLOCATIONS = [
    ("1", 10),
    ("2", 2),
    ("3", 120),
    ("4", 0),
    ("5", 50),
    ("6", 20),
    ("7", 4),
]

ORDERS = [
    (1, "1", "2024-04-01T09:12:00Z"),
    (2, "2", "2024-04-15T17:40:00Z"),
    (3, "3", "2024-05-02T11:05:00Z"),
    (4, "1", "2024-06-08T20:31:00Z"),
]

ORDER_LINES = [
    (1, 1, "1", 1),
    (1, 2, "3", 6),
    (2, 1, "1", 1),
    (2, 2, "6", 2),
    (3, 1, "2", 1),
    (3, 2, "5", 1),
    (4, 1, "3", 1),
]


def seed(connection: sqlite3.Connection) -> None:
    connection.executemany("INSERT INTO allocations VALUES (?, ?)", ALLOCATIONS)
    connection.executemany("INSERT INTO orders VALUES (?, ?, ?)", ORDERS)
    connection.executemany("INSERT INTO order_lines VALUES (?, ?, ?, ?)", ORDER_LINES)
