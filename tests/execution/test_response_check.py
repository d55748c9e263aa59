"""The subgraph response check (subgraph_call.py): its fast path for the usual answer lets
through only what the full check lets through; everything else gets the full check's reason."""

from __future__ import annotations

from typing import Any

import pytest

from gateway.execution.subgraph_call import _decode, _shape_problem

ONE = {"_entities": 1}
TWO = {"_0": 1, "_1": 2}


@pytest.mark.parametrize(
    ("body", "counts", "problem"),
    [
        (b'{"data":{"a":1}}', None, None),
        (b'{"data":{"_entities":[{"x":1}]}}', ONE, None),
        (b'{"data":{"_0":[{}],"_1":[{},{}]}}', TWO, None),
        (b'{"data":{"_entities":[{}]},"errors":[{"message":"m"}]}', ONE, None),
        (b'{"data":{"_entities":null},"errors":[{"message":"m"}]}', ONE, None),
        (b'{"data":null,"errors":[{"message":"m"}]}', ONE, None),
        (b'{"errors":[{"message":"m"}]}', None, None),
        (b'{"data":{"_entities":[{}]},"errors":null}', ONE, None),
        (b'{"data":{"_entities":[]}}', ONE, "expected 1 _entities, got 0"),
        (b'{"data":{"_0":[{}],"_1":[{}]}}', TWO, "expected 2 _1, got 1"),
        (b'{"data":{"_entities":{"x":1}}}', ONE, "_entities is not a list"),
        (b'{"data":{}}', ONE, "_entities is missing"),
        (b'{"data":{"_entities":[{}]},"errors":5}', ONE, "errors is not a list"),
        (b'{"data":[]}', None, "data is not an object"),
        (b'{"data":null}', None, None),
        (b'{"hello":1}', None, "the response has neither data nor errors"),
        (b"[1]", None, "the response is not a JSON object"),
        (b"<html>", None, "invalid JSON"),
    ],
)
def test_response_check(body: bytes, counts: dict[str, int] | None, problem: str | None) -> None:
    assert _shape_problem(_decode(body), counts) == problem


def test_a_data_object_of_another_type_is_checked_fully() -> None:
    """``type(x) is dict`` in the fast path: a dict subclass takes the full check, which
    accepts it as the check always did."""

    class Sub(dict[str, Any]):
        pass

    decoded = Sub(data=Sub(_entities=[{}]))
    assert _shape_problem(decoded, ONE) is None
    assert _shape_problem(Sub(data=Sub()), ONE) == "_entities is missing"
