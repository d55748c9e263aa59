"""Every error code has a failing example; errors carry code, message, place and fix."""

from __future__ import annotations

import re

import pytest

from gateway.composition import CompositionError, CompositionFailure, compose
from gateway.composition.error_codes import ERROR_CODES, HINT_CODES

from .error_cases import CASES, Case
from .helpers import failure

LOCATION = re.compile(r"^[a-z_]+\.graphql:\d+:\d+$")


def _matching(case: Case) -> CompositionError:
    errors = failure(**case.sdls).errors
    with_code = [e for e in errors if e.code == case.code]
    assert with_code, [(e.code, e.message) for e in errors]
    matching = [e for e in with_code if case.message in e.message]
    assert matching, [e.message for e in with_code]
    return matching[0]


@pytest.mark.parametrize("case", CASES, ids=[f"{c.code}-{i}" for i, c in enumerate(CASES)])
def test_error_code_and_message(case: Case) -> None:
    error = _matching(case)
    assert error.subgraphs and set(error.subgraphs) <= set(case.sdls)
    assert error.locations, error
    assert all(LOCATION.match(str(loc)) for loc in error.locations), error.locations
    assert error.fix.endswith(".") and "\n" not in error.fix


def test_syntax_error_points_at_line_and_column() -> None:
    error = failure(a="type Query {\n  a: Int\n  b:\n}\n").errors[0]
    assert error.code == "INVALID_GRAPHQL"
    assert [str(loc) for loc in error.locations] == ["a.graphql:4:1"]


def test_key_error_points_at_the_directive() -> None:
    sdl = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])\n'
    sdl += 'type Query { p: P }\ntype P @key(fields: "nope") { id: ID! }\n'
    error = failure(a=sdl).errors[0]
    assert error.code == "KEY_INVALID_FIELDS"
    assert [str(loc) for loc in error.locations] == ["a.graphql:3:8"]
    assert error.element == "P"


def test_every_error_is_reported_not_only_the_first() -> None:
    case = next(c for c in CASES if c.code == "OVERRIDE_SOURCE_HAS_OVERRIDE")
    codes = [e.code for e in failure(**case.sdls).errors]
    assert codes.count("OVERRIDE_SOURCE_HAS_OVERRIDE") == 2


def test_every_registered_error_code_has_a_failing_example() -> None:
    tested = {c.code for c in CASES} | {"NO_SUBGRAPHS"}
    assert set(ERROR_CODES) == tested


def test_no_subgraphs() -> None:
    result = compose([])
    assert isinstance(result, CompositionFailure)
    assert [e.code for e in result.errors] == ["NO_SUBGRAPHS"]
    assert result.errors[0].message == "No subgraphs to compose."


def test_hint_codes_are_registered() -> None:
    case_hints = {h.code for c in CASES for h in failure(**c.sdls).hints}
    assert case_hints <= set(HINT_CODES)


def test_docs_list_every_code() -> None:
    from pathlib import Path

    doc = (Path(__file__).resolve().parents[2] / "docs" / "composition.md").read_text()
    assert all(f"`{code}`" in doc for code in [*ERROR_CODES, *HINT_CODES])
