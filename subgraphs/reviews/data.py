"""reviews' tables and demo data.

``author_username`` is a copy of the author's username taken when the review was
written, which lets this service answer ``Review.author { username }`` itself
(``@provides(fields: "username")``) instead of sending the gateway to accounts.
"""

import sqlite3

DDL = """
CREATE TABLE reviews (
    id TEXT PRIMARY KEY,
    product_upc TEXT NOT NULL,
    author_id TEXT NOT NULL,
    author_username TEXT NOT NULL,
    rating INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 5),
    body TEXT NOT NULL,
    written_on TEXT NOT NULL
);
CREATE INDEX reviews_by_product ON reviews (product_upc);
CREATE INDEX reviews_by_author ON reviews (author_id)
"""

REVIEWS = [
    ("1", "1", "1", "ada", 5, "Solid oak, seats six. Worth every cent.", "2024-04-02"),
    ("2", "1", "2", "alan", 4, "Sturdy, but assembly took an afternoon.", "2024-04-19"),
    ("3", "2", "3", "grace", 5, "The comfiest couch I have debugged on.", "2024-05-07"),
    ("4", "3", "1", "ada", 3, "Fine chair. Wobbles a little.", "2024-06-11"),
    ("5", "4", "4", "edsger", 2, "Boils water, eventually. Considered harmful.", "2024-06-30"),
    ("6", "5", "3", "grace", 5, "Stays sharp for months.", "2024-08-01"),
    ("7", "6", "2", "alan", 4, "Bright and small. Good for late nights.", "2024-08-15"),
    ("8", "4", "5", "barbara", 4, "Replaces my old kettle without surprises.", "2024-09-09"),
]


def seed(connection: sqlite3.Connection) -> None:
    connection.executemany("INSERT INTO reviews VALUES (?, ?, ?, ?, ?, ?, ?)", REVIEWS)
