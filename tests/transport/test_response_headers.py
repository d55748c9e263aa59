"""Response header rules: which subgraph response headers reach the client and how several
subgraphs' values merge (Set-Cookie all kept, Cache-Control the most restrictive)."""

from __future__ import annotations

import re

import pytest

from gateway.context import RequestContext
from gateway.transport.headers import Insert, Remove
from gateway.transport.local import ResponseHeaders
from gateway.transport.response_headers import (
    SEEN,
    ResponseHeaderRules,
    ResponsePropagate,
    most_restrictive,
)


def client_headers(
    rules: ResponseHeaderRules, *responses: tuple[str, list[tuple[str, str]]]
) -> list[tuple[str, str]]:
    context = RequestContext.create()
    context.scratch.set(SEEN, [(name, ResponseHeaders(pairs)) for name, pairs in responses])
    return rules.for_client(context)


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (["public, max-age=60", "public, max-age=30"], "public, max-age=30"),
        (["public, max-age=60", "private, max-age=600"], "private, max-age=60"),
        (["max-age=60", "no-cache"], "no-cache"),
        (["no-cache", "no-store, max-age=5"], "no-store"),
        (["public, max-age=60", None], None),  # a part without a policy: not cacheable
        (["public, max-age=60", "public"], None),  # a part without a lifetime
        (["public, max-age=60"], "public, max-age=60"),
    ],
)
def test_most_restrictive_cache_control(values: list[str | None], expected: str | None) -> None:
    assert most_restrictive(values) == expected


def test_algorithms_cookies_insert_and_remove() -> None:
    rules = ResponseHeaderRules(
        [
            ResponsePropagate(named="set-cookie"),
            ResponsePropagate(named="x-first", algorithm="first"),
            ResponsePropagate(named="x-last"),
            ResponsePropagate(matching=re.compile("^x-tag"), algorithm="append"),
            ResponsePropagate(named="x-version", rename="x-api-version", default="1"),
            Insert("x-served-by", "fedgate"),
            Remove(named="x-tag-secret"),
        ]
    )
    a = [("set-cookie", "a=1"), ("set-cookie", "b=2"), ("x-first", "A"), ("x-last", "A")]
    a += [("x-tag", "red"), ("x-tag-secret", "s"), ("content-type", "text/html")]
    b = [("set-cookie", "c=3"), ("x-first", "B"), ("x-last", "B"), ("x-tag", "blue")]
    b += [("x-version", "2")]
    out = client_headers(rules, ("a", a), ("b", b))
    assert [v for n, v in out if n == "set-cookie"] == ["a=1", "b=2", "c=3"]
    as_dict = {n: v for n, v in out if n != "set-cookie"}
    assert as_dict == {
        "x-first": "A",
        "x-last": "B",
        "x-tag": "red, blue",
        "x-api-version": "2",  # b's value is the last; a had none, so its default "1" lost
        "x-served-by": "fedgate",
    }


def test_per_subgraph_rules_and_nothing_without_rules() -> None:
    rules = ResponseHeaderRules([], {"b": [ResponsePropagate(named="x-last")]})
    out = client_headers(rules, ("a", [("x-last", "A")]), ("b", [("x-last", "B")]))
    assert out == [("x-last", "B")]
    assert ResponseHeaderRules().empty and not rules.empty
