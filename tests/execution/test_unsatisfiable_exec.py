"""Operations no plan can satisfy, executed: ``data: null`` and one QUERY_PLANNING_FAILED
error, sent to no subgraph; the satisfiable neighbours of each query still answer. Plans in
``tests/planner/test_unsatisfiable_composed.py``.

What the references do (against these subgraphs): for `id` on `node(id:)` both Apollo Gateway
and Hive Gateway refuse the operation (no data, an internal planning error). For the field only
behind a `resolvable: false` key Hive refuses it, while Apollo's planner makes an empty plan
and answers `featured: null` without an error; we refuse, as Hive does: a selection no plan can
fetch is a planning failure, not a null the subgraphs never said."""

from __future__ import annotations

from typing import Any

import pytest

from ..planner.test_unsatisfiable_composed import MEDIA, NODES_A, NODES_B, RATINGS
from .federated import Subgraph, requests, run

pytestmark = pytest.mark.anyio

USERS = {"u1": {"__typename": "User", "id": "u1", "name": "Ada"}}
POSTS = {"p1": {"__typename": "Post", "id": "p1", "body": "Hi", "author": {"id": "u1"}}}


def _node(id: str) -> Any:
    return USERS.get(id) or POSTS.get(id)


def node_graphs() -> dict[str, Subgraph]:
    return {
        "a": Subgraph(
            NODES_A,
            root={"node": lambda _info, id: _node(id), "user": lambda _info, id: USERS.get(id)},
            entities={"User": lambda r: USERS.get(r["id"]), "Post": lambda r: POSTS.get(r["id"])},
        ),
        "b": Subgraph(
            NODES_B,
            root={"node": lambda _info, id: _node(id), "post": lambda _info, id: POSTS.get(id)},
            entities={
                "User": lambda r: {"id": r["id"], "posts": list(POSTS.values())},
                "Post": lambda r: POSTS.get(r["id"]),
            },
        ),
    }


def media_graphs() -> dict[str, Subgraph]:
    return {
        "media": Subgraph(
            MEDIA, root={"featured": lambda _info: {"__typename": "Media", "id": "m1"}}
        ),
        "ratings": Subgraph(
            RATINGS, root={"top": lambda _info: {"__typename": "Media", "id": "m2", "rating": 5}}
        ),
    }


def _refused(body: dict[str, Any]) -> bool:
    codes = [e["extensions"]["code"] for e in body.get("errors", [])]
    return body.get("data", "missing") is None and codes == ["QUERY_PLANNING_FAILED"]


@pytest.mark.parametrize(
    "query",
    [
        '{ node(id: "u1") { id } }',
        '{ node(id: "p1") { id ... on Post { body } } }',
        '{ user(id: "u1") { name } node(id: "u1") { id } }',
    ],
)
async def test_id_of_a_node_no_subgraph_resolves_for_every_implementation(query: str) -> None:
    assert _refused(await run(node_graphs(), query))
    _, sent = await requests(node_graphs(), query)
    assert sent == {"a": [], "b": []}  # refused before any subgraph is asked


async def test_each_node_implementation_from_its_own_subgraph() -> None:
    query = (
        '{ u: node(id: "u1") { ... on User { id name } } '
        'p: node(id: "p1") { ... on Post { id body } } }'
    )
    assert await run(node_graphs(), query) == {
        "data": {"u": {"id": "u1", "name": "Ada"}, "p": {"id": "p1", "body": "Hi"}}
    }


async def test_field_only_behind_a_key_that_is_not_resolvable() -> None:
    assert _refused(await run(media_graphs(), "{ featured { rating } }"))


async def test_same_field_where_its_subgraph_serves_the_object() -> None:
    assert await run(media_graphs(), "{ top { id rating } }") == {
        "data": {"top": {"id": "m2", "rating": 5}}
    }


@pytest.mark.parametrize("node_id", ["u1", "p1"])
async def test_node_id_per_implementation_from_both_owners(node_id: str) -> None:
    # Apollo Gateway answers this; Hive Gateway (Rust planner) refuses it. The operation is
    # valid and each fragment has a subgraph that answers it whole: we answer, as Apollo does.
    query = f'{{ node(id: "{node_id}") {{ ... on Post {{ id }} ... on User {{ id }} }} }}'
    assert await run(node_graphs(), query) == {"data": {"node": {"id": node_id}}}


@pytest.mark.parametrize(("node_id", "node"), [("u1", {"name": "Ada"}), ("p1", {"body": "Hi"})])
async def test_node_fields_per_implementation(node_id: str, node: dict[str, Any]) -> None:
    query = f'{{ node(id: "{node_id}") {{ ... on User {{ name }} ... on Post {{ body }} }} }}'
    assert await run(node_graphs(), query) == {"data": {"node": node}}
