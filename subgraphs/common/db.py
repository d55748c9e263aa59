"""SQLite access shared by the services.

Each service owns one SQLite file (stdlib :mod:`sqlite3`). Queries run inline on the
event loop rather than in a thread pool: they are point look-ups and small ``IN (...)``
scans on a local file with a handful of rows, which take microseconds, far less than a
hop to a worker thread would cost, and keeping every statement on one thread means one
connection without locking. A service that grew a slow query would move it to
``asyncio.to_thread`` with its own connection.

Every executed statement goes through :meth:`Database.execute`, and the connection's
trace callback records each statement SQLite runs, so tests can assert exactly how many
statements a request cost (see :meth:`Database.capture_statements`).
"""

import sqlite3
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

SCHEMA_VERSION = 1
"""Stored in ``PRAGMA user_version`` once the tables are created and seeded."""

Seeder = Callable[[sqlite3.Connection], None]


class Database:
    """One service's SQLite database: schema creation, seeding, statement tracing."""

    def __init__(self, connection: sqlite3.Connection, path: str) -> None:
        self.connection = connection
        self.path = path
        self.statement_count = 0
        self._captures: list[list[str]] = []
        connection.set_trace_callback(self._trace)

    @classmethod
    def open(cls, path: str | Path, *, ddl: str, seed: Seeder) -> "Database":
        """Open (creating if needed) the database at ``path``; ``":memory:"`` for tests.

        On first open the tables from ``ddl`` are created and ``seed`` fills them with the
        demo data, in one transaction, after which ``PRAGMA user_version`` marks the file
        as initialised so that later starts keep the data (and any placed orders).
        """
        location = str(path)
        if location != ":memory:":
            Path(location).parent.mkdir(parents=True, exist_ok=True)
        # isolation_level=None: autocommit; writes use explicit transactions
        # (Database.transaction). check_same_thread=False: the connection is created by
        # whichever thread builds the app but only ever used from the event loop thread.
        connection = sqlite3.connect(location, isolation_level=None, check_same_thread=False)
        connection.row_factory = sqlite3.Row
        connection.execute("PRAGMA foreign_keys = ON")
        db = cls(connection, location)
        try:
            (version,) = connection.execute("PRAGMA user_version").fetchone()
            if version != SCHEMA_VERSION:
                with db.transaction():
                    _run_script(connection, ddl)
                    seed(connection)
                    connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        except BaseException:
            connection.close()
            raise
        return db

    def close(self) -> None:
        self.connection.close()

    def _trace(self, statement: str) -> None:
        self.statement_count += 1
        for capture in self._captures:
            capture.append(statement)

    @contextmanager
    def capture_statements(self) -> Iterator[list[str]]:
        """Collect the SQL statements executed inside the ``with`` block."""
        captured: list[str] = []
        self._captures.append(captured)
        try:
            yield captured
        finally:
            self._captures.remove(captured)

    def query(self, sql: str, parameters: Sequence[Any] = ()) -> list[sqlite3.Row]:
        """Run one statement and return all its rows."""
        return self.connection.execute(sql, parameters).fetchall()

    def execute(self, sql: str, parameters: Sequence[Any] = ()) -> sqlite3.Cursor:
        return self.connection.execute(sql, parameters)

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """``BEGIN IMMEDIATE`` ... ``COMMIT`` (``ROLLBACK`` if the block raises).

        IMMEDIATE takes the write lock up front, so a read-check-write sequence inside
        the block (placeOrder's stock check) cannot interleave with another writer.
        """
        self.connection.execute("BEGIN IMMEDIATE")
        try:
            yield self.connection
        except BaseException:
            self.connection.execute("ROLLBACK")
            raise
        self.connection.execute("COMMIT")


def _run_script(connection: sqlite3.Connection, ddl: str) -> None:
    # executescript() would COMMIT the surrounding transaction first, so run the
    # statements one by one; the DDL files contain no semicolons inside literals.
    for statement in ddl.split(";"):
        if statement.strip():
            connection.execute(statement)


def placeholders(count: int) -> str:
    """``?, ?, ?`` for an ``IN (...)`` list of ``count`` parameters."""
    if count < 1:
        raise ValueError("an IN list needs at least one parameter")
    return ", ".join("?" * count)
