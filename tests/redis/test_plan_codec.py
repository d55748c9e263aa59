"""Plans to versioned JSON and back: every plan the planner makes for the heavy benchmark
query (tree and batch) and the planner's own test supergraphs comes back equal; anything
else decodes as a miss, never as an object of another type."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest
from graphql import parse

from gateway.planner import Planner
from gateway.planner.plan import Fetch, QueryPlan
from gateway.redis.plan_codec import VERSION, decode_plan, encode_plan
from gateway.supergraph import load_supergraph

FIXTURES = Path(__file__).parent.parent / "fixtures"


@pytest.mark.parametrize("batch", [False, True])
def test_the_heavy_plan_round_trips(batch: bool) -> None:
    supergraph = load_supergraph((FIXTURES / "bench_supergraph.graphql").read_text())
    plan = Planner(supergraph, batch=batch).plan(parse((FIXTURES / "heavy.graphql").read_text()))
    raw = encode_plan(plan)
    assert decode_plan(raw) == plan
    assert orjson.loads(raw)["v"] == VERSION


def test_an_empty_plan_round_trips() -> None:
    assert decode_plan(encode_plan(QueryPlan(None))) == QueryPlan(None)


@pytest.mark.parametrize(
    "raw",
    [
        b"not json",
        b"[]",
        orjson.dumps({"v": VERSION + 1, "plan": {"@": "QueryPlan", "node": None}}),
        orjson.dumps({"v": VERSION, "plan": {"@": "Popen", "args": ["sh"]}}),
        orjson.dumps({"v": VERSION, "plan": {"@": "QueryPlan", "node": None, "extra": 1}}),
        orjson.dumps({"v": VERSION, "plan": {"@": "Fetch", "service": "a"}}),
        orjson.dumps({"v": VERSION, "plan": {"@": "QueryPlan", "node": 1.5}}),
        orjson.dumps({"v": VERSION, "plan": {"@": "Fetch", "service": "a", "operation": "{a}"}}),
    ],
)
def test_anything_else_is_a_miss(raw: bytes) -> None:
    assert decode_plan(raw) is None


def test_a_fetch_keeps_its_tuples() -> None:
    fetch = Fetch("a", "{ a }", variable_usages=("x",), context_variables=(("v", "ID!"),))
    decoded = decode_plan(encode_plan(QueryPlan(fetch)))
    assert decoded is not None and decoded.node == fetch
    assert isinstance(decoded.node, Fetch) and decoded.node.context_variables == (("v", "ID!"),)


@pytest.mark.parametrize("case", ["entity_boundary", "nested", "root", "value_type"])
def test_defer_plans_round_trip(case: str) -> None:
    from tests.planner.defer_cases import CASES, shop

    plan = Planner(shop(), defer=True).plan(parse(CASES[case]))  # type: ignore[no-untyped-call]
    assert plan.deferred  # the blocks are there, and come back
    assert decode_plan(encode_plan(plan)) == plan
