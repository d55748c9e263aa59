"""Operation budgets (gateway/planner/budget.py) through the request pipeline, on the demo
supergraph with the real planner: hostile shapes are refused with a code before validation,
reasonable ones (the benchmark's heavy query) are not, and validation errors stay the real
ones, bounded in number."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from graphql import parse

from gateway.errors import PlanningError
from gateway.execution.prepare import Prepared, Rejected
from gateway.pipeline import Gateway
from gateway.planner import Planner
from gateway.planner.budget import Limits, check_document
from gateway.supergraph import load_supergraph
from gateway.transport.local import LocalClient

ROOT = Path(__file__).parent.parent.parent
DEMO = load_supergraph((ROOT / "schema" / "supergraph.graphql").read_text())
HEAVY = (ROOT / "tests" / "fixtures" / "heavy.graphql").read_text()


def prepare(query: str, limits: Limits | None = None) -> Prepared | Rejected:
    gateway = Gateway(DEMO, LocalClient({}), limits=limits or Limits())
    return gateway.prepare(query, None)


def codes(entry: Prepared | Rejected) -> list[str]:
    assert isinstance(entry, Rejected), "expected a refusal"
    assert "data" not in entry.body
    return [e["extensions"]["code"] for e in entry.body["errors"]]


def bomb(levels: int) -> str:
    spreads = [f"fragment F{i} on Product {{ ...F{i + 1} ...F{i + 1} }}" for i in range(levels)]
    spreads[-1] = f"fragment F{levels - 1} on Product {{ name }}"
    return "{ topProducts { ...F0 } } " + " ".join(spreads)


def test_the_heavy_query_fits_the_default_budgets_with_room_to_spare() -> None:
    entry = prepare(HEAVY)
    assert isinstance(entry, Prepared) and entry.planning_error is None
    tight = Limits(max_depth=8, max_selections=200, max_aliases=1, max_fetch_groups=20)
    entry = prepare(HEAVY, tight)
    assert isinstance(entry, Prepared) and entry.planning_error is None


def test_expanded_selections_are_counted_per_fragment_not_by_expanding() -> None:
    assert codes(prepare(bomb(20))) == ["OPERATION_TOO_COMPLEX"]
    assert codes(prepare(bomb(30))) == ["OPERATION_TOO_COMPLEX"]  # 2^30: still instant
    small = prepare(bomb(8))  # 2^8 selections: a fine operation
    assert isinstance(small, Prepared) and small.planning_error is None
    # the budget is exact: the count is 1 (topProducts) + 1 (...F0) + ... as written
    document = parse(bomb(3))  # F0: 2 spreads of F1, each 2 spreads of F2 { name }
    size = 1 + 1 + 2 * (1 + 2 * (1 + 1))
    assert check_document(document, Limits(max_selections=size))[1] is None
    refused = check_document(document, Limits(max_selections=size - 1))[1]
    assert refused is not None and refused.code == "OPERATION_TOO_COMPLEX"


def test_a_fragment_cycle_or_unknown_fragment_is_left_to_validation() -> None:
    cycle = "{ topProducts { ...A } } fragment A on Product { ...B } fragment B on Product { ...A }"
    entry = prepare(cycle)
    assert set(codes(entry)) == {"GRAPHQL_VALIDATION_FAILED"}
    assert codes(prepare("{ topProducts { ...Missing } }")) == ["GRAPHQL_VALIDATION_FAILED"]


def test_aliases_are_counted_per_distinct_response_key() -> None:
    def aliases(n: int) -> str:
        return "{ topProducts { " + " ".join(f"a{i}: name" for i in range(n)) + " } }"

    assert codes(prepare(aliases(11), Limits(max_aliases=10))) == ["MAX_ALIASES_LIMIT"]
    assert isinstance(prepare(aliases(10), Limits(max_aliases=10)), Prepared)
    same = "{ topProducts { " + "a: name " * 50 + "} }"  # one alias, written 50 times
    assert isinstance(prepare(same, Limits(max_aliases=1)), Prepared)
    assert codes(prepare(aliases(3000))) == ["MAX_ALIASES_LIMIT"]


def test_identical_siblings_are_folded_before_validation_and_planning() -> None:
    folded, _ = check_document(parse("{ topProducts { a: name a: name upc a: name } }"))
    (op,) = folded.definitions
    field = op.selection_set.selections[0]  # type: ignore[attr-defined]
    assert [s.alias.value if s.alias else s.name.value for s in field.selection_set.selections] == [
        "a",
        "upc",
    ]
    entry = prepare("{ topProducts { " + "a: name " * 3000 + "} }")
    assert isinstance(entry, Prepared) and entry.planning_error is None


def test_conflicting_aliases_answer_the_real_validation_errors() -> None:
    fields = " ".join(f"a: {'name' if i % 2 else 'upc'}" for i in range(1000))
    entry = prepare(f"{{ topProducts {{ {fields} }} }}")
    assert codes(entry) == ["GRAPHQL_VALIDATION_FAILED"]
    assert isinstance(entry, Rejected)
    (error,) = entry.body["errors"]
    assert error["message"].startswith("Fields 'a' conflict because 'upc' and 'name' are")
    assert error["locations"] == [{"line": 1, "column": 17}, {"line": 1, "column": 24}]


def test_many_different_fields_at_one_response_key_are_refused_before_validation() -> None:
    def distinct(n: int) -> str:
        return "{ " + " ".join(f"a: topProducts(first: {i}) {{ upc }}" for i in range(n)) + " }"

    assert codes(prepare(distinct(1000))) == ["OPERATION_TOO_COMPLEX"]
    # below the budget, validation runs and reports the real conflicts, bounded in number
    entry = prepare(distinct(30))
    assert isinstance(entry, Rejected)
    errors: list[dict[str, Any]] = entry.body["errors"]
    assert len(errors) == 101
    assert errors[0]["message"].startswith("Fields 'a' conflict because they have differing")
    assert errors[-1]["message"].startswith("Too many validation errors")


def test_validation_errors_are_bounded() -> None:
    unknown = "{ topProducts { " + " ".join(f"f{i}" for i in range(1000)) + " } }"
    entry = prepare(unknown, Limits(max_validation_errors=5))
    assert isinstance(entry, Rejected)
    assert len(entry.body["errors"]) == 6
    assert entry.body["errors"][0]["message"] == "Cannot query field 'f0' on type 'Product'."


def test_depth_and_nesting() -> None:
    nested = "{ topProducts { " + "... on Product { " * 40 + "name" + " }" * 40 + " } }"
    assert codes(prepare(nested, Limits(max_nesting=40))) == ["MAX_DEPTH_LIMIT"]
    assert isinstance(prepare(nested, Limits(max_nesting=42)), Prepared)
    deep = "{ topProducts { reviews { product { reviews { product { name } } } } } }"
    assert codes(prepare(deep, Limits(max_depth=5))) == ["MAX_DEPTH_LIMIT"]
    assert isinstance(prepare(deep, Limits(max_depth=6)), Prepared)


def test_plan_size_is_bounded() -> None:
    # every alias is a path of its own: one entity fetch each
    query = "{ " + " ".join(f"a{i}: topProducts {{ inStock }}" for i in range(30)) + " }"
    entry = prepare(query, Limits(max_fetch_groups=10))
    assert isinstance(entry, Prepared) and entry.plan is None
    assert entry.planning_error is not None
    assert entry.planning_error["extensions"]["code"] == "OPERATION_TOO_COMPLEX"
    with pytest.raises(PlanningError) as raised:
        Planner(DEMO, limits=Limits(max_fetch_groups=10)).plan(parse(query))
    assert raised.value.code == "OPERATION_TOO_COMPLEX"
    assert isinstance(prepare(query), Prepared)


def test_limits_must_be_positive() -> None:
    with pytest.raises(ValueError, match="max_aliases"):
        Limits(max_aliases=0)
