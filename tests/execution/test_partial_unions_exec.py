"""Partial unions under @shareable value types, executed: each subgraph's `media` returns a
member the other subgraph's union lacks (a value that breaks the shareable contract, which is
what tells the rule apart). The answers are the ones Apollo Gateway and Hive Gateway (Rust
planner) give on these subgraphs: a fragment on a member not every serving subgraph has is not
asked, so its fields answer null (docs/decisions/0013-partial-unions.md). Plans in
``tests/planner/test_partial_unions.py``."""

from __future__ import annotations

from typing import Any

import pytest

from ..planner.test_partial_unions import ALL, MOVIES, SONGS
from .federated import Subgraph, run

pytestmark = pytest.mark.anyio


def _viewer(media: str, other: str, suffix: str) -> dict[str, Any]:
    return {
        "media": {"__typename": media, "title": f"{media}-{suffix}"},
        other.lower(): {"__typename": other, "title": f"{other}-{suffix}"},
    }


def graphs() -> dict[str, Subgraph]:
    return {
        "songs": Subgraph(SONGS, root={"viewer": lambda _i: _viewer("Song", "Song", "songs")}),
        "movies": Subgraph(MOVIES, root={"viewer": lambda _i: _viewer("Movie", "Book", "movies")}),
    }


@pytest.mark.parametrize(
    ("query", "viewer"),
    [
        (
            f"{{ viewer {{ media {{ {ALL} }} }} }}",
            {"media": {"__typename": "Movie", "title": None}},
        ),
        ("{ viewer { media { ... on Movie { title } } } }", {"media": {"title": None}}),
        ("{ viewer { media { ... on Song { title } } } }", {"media": {}}),
        (
            f"{{ viewer {{ song {{ {ALL} }} media {{ {ALL} }} }} }}",
            {
                "song": {"__typename": "Song", "title": "Song-songs"},
                "media": {"__typename": "Song", "title": None},
            },
        ),
        (
            f"{{ viewer {{ book {{ {ALL} }} media {{ {ALL} }} }} }}",
            {
                "book": {"__typename": "Book", "title": "Book-movies"},
                "media": {"__typename": "Movie", "title": None},
            },
        ),
    ],
)
async def test_member_not_every_subgraph_has_answers_null(
    query: str, viewer: dict[str, Any]
) -> None:
    assert await run(graphs(), query) == {"data": {"viewer": viewer}}
