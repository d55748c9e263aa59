"""The fast shaping functions (``gateway/execution/shape_fast.py``) and where they give up.

Valid data is shaped by the fast function alone; a value it does not handle (a missing key,
a wrong leaf, a non-object or a null item, an unknown ``__typename``) makes it give up, and
the path-aware function shapes that object again. Each test here puts such a value at a
place the fast code treats in its own way (a child read inline in its parent's function, a
child deeper than that with its own function, a list of objects, an abstract type) between
valid siblings, and checks the whole answer: the data, the notes with their paths, and their
order. A fallback that kept part of the fast attempt, lost a path, or ran twice would show.
"""

from __future__ import annotations

from itertools import pairwise
from typing import Any

import orjson
import pytest

from gateway.pipeline import Gateway
from gateway.planner.plan import Fetch, QueryPlan
from gateway.transport.local import LocalClient

from .exec_subgraphs import raw_app, supergraph

pytestmark = pytest.mark.anyio

SDL = """
scalar JSON
enum E { A B }
union U = T | V
type Query { t: T  ts: [T]  strict: [T!]  u: [U] }
type T { id: ID!  s: String  i: Int  e: E  j: JSON  next: T  must: T  ts: [T] }
type V { v: Int }
"""
INVALID = {"code": "INVALID_GRAPHQL"}
# T.must is nullable in the API schema above; ``STRICT_SDL`` makes it non-null
STRICT_SDL = SDL.replace("must: T ", "must: T! ")


async def run(query: str, data: dict[str, Any], sdl: str = SDL) -> dict[str, Any]:
    client = LocalClient({"s": raw_app(200, orjson.dumps({"data": data}))})

    class OneFetch:
        def plan(
            self,
            document: Any,
            operation_name: str | None = None,
            *,
            labels: frozenset[str] = frozenset(),
        ) -> QueryPlan:
            return QueryPlan(Fetch("s", "{_:__typename}"))

    gateway = Gateway(supergraph(sdl, "s"), client, planner=OneFetch())
    return await gateway.execute(query)


def note(message: str, *path: str | int) -> dict[str, Any]:
    return {"message": message, "path": list(path), "extensions": INVALID}


def t(n: int, **more: Any) -> dict[str, Any]:
    return {"id": str(n), "s": f"s{n}", "i": n, **more}


CHAIN = "{ t { id s next { id s next { id s next { id s i } i } } } }"


async def test_valid_data_through_inline_and_called_children_with_lossless_conversions() -> None:
    # four levels: the first two children read inline in the root's function, the third by
    # its own fast function; an ID given as an int and an Int as an integral float convert
    deepest = {"id": 4, "s": "s4", "i": 4.0}
    data = {"t": t(1, next=t(2, next=t(3, next=deepest)))}
    result = await run(CHAIN, data)
    expected = {
        "id": "1",
        "s": "s1",
        "next": {
            "id": "2",
            "s": "s2",
            "next": {"id": "3", "s": "s3", "next": {"id": "4", "s": "s4", "i": 4}, "i": 3},
        },
    }
    assert result == {"data": {"t": expected}}
    assert type(result["data"]["t"]["next"]["next"]["next"]["i"]) is int


@pytest.mark.parametrize("depth", [1, 2, 3])
async def test_a_wrong_leaf_at_each_depth_is_null_with_its_path(depth: int) -> None:
    levels = [t(n) for n in range(1, 5)]
    levels[depth]["s"] = 5  # not a String
    for parent, child in pairwise(levels):
        parent["next"] = child
    result = await run(CHAIN, {"t": levels[0]})
    path = ["t", *["next"] * depth, "s"]
    assert result["extensions"] == {
        "valueCompletion": [note("Invalid value found for field T.s.", *path)]
    }
    got = result["data"]["t"]
    for _ in range(depth):
        got = got["next"]
    assert got["s"] is None and got["id"] == str(depth + 1)
    # everything else as it was
    assert result["data"]["t"]["id"] == "1" and result["data"]["t"]["s"] == "s1"


async def test_a_missing_nullable_key_in_a_list_item_is_null_without_a_note() -> None:
    data = {"ts": [t(1), {"id": "2", "i": 2}, t(3)]}
    result = await run("{ ts { id s i } }", data)
    assert result == {"data": {"ts": [t(1), {"id": "2", "s": None, "i": 2}, t(3)]}}


async def test_a_missing_non_null_key_nulls_the_nearest_nullable_parent() -> None:
    data = {"ts": [t(1, must=t(10)), t(2, must={"s": "x"}), t(3, must=t(30))]}
    query = "{ ts { id must { id s } } }"
    result = await run(query, data, STRICT_SDL)
    assert result["data"] == {
        "ts": [
            {"id": "1", "must": {"id": "10", "s": "s10"}},
            None,  # must (non-null) is null, so the item
            {"id": "3", "must": {"id": "30", "s": "s30"}},
        ]
    }
    message = "Cannot return null for non-nullable field T.id."
    assert result["extensions"] == {"valueCompletion": [note(message, "ts", 1, "must", "id")]}


async def test_non_object_and_null_items_in_a_nullable_list_of_objects() -> None:
    data = {"ts": [t(1), "x", None, 3, t(2)]}
    result = await run("{ ts { id s i } }", data)
    assert result["data"] == {"ts": [t(1), None, None, None, t(2)]}
    assert result["extensions"] == {
        "valueCompletion": [
            note("Expected an object for Query.ts, got str.", "ts", 1),
            note("Expected an object for Query.ts, got int.", "ts", 3),
        ]
    }


async def test_a_null_item_alone_stays_null_without_a_note() -> None:
    result = await run("{ ts { id } t { ts { id } } }", {"ts": [None, t(1)], "t": t(2, ts=[None])})
    assert result == {"data": {"ts": [None, {"id": "1"}], "t": {"ts": [None]}}}


async def test_a_null_in_a_list_of_non_null_objects_nulls_the_list() -> None:
    result = await run("{ strict { id } t { id } }", {"strict": [t(1), None], "t": t(2)})
    assert result["data"] == {"strict": None, "t": {"id": "2"}}
    message = "Cannot return null for non-nullable field Query.strict."
    assert result["extensions"] == {"valueCompletion": [note(message, "strict", 1)]}


async def test_anomalies_in_two_subtrees_keep_their_order() -> None:
    data = {
        "t": t(1, next=t(2, e="C")),
        "ts": [t(3), t(4, i="4"), t(5, e="A")],
    }
    result = await run("{ t { id next { id e } } ts { id i e } }", data)
    assert result["data"] == {
        "t": {"id": "1", "next": {"id": "2", "e": None}},
        "ts": [
            {"id": "3", "i": 3, "e": None},
            {"id": "4", "i": None, "e": None},
            {"id": "5", "i": 5, "e": "A"},
        ],
    }
    assert result["extensions"] == {
        "valueCompletion": [
            note('Enum "E" cannot represent value: "C"', "t", "next", "e"),
            note("Invalid value found for field T.i.", "ts", 1, "i"),
        ]
    }


async def test_a_non_object_child_read_inline_is_null_with_a_note() -> None:
    data = {"t": t(1, next=[t(2)], must=t(3))}
    result = await run("{ t { id next { id } must { id } } }", data)
    assert result["data"] == {"t": {"id": "1", "next": None, "must": {"id": "3"}}}
    message = "Expected an object for T.next, got list."
    assert result["extensions"] == {"valueCompletion": [note(message, "t", "next")]}


async def test_abstract_items_by_their_runtime_types() -> None:
    query = "{ u { __typename ... on T { id s } ... on V { v } } }"
    valid = {"u": [{"__typename": "T", **t(1)}, {"__typename": "V", "v": 2}]}
    result = await run(query, valid)
    assert result == {
        "data": {"u": [{"__typename": "T", "id": "1", "s": "s1"}, {"__typename": "V", "v": 2}]}
    }
    wrong = {"u": [*valid["u"], {"__typename": "V", "v": "x"}, {"__typename": "Nope"}]}
    result = await run(query, wrong)
    assert result["data"]["u"][2:] == [{"__typename": "V", "v": None}, None]
    assert result["extensions"] == {
        "valueCompletion": [
            note("Invalid value found for field V.v.", "u", 2, "v"),
            note('Invalid __typename "Nope" for an object of type U.', "u", 3),
        ]
    }


async def test_custom_scalars_and_nulls_pass_in_the_fast_function() -> None:
    data = {"t": {"id": "1", "s": None, "i": None, "e": None, "j": {"x": [1]}, "next": None}}
    result = await run("{ t { id s i e j next { id } } }", data)
    assert result == {"data": {"t": data["t"]}}
