"""Service configuration (flags and environment) and database set-up."""

import sqlite3
from pathlib import Path

import pytest

from subgraphs import SERVICE_NAMES, default_port
from subgraphs.common.db import Database, placeholders
from subgraphs.common.service import main, parse_args
from subgraphs.services import SERVICES


def test_ports() -> None:
    assert [default_port(name) for name in SERVICE_NAMES] == [4001, 4002, 4003, 4004, 4005]
    assert default_port("orders", base_port=5000) == 5005


def test_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    for variable in ("FEDGATE_HOST", "FEDGATE_PRODUCTS_HOST", "FEDGATE_PRODUCTS_PORT"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.delenv("FEDGATE_PRODUCTS_DB", raising=False)
    args = parse_args(SERVICES["products"], [])
    assert (args.host, args.port, args.db) == ("127.0.0.1", 4002, "data/products.sqlite3")
    assert not args.print_sdl


def test_environment_configures_each_service(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FEDGATE_HOST", "0.0.0.0")
    monkeypatch.setenv("FEDGATE_REVIEWS_PORT", "9004")
    monkeypatch.setenv("FEDGATE_REVIEWS_DB", "/data/reviews.sqlite3")
    monkeypatch.setenv("FEDGATE_ACCOUNTS_HOST", "::1")
    reviews = parse_args(SERVICES["reviews"], [])
    assert (reviews.host, reviews.port, reviews.db) == ("0.0.0.0", 9004, "/data/reviews.sqlite3")
    assert parse_args(SERVICES["accounts"], []).host == "::1"
    # Flags win over the environment.
    flagged = parse_args(SERVICES["reviews"], ["--port", "1234", "--db", "x.db", "--host", "h"])
    assert (flagged.host, flagged.port, flagged.db) == ("h", 1234, "x.db")


def test_print_sdl_does_not_touch_the_database(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "never" / "inventory.sqlite3"
    assert main(SERVICES["inventory"], ["--print-sdl", "--db", str(db)]) == 0
    assert capsys.readouterr().out == SERVICES["inventory"].sdl()
    assert not db.parent.exists()


@pytest.mark.parametrize("name", SERVICE_NAMES)
def test_first_open_creates_and_seeds_once(name: str, tmp_path: Path) -> None:
    path = tmp_path / "nested" / f"{name}.sqlite3"
    first = SERVICES[name].open_database(path)
    tables = [
        row[0]
        for row in first.query("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
    ]
    counts = {table: first.query(f"SELECT COUNT(*) FROM {table}")[0][0] for table in tables}
    assert all(count > 0 for count in counts.values()), counts
    first.close()
    second = SERVICES[name].open_database(path)
    try:
        with second.capture_statements() as captured:
            again = {table: second.query(f"SELECT COUNT(*) FROM {table}")[0][0] for table in tables}
        assert again == counts  # not seeded twice
        assert len(captured) == len(tables)
    finally:
        second.close()


def test_failed_seed_leaves_no_half_initialised_file(tmp_path: Path) -> None:
    path = tmp_path / "broken.sqlite3"

    def seed(connection: sqlite3.Connection) -> None:
        connection.execute("INSERT INTO t VALUES (1)")
        raise RuntimeError("seed failed")

    with pytest.raises(RuntimeError, match="seed failed"):
        Database.open(path, ddl="CREATE TABLE t (x INTEGER)", seed=seed)
    # The next start initialises from scratch instead of keeping a half-seeded file.
    db = Database.open(path, ddl="CREATE TABLE t (x INTEGER)", seed=lambda c: None)
    try:
        assert db.query("SELECT COUNT(*) FROM t")[0][0] == 0
    finally:
        db.close()


def test_transaction_rolls_back_on_error() -> None:
    db = Database.open(":memory:", ddl="CREATE TABLE t (x INTEGER)", seed=lambda c: None)
    with pytest.raises(ValueError), db.transaction():
        db.execute("INSERT INTO t VALUES (1)")
        raise ValueError
    assert db.query("SELECT COUNT(*) FROM t")[0][0] == 0
    db.close()


def test_placeholders() -> None:
    assert placeholders(3) == "?, ?, ?"
    with pytest.raises(ValueError):
        placeholders(0)
