"""The shrinker reduces an operation to what a difference needs, keeping it valid."""

from __future__ import annotations

import asyncio
import random

from graphql import parse, validate

from gateway.supergraph import load_supergraph

from .dataserver import DataServer
from .fedgate import Fedgate
from .generator import Generator, Operation, is_valid
from .shrink import candidates, shrink
from .sources import discover


def _has_key(value: object, key: str) -> bool:
    if isinstance(value, dict):
        return key in value or any(_has_key(v, key) for v in value.values())
    if isinstance(value, list):
        return any(_has_key(v, key) for v in value)
    return False


def test_candidates_are_smaller_and_variables_follow_their_uses() -> None:
    op = Operation(
        "query($v: Boolean = true) { a: f(x: 1) @skip(if: $v) { b ...F } } "
        "fragment F on T { c ... on U { d } }",
        {"v": True},
    )
    texts = [c.text for c in candidates(op)]
    assert any("fragment" not in t and "...F" not in t for t in texts)  # unused fragment dropped
    assert any("$v" not in t and "query" not in t for t in texts)  # unused variable dropped
    assert any("c\n    d" in " ".join(t.split("\n")) or "  c\n  d" in t for t in texts)  # unwrapped
    for candidate in candidates(op):
        if "$v" not in candidate.text:
            assert candidate.variables == {}


def test_shrinks_a_synthetic_difference_through_fedgate() -> None:
    """The "difference": fedgate's answer holds a ``username`` key (a real execution over the
    data server). A large random operation shrinks to a one-path operation that keeps it."""
    case = discover("example")[0]
    schema = load_supergraph(case.sdl).api_schema

    async def run() -> tuple[Operation, Operation]:
        with DataServer() as data:
            routed, _ = data.add(case.id, case.sdl)
            fedgate = Fedgate()
            assert fedgate.load(case.id, routed) is None

            async def holds(candidate: Operation) -> bool:
                if not is_valid(schema, candidate.text):
                    return False
                body = await fedgate.execute("batch", case.id, candidate.text, candidate.variables)
                return _has_key(body.get("data"), "username")

            for i in range(200):
                op = Generator(schema, conditions=False).generate(random.Random(f"shrink:{i}"))
                if op is not None and op.text.count("{") >= 6 and await holds(op):
                    break
            else:
                raise AssertionError("no generated operation reaches a username")
            small = await shrink(op, holds)
            await fedgate.close()
            return op, small

    big, small = asyncio.run(run())
    assert validate(schema, parse(small.text)) == []
    assert "username" in small.text
    assert small.text.count("{") < big.text.count("{")
    assert small.text.count("{") <= 4, small.text  # operation, root field, maybe one hop, leaf
