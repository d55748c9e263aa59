"""@provides decides where a shareable root field goes, executed. The subgraphs refuse the
calls a good plan does not make (the listing subgraph's root fields, the owner's entity
resolver for provided objects), as the federation gateway audit does: the answers are the
ones Apollo Gateway and Hive Gateway give. Plans in ``tests/planner/test_provides_choice.py``."""

from __future__ import annotations

from typing import Any

import pytest

from ..planner.test_provides_choice import LISTING, OWNER, PROVIDER
from .federated import Subgraph, run

pytestmark = pytest.mark.anyio

ENTRIES = [
    {"__typename": "Article", "id": "a1", "headline": "Rain"},
    {"__typename": "Video", "id": "v1", "headline": "Sun"},
]
ITEMS = [
    {"__typename": "Book", "id": "b1", "title": "Dune"},
    {"__typename": "Song", "id": "s1", "title": "Blue"},
]


def _refuse(what: str) -> Any:
    raise RuntimeError(f"a good plan does not ask for {what}")


def _provided(objects: list[dict[str, Any]], provided_type: str) -> list[dict[str, Any]]:
    # the provider answers the provided field only where it provides it
    return [
        o if o["__typename"] == provided_type else {**o, "headline": None, "title": None}
        for o in objects
    ]


def graphs() -> dict[str, Subgraph]:
    by_id = {o["id"]: o for o in ENTRIES + ITEMS}
    return {
        "listing": Subgraph(
            LISTING,
            root={"feed": lambda _i: _refuse("listing.feed"), "shelf": lambda _i: _refuse("shelf")},
        ),
        "provider": Subgraph(
            PROVIDER,
            root={
                "feed": lambda _i: _provided(ENTRIES, "Article"),
                "shelf": lambda _i: {"id": "sh1", "items": _provided(ITEMS, "Book")},
            },
        ),
        "owner": Subgraph(
            OWNER,
            entities={
                "Article": lambda _r: _refuse("Article entities"),
                "Book": lambda _r: _refuse("Book entities"),
                "Video": lambda r: by_id[r["id"]],
                "Song": lambda r: by_id[r["id"]],
            },
        ),
    }


async def test_provided_field_is_not_fetched_again() -> None:
    query = "{ feed { ... on Article { id headline } ... on Video { id headline } } }"
    assert await run(graphs(), query) == {
        "data": {"feed": [{"id": "a1", "headline": "Rain"}, {"id": "v1", "headline": "Sun"}]}
    }


async def test_provided_field_through_an_interface_list() -> None:
    # Apollo Gateway plans this as we do; Hive Gateway's planner takes `shelf` from the
    # listing subgraph (same data where the subgraphs agree, as shareable fields must)
    query = "{ shelf { items { id ... on Book { title } ... on Song { title } } } }"
    assert await run(graphs(), query) == {
        "data": {"shelf": {"items": [{"id": "b1", "title": "Dune"}, {"id": "s1", "title": "Blue"}]}}
    }


async def test_tied_root_field_shares_the_providers_fetch() -> None:
    query = "{ shelf { id } feed { ... on Article { headline } } }"
    assert await run(graphs(), query) == {
        "data": {"shelf": {"id": "sh1"}, "feed": [{"headline": "Rain"}, {}]}
    }
