"""Nested conflict renames, executed: the self-referencing field keeps its nested object at
every level (Apollo Gateway answers the same; Hive Gateway sends the conflicting selection
as is and the subgraph rejects it). Plans in ``tests/planner/test_nested_renames.py``."""

from __future__ import annotations

from typing import Any

import pytest

from gateway.execution.representations import apply_output_rewrites
from gateway.execution.typematch import TypeMatcher
from gateway.planner.plan import KeyRenamer

from ..planner.harness import supergraph
from ..planner.test_nested_renames import GUESTS, QUERY, STAFF
from .federated import Subgraph, run

pytestmark = pytest.mark.anyio

G2: dict[str, Any] = {
    "__typename": "Guest",
    "id": "g2",
    "boss": {"__typename": "Staff", "id": "s2"},
}
G1: dict[str, Any] = {"__typename": "Guest", "id": "g1", "boss": G2}
S1: dict[str, Any] = {"__typename": "Staff", "id": "s1", "boss": G1}


def graphs() -> dict[str, Subgraph]:
    return {
        "staff": Subgraph(STAFF, root={"people": lambda _info: [S1, G1]}),
        "guests": Subgraph(GUESTS, entities={"Staff": lambda r: {"id": r["id"], "rank": 1}}),
    }


async def test_nested_objects_survive_the_renames() -> None:
    assert await run(graphs(), QUERY) == {
        "data": {
            "people": [
                {"boss": {"id": "g1", "boss": {"id": "g2"}}},
                {"boss": {"id": "g2", "boss": {"id": "s2"}}},
            ]
        }
    }


def test_a_rename_onto_a_filled_key_merges() -> None:
    # the same field reached through two fragments: one under its key, one under an alias
    matcher = TypeMatcher(supergraph(staff=STAFF, guests=GUESTS).api_schema)
    data = {"__typename": "Guest", "boss": {"id": "g1"}, "boss__fedgate_0": {"name": "Ann"}}
    apply_output_rewrites(data, [KeyRenamer(("boss__fedgate_0",), "boss")], matcher)
    assert data == {"__typename": "Guest", "boss": {"id": "g1", "name": "Ann"}}
