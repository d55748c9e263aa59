"""Replay every regression the differential tester wrote (``tests/difftest/regressions``)
against fedgate and the data server only: no Node needed, so these run everywhere.

Each file holds an operation where fedgate was the odd one out and the answer both references
agreed on; fedgate must now give that answer (``data`` deeply equal, errors or not) in both
plan modes. A file with ``"xfail": "reason"`` is a known, still open difference: strict xfail,
so fixing it turns the test red until the marker is removed
(``python -m tests.difftest replay --mark`` rewrites the markers from a replay).

A file with ``"spec": {"answer": ..., "reason": ...}`` is one where both references are wrong
per the GraphQL spec (docs/decisions/0015-references-against-the-spec.md): fedgate must give
the spec's answer, and the test fails if it ever starts answering as the references do.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import pytest

from .compare import outcome
from .dataserver import DataServer
from .regressions import expected_of, read_all, replay
from .sources import ROOT

REGRESSIONS = read_all()


def _params() -> list[Any]:
    params = []
    for name, record in REGRESSIONS:
        marks = []
        if "xfail" in record:
            marks.append(pytest.mark.xfail(reason=record["xfail"], strict=True))
        ident = f"{name}-spec" if "spec" in record else name
        params.append(pytest.param(record, id=ident, marks=marks))
    return params


@pytest.fixture(scope="module")
def data() -> Iterator[DataServer]:
    with DataServer() as server:
        yield server


@pytest.mark.parametrize("record", _params())
def test_regression(record: dict[str, Any], data: DataServer) -> None:
    answers = asyncio.run(replay(data, record))
    expected = expected_of(record)
    why = record["spec"]["reason"] if "spec" in record else record.get("class", "")
    for mode, body in answers.items():
        got = outcome(body)
        assert (got.data, got.errors) == (expected["data"], expected["errors"]), (mode, why, body)
        if "spec" in record:
            wrong = record["expected"]
            assert (got.data, got.errors) != (wrong["data"], wrong["errors"]), (mode, why)


def test_regression_files_are_well_formed() -> None:
    keys = {"case", "supergraph", "operation", "variables", "modes", "expected", "fedgate", "found"}
    for name, record in REGRESSIONS:
        assert keys <= set(record), name
        assert (ROOT / record["supergraph"]).is_file(), name
        assert set(record["expected"]) == {"data", "errors"}, name
        if "spec" in record:
            assert set(record["spec"]) == {"answer", "reason"}, name
            assert set(record["spec"]["answer"]) == {"data", "errors"}, name
            assert record["spec"]["answer"] != record["expected"], name
            assert "xfail" not in record, name
