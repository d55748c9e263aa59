"""A first guess at the class of a finding (issue 8's list), from how fedgate's answer differs.

Only a label for triage in reports and regression files; the regression test never reads it.
"""

from __future__ import annotations

import json
import re
from typing import Any

__all__ = ["classify", "signature"]

_RULES: tuple[tuple[str, str], ...] = (
    ("must have a selection of subfields", "1: empty selection set sent to a subgraph"),
    ("Expected Name, found }", "1: empty selection set sent to a subgraph"),
    ("is never used", "1: unused variable declared in a subgraph operation"),
    ("can only be used once at this location", "1: repeated @skip/@include sent to a subgraph"),
    ("cannot represent value", "9: error beside a null (enum value outside the API schema)"),
    ("Cannot return null for non-nullable", "9: null bubbling differs"),
    ("HTTP fetch failed", "transport: a subgraph request failed (a harness flake, not a finding)"),
    ("Internal server error", "crash: fedgate internal error"),
)


def classify(expected: dict[str, Any], fedgate: dict[str, Any]) -> str:
    text = json.dumps(fedgate.get("errors") or [])
    for needle, label in _RULES:
        if needle in text:
            return label
    if expected["errors"] and expected["data"] is None and not fedgate.get("errors"):
        return "7: an operation no plan satisfies was answered"
    if _typename_only_where_null(expected["data"], fedgate.get("data")):
        return "4: object of an @inaccessible runtime type not nulled"
    if _empty_where_fields(expected["data"], fedgate.get("data")):
        return (
            "R: the references answer {} under a type condition where fedgate answers the "
            "fields (check the spec: a union/interface the serving subgraph does not define)"
        )
    if not expected["errors"] and not fedgate.get("errors"):
        return "data: fedgate returns other data than both references"
    return "errors: fedgate's errors differ from both references"


def _typename_only_where_null(expected: Any, got: Any) -> bool:
    if expected is None and isinstance(got, dict) and set(got) <= {"__typename"} and got:
        return True
    if isinstance(expected, dict) and isinstance(got, dict):
        return any(_typename_only_where_null(expected.get(k), got.get(k)) for k in expected)
    if isinstance(expected, list) and isinstance(got, list):
        return any(_typename_only_where_null(a, b) for a, b in zip(expected, got, strict=False))
    return False


def _empty_where_fields(expected: Any, got: Any) -> bool:
    if expected == {} and isinstance(got, dict) and got:
        return True
    if isinstance(expected, dict) and isinstance(got, dict):
        return any(_empty_where_fields(expected.get(k), got.get(k)) for k in expected)
    if isinstance(expected, list) and isinstance(got, list):
        return any(_empty_where_fields(a, b) for a, b in zip(expected, got, strict=False))
    return False


def signature(operation: str) -> str:
    """The operation with string literals and whitespace normalised: one regression per shape."""
    text = re.sub(r'"(?:[^"\\]|\\.)*"', '"…"', operation)
    return " ".join(text.split())
