"""@requires with inline fragments over interfaces, executed: the requiring subgraph receives
exactly the required fields of each object's concrete type, also for a type the API schema
hides (@inaccessible) but the subgraphs return. Plans in
``tests/planner/test_requires_fragments.py``."""

from __future__ import annotations

import json
from typing import Any

import pytest

from ..planner.test_requires_fragments import LABELS, SHOP
from .federated import Subgraph, run

pytestmark = pytest.mark.anyio

ITEMS: dict[str, dict[str, Any]] = {
    "1": {"__typename": "Book", "title": "Dune", "pages": 412, "isbn": "978-0"},
    "2": {"__typename": "Comic", "title": "Maus", "pages": 296, "artist": "Spiegelman"},
    "3": {"__typename": "Song", "title": "Blue"},
}


def _order(order_id: str) -> dict[str, Any]:
    return {"id": order_id, "item": ITEMS[order_id]}


def _labels(rep: dict[str, Any]) -> dict[str, Any]:
    # what the resolvers see is the representation: answer it back to the test
    seen = json.dumps(rep.get("item"), sort_keys=True)
    return {"id": rep["id"], "label": seen, "short": seen}


def graphs(order_id: str) -> dict[str, Subgraph]:
    return {
        "shop": Subgraph(
            SHOP,
            root={"order": lambda _info: _order(order_id)},
            entities={"Order": lambda rep: _order(rep["id"])},
        ),
        "labels": Subgraph(
            LABELS, root={"order2": lambda _info: {"id": order_id}}, entities={"Order": _labels}
        ),
    }


@pytest.mark.parametrize(
    ("order_id", "received"),
    [
        ("1", {"title": "Dune", "pages": 412, "isbn": "978-0"}),
        ("2", {"title": "Maus", "pages": 296, "artist": "Spiegelman"}),
        ("3", {"title": "Blue"}),
    ],
)
async def test_representation_carries_the_fields_of_the_concrete_type(
    order_id: str, received: dict[str, Any]
) -> None:
    body = await run(graphs(order_id), "{ order { label } }")
    assert body == {"data": {"order": {"label": json.dumps(received, sort_keys=True)}}}


async def test_fragment_on_the_fields_own_type_after_a_jump() -> None:
    body = await run(graphs("2"), "{ order2 { short } }")
    assert body == {"data": {"order2": {"short": json.dumps({"title": "Maus"})}}}
