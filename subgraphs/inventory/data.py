"""inventory's tables and demo data: units on the warehouse shelves per product."""

import sqlite3

DDL = """
CREATE TABLE stock (
    upc TEXT PRIMARY KEY,
    units INTEGER NOT NULL CHECK (units >= 0),
    warehouse TEXT NOT NULL
)
"""

STOCK = [
    ("1", 12, "Rotterdam"),
    ("2", 3, "Rotterdam"),
    ("3", 140, "Leipzig"),
    ("4", 0, "Leipzig"),
    ("5", 58, "Leipzig"),
    ("6", 25, "Lyon"),
    ("7", 4, "Lyon"),
]


def seed(connection: sqlite3.Connection) -> None:
    connection.executemany("INSERT INTO stock VALUES (?, ?, ?)", STOCK)
