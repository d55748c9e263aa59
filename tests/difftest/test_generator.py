"""The random operation generator: valid, reproducible, and covering what it promises."""

from __future__ import annotations

import random

import pytest
from graphql import parse, validate

from .dataserver import lenient_load
from .generator import Generator
from .sources import discover

CASES = [c for c in discover() if not c.id.startswith("planner-")] + discover("planner-0*")


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_every_operation_validates_against_the_api_schema(case) -> None:  # type: ignore[no-untyped-def]
    schema = lenient_load(case.sdl, case.id).api_schema
    generator = Generator(schema)
    made = 0
    for i in range(15):
        op = generator.generate(random.Random(f"{case.id}:{i}"))
        if op is None:
            continue
        made += 1
        assert validate(schema, parse(op.text)) == [], op.text
        for name in op.variables:
            assert f"${name}" in op.text
    assert made >= 12, f"{case.id}: only {made} of 15 operations generated"


def test_the_same_seed_gives_the_same_operation() -> None:
    schema = lenient_load(discover("example")[0].sdl, "example").api_schema
    first = [Generator(schema).generate(random.Random(f"s{i}")) for i in range(10)]
    again = [Generator(schema).generate(random.Random(f"s{i}")) for i in range(10)]
    assert first == again
    assert len({op.text for op in first if op}) > 5


def test_operations_use_every_promised_construct() -> None:
    texts = []
    for case in discover("example,bench,corpus-f-mutations,corpus-c3*"):
        schema = lenient_load(case.sdl, case.id).api_schema
        for i in range(60):
            op = Generator(schema).generate(random.Random(f"{case.id}:{i}"))
            if op is not None:
                texts.append(op.text)
    joined = "\n".join(texts)
    for construct in (
        "mutation",
        "fragment F",
        "... on ",
        "__typename",
        "@skip(if: $",
        "@include(if: true)",
        ": Boolean = ",
        "a: ",
        '"',
    ):
        assert construct in joined, construct


def test_no_conditions_means_no_skip_or_include() -> None:
    schema = lenient_load(discover("example")[0].sdl, "example").api_schema
    ops = [Generator(schema, conditions=False).generate(random.Random(i)) for i in range(40)]
    assert all("@skip" not in op.text and "@include" not in op.text for op in ops if op)
