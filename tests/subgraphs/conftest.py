"""Fixtures for the example graph's tests."""

from collections.abc import Callable, Iterator

import pytest

from subgraphs.common.db import Database
from subgraphs.services import SERVICES


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def open_db() -> Iterator[Callable[[str], Database]]:
    """Open a fresh, seeded in-memory database for a service (closed after the test)."""
    opened: list[Database] = []

    def open_(service: str) -> Database:
        db = SERVICES[service].open_database(":memory:")
        opened.append(db)
        return db

    yield open_
    for db in opened:
        db.close()
