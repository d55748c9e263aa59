"""``Cache-Control`` in (a subgraph response's header → how long its data is kept) and out
(the parts of a client response → its header), as a shared cache reads RFC 9111."""

from __future__ import annotations

import pytest

from gateway.cache.cache_control import NO_STORE, Policy, ResponsePolicy, policy_of


@pytest.mark.parametrize(
    ("header", "age", "expected"),
    [
        (None, None, Policy()),
        ("public, max-age=60", None, Policy(60.0)),
        ("max-age=60, s-maxage=10", None, Policy(10.0)),  # shared caches read s-maxage
        ("private, max-age=60, s-maxage=10", None, Policy(60.0, private=True)),
        ("max-age=60", "15", Policy(45.0)),
        ("max-age=60", "60", NO_STORE),
        ("max-age=0", None, NO_STORE),
        ("no-store", None, NO_STORE),
        ("no-cache, max-age=60", None, NO_STORE),  # reuse needs revalidation: not kept
        ('Max-Age="30"', None, Policy(30.0)),
        ("private", None, Policy(None, private=True)),
    ],
)
def test_policy_of(header: str | None, age: str | None, expected: Policy) -> None:
    assert policy_of(header, age) == expected


def test_the_response_header_is_the_most_restrictive_of_its_parts() -> None:
    policy = ResponsePolicy()
    assert policy.header() is None  # no part: no header
    policy.add(60)
    policy.add(30.7)
    assert policy.header() == "max-age=30, public"
    policy.add(45, private=True)
    assert policy.header() == "max-age=30, private"
    policy.forbid()
    assert policy.header() == "no-store"
