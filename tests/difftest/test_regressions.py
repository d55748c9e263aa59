"""Replay every regression the differential tester wrote (``tests/difftest/regressions``)
against fedgate and the data server only: no Node needed, so these run everywhere.

Each file holds an operation where fedgate was the odd one out and the answer both references
agreed on; fedgate must now give that answer (``data`` deeply equal, errors or not) in both
plan modes. A file with ``"xfail": "reason"`` is a known, still open difference: strict xfail,
so fixing it turns the test red until the marker is removed
(``python -m tests.difftest replay --mark`` rewrites the markers from a replay).
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import pytest

from .compare import outcome
from .dataserver import DataServer
from .regressions import read_all, replay
from .sources import ROOT

REGRESSIONS = read_all()


def _params() -> list[Any]:
    params = []
    for name, record in REGRESSIONS:
        marks = []
        if "xfail" in record:
            marks.append(pytest.mark.xfail(reason=record["xfail"], strict=True))
        params.append(pytest.param(record, id=name, marks=marks))
    return params


@pytest.fixture(scope="module")
def data() -> Iterator[DataServer]:
    with DataServer() as server:
        yield server


@pytest.mark.parametrize("record", _params())
def test_regression(record: dict[str, Any], data: DataServer) -> None:
    answers = asyncio.run(replay(data, record))
    expected = record["expected"]
    for mode, body in answers.items():
        got = outcome(body)
        assert (got.data, got.errors) == (expected["data"], expected["errors"]), (mode, body)


def test_regression_files_are_well_formed() -> None:
    keys = {"case", "supergraph", "operation", "variables", "modes", "expected", "fedgate", "found"}
    for name, record in REGRESSIONS:
        assert keys <= set(record), name
        assert (ROOT / record["supergraph"]).is_file(), name
        assert set(record["expected"]) == {"data", "errors"}, name
