"""Result coercion of subgraph leaf values (GraphQL spec, "Value Completion" and "Scalars"):
a value that is not of the field's built-in scalar type becomes null with a value completion
note, as Apollo Gateway answers (then null propagation as for any null; the note is not a
response error: docs/decisions/0008-errors-beside-nulls.md); an ID given as an int is its
string, an Int given as an integral float an int; custom scalars pass through whatever they
are. The subgraph answers fixed JSON, so each test controls exactly what is shaped."""

from __future__ import annotations

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
type Query { t: T  ts: [T!]  strict: Strict  node: Node }
interface Node { n: Int }
type T implements Node {
  n: Int
  b: Boolean  i: Int  f: Float  s: String  id: ID  j: JSON
  bs: [Boolean]  ids: [ID!]  is: [Int]  nested: T
}
type Strict { b: Boolean!  i: Int! }
"""
INVALID = {"code": "INVALID_GRAPHQL"}


async def run(query: str, data: dict[str, Any]) -> dict[str, Any]:
    client = LocalClient({"s": raw_app(200, orjson.dumps({"data": data}))})

    class OneFetch:
        def plan(self, document: Any, operation_name: str | None = None) -> QueryPlan:
            return QueryPlan(Fetch("s", "{_:__typename}"))

    gateway = Gateway(supergraph(SDL, "s"), client, planner=OneFetch())
    return await gateway.execute(query)


def error(message: str, *path: str | int) -> dict[str, Any]:
    return {"message": message, "path": list(path), "extensions": INVALID}


def notes(result: dict[str, Any]) -> list[dict[str, Any]]:
    assert "errors" not in result
    notes: list[dict[str, Any]] = result["extensions"]["valueCompletion"]
    return notes


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("b", "yes"),
        ("b", 1),
        ("i", 2**31),
        ("i", -(2**31) - 1),
        ("i", 1.5),
        ("i", True),
        ("i", "3"),
        ("f", "1.5"),
        ("f", False),
        ("s", 12),
        ("s", {"a": 1}),
        ("s", ["x"]),
        ("id", 1.5),
        ("id", True),
    ],
)
async def test_a_wrong_leaf_is_null_with_a_note(field: str, value: Any) -> None:
    message = f"Invalid value found for field T.{field}."  # Apollo Gateway's text
    # alone in its object (the scalar-only fast path) and next to an object (the general walk)
    for query, data in (
        (f"{{ t {{ {field} }} }}", {"t": {field: value}}),
        (f"{{ t {{ nested {{ s }} {field} }} }}", {"t": {"nested": {"s": "x"}, field: value}}),
    ):
        result = await run(query, data)
        assert notes(result) == [error(message, "t", field)]
        assert result["data"]["t"][field] is None


async def test_valid_leaves_pass_and_lossless_conversions_apply() -> None:
    t = {"b": False, "i": 2**31 - 1, "f": 2, "s": "", "id": 7, "j": {"any": [1, "x"]}}
    result = await run("{ t { b i f s id j } }", {"t": t})
    assert result == {"data": {"t": {**t, "id": "7"}}}
    result = await run("{ t { i id } }", {"t": {"i": 3.0, "id": "x"}})
    assert result == {"data": {"t": {"i": 3, "id": "x"}}}
    assert type(result["data"]["t"]["i"]) is int


async def test_custom_scalars_pass_through_whatever_they_are() -> None:
    for value in ("yes", 2**40, 1.5, [1, {"a": None}], {"deep": {"x": True}}):
        result = await run("{ t { j } }", {"t": {"j": value}})
        assert result == {"data": {"t": {"j": value}}}


async def test_a_wrong_non_null_leaf_propagates_its_null_with_one_note() -> None:
    result = await run("{ strict { i b } }", {"strict": {"i": 1, "b": "no"}})
    assert result == {
        "data": {"strict": None},
        "extensions": {
            "valueCompletion": [error("Invalid value found for field Strict.b.", "strict", "b")]
        },
    }


async def test_list_items_are_coerced_one_by_one() -> None:
    result = await run("{ t { bs ids } }", {"t": {"bs": [True, None, "x"], "ids": ["a", 2]}})
    assert result["data"] == {"t": {"bs": [True, None, None], "ids": ["a", "2"]}}
    assert notes(result) == [error("Invalid value found for field T.bs.", "t", "bs", 2)]
    # a wrong non-null item nulls the list (the field is nullable)
    result = await run("{ t { ids } }", {"t": {"ids": ["a", False]}})
    assert result["data"] == {"t": {"ids": None}}
    assert notes(result) == [error("Invalid value found for field T.ids.", "t", "ids", 1)]


async def test_objects_in_lists_are_checked_per_item() -> None:
    data = {"ts": [{"i": 1}, {"i": "2"}, {"i": 3}]}
    result = await run("{ ts { i } }", data)
    assert result["data"] == {"ts": [{"i": 1}, {"i": None}, {"i": 3}]}
    assert notes(result) == [error("Invalid value found for field T.i.", "ts", 1, "i")]


async def test_int_lists_are_range_checked() -> None:
    result = await run("{ t { is } }", {"t": {"is": [0, None, -(2**31), 2**31]}})
    assert result["data"] == {"t": {"is": [0, None, -(2**31), None]}}
    assert notes(result) == [error("Invalid value found for field T.is.", "t", "is", 3)]
    result = await run("{ t { is } }", {"t": {"is": [1, 2.0, 2**31 - 1]}})
    assert result == {"data": {"t": {"is": [1, 2, 2**31 - 1]}}}


async def test_leaves_of_an_abstract_selection_are_checked_too() -> None:
    query = "{ node { __typename n ... on T { b s } } }"
    result = await run(query, {"node": {"__typename": "T", "n": 1, "b": True, "s": "x"}})
    assert result == {"data": {"node": {"__typename": "T", "n": 1, "b": True, "s": "x"}}}
    result = await run(query, {"node": {"__typename": "T", "n": "1", "b": "x", "s": "x"}})
    assert result["data"] == {"node": {"__typename": "T", "n": None, "b": None, "s": "x"}}
    assert notes(result) == [
        error("Invalid value found for field T.n.", "node", "n"),
        error("Invalid value found for field T.b.", "node", "b"),
    ]


async def test_a_missing_non_null_leaf_still_nulls_its_parent() -> None:
    result = await run("{ strict { i b } }", {"strict": {"i": 1}})
    assert result["data"] == {"strict": None}
    message = "Cannot return null for non-nullable field Strict.b."
    assert notes(result) == [error(message, "strict", "b")]
