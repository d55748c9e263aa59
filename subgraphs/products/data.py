"""products' tables and demo data. Prices are in cents, weights in grams."""

import sqlite3

DDL = """
CREATE TABLE categories (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL
);
CREATE TABLE products (
    upc TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    price INTEGER NOT NULL CHECK (price >= 0),
    weight INTEGER NOT NULL CHECK (weight >= 0),
    category_id TEXT NOT NULL REFERENCES categories (id)
);
CREATE INDEX products_by_category ON products (category_id)
"""

CATEGORIES = [
    ("furniture", "Furniture"),
    ("kitchen", "Kitchen"),
    ("lighting", "Lighting"),
]

PRODUCTS = [
    ("1", "Table", 89900, 15000, "furniture"),
    ("2", "Couch", 129900, 40000, "furniture"),
    ("3", "Chair", 5400, 4500, "furniture"),
    ("4", "Kettle", 3499, 1100, "kitchen"),
    ("5", "Chef's Knife", 7900, 250, "kitchen"),
    ("6", "Desk Lamp", 2999, 1200, "lighting"),
    ("7", "Floor Lamp", 11900, 6000, "lighting"),
]


def seed(connection: sqlite3.Connection) -> None:
    connection.executemany("INSERT INTO categories VALUES (?, ?)", CATEGORIES)
    connection.executemany("INSERT INTO products VALUES (?, ?, ?, ?, ?)", PRODUCTS)
