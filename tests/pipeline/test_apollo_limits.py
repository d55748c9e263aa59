"""Apollo Router's opt-in operation limits (``max_height``, ``max_root_fields``), the parser's
recursion limit (``parser_max_recursion``, checked on the text before parsing) and
``warn_only``, through the request pipeline on the demo supergraph with the real planner."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from gateway.execution.prepare import Prepared, Rejected
from gateway.pipeline import Gateway
from gateway.planner.budget import Limits, check_text
from gateway.supergraph import load_supergraph
from gateway.transport.local import LocalClient

ROOT = Path(__file__).parent.parent.parent
DEMO = load_supergraph((ROOT / "schema" / "supergraph.graphql").read_text())
HEAVY = (ROOT / "tests" / "fixtures" / "heavy.graphql").read_text()


def prepare(query: str, limits: Limits) -> Prepared | Rejected:
    return Gateway(DEMO, LocalClient({}), limits=limits).prepare(query, None)


def codes(entry: Prepared | Rejected) -> list[str]:
    assert isinstance(entry, Rejected), "expected a refusal"
    return [e["extensions"]["code"] for e in entry.body["errors"]]


def accepted(entry: Prepared | Rejected) -> bool:
    return isinstance(entry, Prepared) and entry.planning_error is None


# Apollo's documented example: `name` is counted once, so the height is 3, not 4
# (here `topProducts` twice, with `name` and `upc` under it)
MERGED = "{ topProducts { name } topProducts { upc } }"


def test_height_counts_fields_once_per_response_key_in_a_selection_set() -> None:
    assert accepted(prepare(MERGED, Limits(max_height=3)))
    assert codes(prepare(MERGED, Limits(max_height=2))) == ["MAX_HEIGHT_LIMIT"]
    aliased = "{ topProducts { name } other: topProducts { upc } }"  # two keys: 4
    assert codes(prepare(aliased, Limits(max_height=3))) == ["MAX_HEIGHT_LIMIT"]


def test_height_counts_fragments_where_they_are_spread() -> None:
    query = "{ topProducts { ...F } top2: topProducts { ...F } } fragment F on Product { upc name }"
    assert accepted(prepare(query, Limits(max_height=6)))  # 2 + 2 * 2
    assert codes(prepare(query, Limits(max_height=5))) == ["MAX_HEIGHT_LIMIT"]
    inline = "{ topProducts { ... on Product { name } name upc } }"  # name merged: 3
    assert accepted(prepare(inline, Limits(max_height=3)))


def test_root_fields_count_response_keys_through_fragments() -> None:
    query = "{ topProducts { name } ...R ... on Query { b: topProducts { upc } } } "
    query += "fragment R on Query { c: topProducts { upc } }"
    assert accepted(prepare(query, Limits(max_root_fields=3)))
    assert codes(prepare(query, Limits(max_root_fields=2))) == ["MAX_ROOT_FIELDS_LIMIT"]


def test_the_heavy_query_under_apollos_example_limits() -> None:
    # Apollo's documentation example values; the benchmark query fits them
    entry = prepare(HEAVY, Limits(max_height=200, max_root_fields=20, max_aliases=30))
    assert accepted(entry)


def test_parser_recursion_is_checked_on_the_text_before_parsing() -> None:
    deep = "{ topProducts " + "{ name " * 30 + "}" * 31
    entry = prepare(deep, Limits(max_recursion=20))
    assert codes(entry) == ["GRAPHQL_PARSE_FAILED"]
    assert isinstance(entry, Rejected)
    assert "parser recursion limit reached" in entry.body["errors"][0]["message"]
    # brackets inside strings and comments do not count; arguments and lists do
    text = '{ a(s: "{{{{{{", t: """ ((((( """) # [[[[[[\n { b } }'
    assert check_text(text, Limits(max_recursion=3)) is None
    assert check_text("{ a(x: [[[[1]]]]) }", Limits(max_recursion=5)) is not None


def test_warn_only_logs_apollos_limits_and_keeps_fedgates_own(
    caplog: pytest.LogCaptureFixture,
) -> None:
    limits = Limits(max_height=1, max_root_fields=1, max_depth=1, warn_only=True)
    with caplog.at_level(logging.WARNING, logger="gateway.limits"):
        assert accepted(prepare("{ topProducts { name } b: topProducts { upc } }", limits))
    logged = " ".join(r.getMessage() for r in caplog.records)
    assert "1 fields" in logged and "1 root fields" in logged and "levels deep" in logged
    # fedgate's own budgets (here the expanded selections) still refuse
    tight = Limits(max_selections=2, warn_only=True)
    assert codes(prepare(MERGED, tight)) == ["OPERATION_TOO_COMPLEX"]
