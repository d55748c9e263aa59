"""accounts' tables and demo data."""

import sqlite3

DDL = """
CREATE TABLE users (
    id TEXT PRIMARY KEY,
    username TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    email TEXT NOT NULL UNIQUE,
    joined_on TEXT NOT NULL
)
"""

USERS = [
    ("1", "ada", "Ada Lovelace", "ada@example.com", "2024-01-10"),
    ("2", "alan", "Alan Turing", "alan@example.com", "2024-02-03"),
    ("3", "grace", "Grace Hopper", "grace@example.com", "2024-03-21"),
    ("4", "edsger", "Edsger Dijkstra", "edsger@example.com", "2024-05-30"),
    ("5", "barbara", "Barbara Liskov", "barbara@example.com", "2024-07-14"),
]


def seed(connection: sqlite3.Connection) -> None:
    connection.executemany("INSERT INTO users VALUES (?, ?, ?, ?, ?)", USERS)
