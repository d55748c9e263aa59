"""A condition inherited through several hops guards each dependent fetch once (no
``Skip(if: $x) { Skip(if: $x) { ... } }``), in tree and batched plans."""

from __future__ import annotations

from pathlib import Path

import pytest
from graphql import parse

from gateway.planner import Planner, format_plan
from gateway.supergraph import load_supergraph

from .modes import check_modes

SUPERGRAPH = Path(__file__).parent.parent.parent / "schema" / "supergraph.graphql"
QUERY = """
query Q($x: Boolean!) {
  topProducts { name inStock @include(if: $x) reviews @skip(if: $x) { body author { name } } }
}
"""


@pytest.mark.parametrize("batch", [False, True])
def test_inherited_condition_wraps_each_fetch_once(batch: bool) -> None:
    sg = load_supergraph(SUPERGRAPH.read_text())
    text = format_plan(Planner(sg, batch=batch).plan(parse(QUERY)))
    lines = [line.strip() for line in text.splitlines()]
    # inventory under Include; reviews and, two hops down, accounts under Skip
    assert lines.count("Include(if: $x) {") == 1
    assert lines.count("Skip(if: $x) {") == 2
    for i, line in enumerate(lines[:-1]):
        if line.startswith(("Skip(", "Include(")):
            assert not lines[i + 1].startswith(("Skip(", "Include(")), text
    check_modes(sg, parse(QUERY), "Q")  # both plans, executed, answer the same
