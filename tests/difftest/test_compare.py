"""Verdicts: who is the odd one out."""

from __future__ import annotations

import pytest

from .compare import Outcome, key_order_differs, outcome, verdict

A = Outcome({"x": 1}, False)
B = Outcome({"x": 2}, False)
E = Outcome(None, True)


def test_all_agree() -> None:
    assert verdict({"batch": A, "tree": A}, A, None).kind == "agree"


def test_fedgate_alone_is_the_odd_one_out() -> None:
    result = verdict({"batch": B, "tree": A}, A, A)
    assert (result.kind, result.modes, result.agreed) == ("odd", ("batch",), A)


def test_references_disagreeing_is_not_counted_against_fedgate() -> None:
    assert verdict({"batch": B, "tree": B}, A, B).kind == "refs_disagree"
    assert verdict({"batch": E, "tree": E}, A, B).kind == "other"
    assert verdict({"batch": A, "tree": B}, E, B).kind == "other"


def test_apollo_must_be_asked_when_fedgate_differs_from_hive() -> None:
    with pytest.raises(ValueError):
        verdict({"batch": B, "tree": B}, A, None)


def test_errors_count_by_presence_and_data_deeply() -> None:
    assert outcome({"data": {"a": [1]}, "errors": []}) == Outcome({"a": [1]}, False)
    assert outcome({"data": {"b": 1, "a": 2}, "errors": [{}]}) == Outcome({"a": 2, "b": 1}, True)


def test_key_order_is_a_separate_finding() -> None:
    assert key_order_differs({"a": 1, "b": {"c": 1, "d": 2}}, {"a": 1, "b": {"d": 2, "c": 1}})
    assert not key_order_differs({"a": [{"b": 1}]}, {"a": [{"b": 1}]})


def test_following_each_reference_where_the_other_is_wrong() -> None:
    hive = Outcome({"s": {"titles": [], "time": 918}}, False)
    apollo = Outcome({"s": {"titles": ["x", "y"], "time": 354}}, False)
    mixed = Outcome({"s": {"titles": ["x", "y"], "time": 918}}, False)
    assert verdict({"batch": mixed, "tree": mixed}, hive, apollo).kind == "refs_disagree"
    # a value neither has, a field both have left out, an error only fedgate has: other
    for wrong in (
        Outcome({"s": {"titles": ["x", "z"], "time": 918}}, False),
        Outcome({"s": {"titles": ["x", "y"]}}, False),
        Outcome({"s": {"titles": ["x", "y"], "time": 918}}, True),
    ):
        assert verdict({"batch": wrong, "tree": wrong}, hive, apollo).kind == "other"
