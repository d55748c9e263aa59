"""Shaping merged data into the client's response: order, aliases, fragments, __typename,
skip/include, enums and null propagation. The subgraph answers with fixed JSON so the merged
tree is exactly what each test wants to shape."""

from __future__ import annotations

from typing import Any

import orjson
import pytest

from gateway.pipeline import Gateway
from gateway.planner.plan import Fetch, QueryPlan
from gateway.transport.local import LocalClient

from .domain import fake_supergraph
from .exec_subgraphs import raw_app

# every error has a code; shaping uses Apollo Router's for data that does not fit
pytestmark = pytest.mark.anyio


async def shape(
    query: str,
    data: dict[str, Any],
    variables: dict[str, Any] | None = None,
    errors: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    body: dict[str, Any] = {"data": data}
    if errors:
        body["errors"] = errors
    client = LocalClient({"products": raw_app(200, orjson.dumps(body))})

    class OneFetch:
        def plan(self, document: Any, operation_name: str | None = None) -> QueryPlan:
            return QueryPlan(Fetch("products", "{_:__typename}"))

    gateway = Gateway(fake_supergraph(), client, planner=OneFetch())
    return await gateway.execute(query, variables)


async def test_request_order_and_aliases_not_data_order() -> None:
    data = {"me": {"x": 1, "id": "1", "a": "Ada", "b": "@ada", "__typename": "User"}}
    result = await shape("{ me { b: username a: name id } }", data)
    assert result == {"data": {"me": {"b": "@ada", "a": "Ada", "id": "1"}}}
    assert list(result["data"]["me"]) == ["b", "a", "id"]


async def test_fragments_apply_by_typename_and_non_matching_objects_are_empty() -> None:
    data = {
        "search": [
            {"__typename": "Product", "name": "Table"},
            {"__typename": "User", "id": "1"},
            {"__typename": "Product", "name": "Couch"},
        ]
    }
    result = await shape("{ search { ... on Product { name } } }", data)
    assert result == {"data": {"search": [{"name": "Table"}, {}, {"name": "Couch"}]}}


async def test_interface_fields_and_fragments_with_typename_from_data() -> None:
    data = {"node": {"__typename": "Review", "id": "r1", "body": "Nice"}}
    query = "{ node(id: 1) { __typename id ... on Review { body } ... on User { name } } }"
    result = await shape(query, data)
    assert result == {"data": {"node": {"__typename": "Review", "id": "r1", "body": "Nice"}}}


async def test_named_fragments_merge_with_fields_of_the_same_key() -> None:
    data = {
        "me": {
            "__typename": "User",
            "name": "Ada",
            "reviews": [{"id": "r1", "body": "A"}, {"id": "r2", "body": "B"}],
        }
    }
    query = """
      { me { ...F reviews { body } } }
      fragment F on User { name reviews { id } ...G }
      fragment G on Node { id }
    """
    result = await shape(query, {"me": {**data["me"], "id": "1"}})
    assert result == {
        "data": {
            "me": {
                "name": "Ada",
                "reviews": [{"id": "r1", "body": "A"}, {"id": "r2", "body": "B"}],
                "id": "1",
            }
        }
    }


async def test_typename_root_concrete_and_aliased() -> None:
    # The object carries no __typename: a concrete type answers from the schema.
    data = {"me": {"name": "Ada"}}
    result = await shape("{ __typename t: __typename me { __typename n: __typename name } }", data)
    assert result == {
        "data": {
            "__typename": "Query",
            "t": "Query",
            "me": {"__typename": "User", "n": "User", "name": "Ada"},
        }
    }


async def test_lists_keep_order_and_nullable_items() -> None:
    data = {"topProducts": [{"name": "B"}, None, {"name": "A"}]}
    result = await shape("{ topProducts { name } }", data)
    assert result == {"data": {"topProducts": [{"name": "B"}, None, {"name": "A"}]}}


async def test_lists_of_objects_with_a_wrong_value_or_item() -> None:
    # a list of one object type is shaped inline in the generated code: a non-list value and
    # a non-object item take shape.py's error helpers, as the generic list walk does
    data = {"topProducts": [{"name": "B"}, 5, None], "me": {"id": "1", "reviews": "x"}}
    result = await shape("{ topProducts { name } me { id reviews { body } } }", data)
    assert result["data"] == {"topProducts": [{"name": "B"}, None, None], "me": None}
    notes = result["extensions"]["valueCompletion"]
    assert [(n["message"], n["path"]) for n in notes] == [
        ("Expected an object for Query.topProducts, got int.", ["topProducts", 1]),
        ("Expected a list for User.reviews, got str.", ["me", "reviews"]),
    ]  # the non-null reviews' null is covered by the note at its path


async def test_null_in_non_null_field_nulls_the_nearest_nullable_ancestor() -> None:
    data = {"me": {"name": None, "username": "@ada"}, "topProducts": [{"price": None}]}
    result = await shape("{ me { username name } topProducts { price } }", data)
    # me is nullable → null; topProducts items are nullable → null; the list itself survives.
    # No error: the reasons are value completion notes (docs/decisions/0008-errors-beside-nulls).
    assert result["data"] == {"me": None, "topProducts": [None]}
    assert "errors" not in result
    assert result["extensions"]["valueCompletion"] == [
        {
            "message": "Cannot return null for non-nullable field User.name.",
            "path": ["me", "name"],
            "extensions": {"code": "INVALID_GRAPHQL"},
        },
        {
            "message": "Cannot return null for non-nullable field Product.price.",
            "path": ["topProducts", 0, "price"],
            "extensions": {"code": "INVALID_GRAPHQL"},
        },
    ]


async def test_null_propagates_through_non_null_list_items_to_the_root() -> None:
    data = {"search": [{"__typename": "User", "id": None}]}
    result = await shape("{ search { ... on User { id } } }", data)
    assert result == {
        "data": None,
        "extensions": {
            "valueCompletion": [
                {
                    "message": "Cannot return null for non-nullable field User.id.",
                    "path": ["search", 0, "id"],
                    "extensions": {"code": "INVALID_GRAPHQL"},
                }
            ]
        },
    }


async def test_missing_field_counts_as_null() -> None:
    result = await shape("{ me { name } }", {"me": {}})
    assert result["data"] == {"me": None}
    assert result["extensions"]["valueCompletion"][0]["path"] == ["me", "name"]


async def test_subgraph_error_covers_the_null_it_caused() -> None:
    errors = [{"message": "db down", "path": ["me", "name"]}]
    result = await shape("{ me { name } }", {"me": {"name": None}}, errors=errors)
    assert result == {
        "data": {"me": None},
        "errors": [
            {
                "message": "db down",
                "path": ["me", "name"],
                "extensions": {"code": "DOWNSTREAM_SERVICE_ERROR", "serviceName": "products"},
            }
        ],
    }


async def test_subgraph_error_elsewhere_does_not_cover_an_unrelated_null() -> None:
    errors = [{"message": "x", "path": ["me", "reviews", 0, "body"]}]
    data = {"me": {"name": None, "reviews": [{"body": None}]}}
    result = await shape("{ me { reviews { body } name } }", data, errors=errors)
    assert [e["message"] for e in result["errors"]] == ["x"]
    assert [e["message"] for e in result["extensions"]["valueCompletion"]] == [
        "Cannot return null for non-nullable field User.name."
    ]


async def test_enum_value_missing_from_the_api_schema_becomes_null_without_an_error() -> None:
    data = {"topProducts": [{"status": "ACTIVE"}, {"status": "SECRET"}]}
    result = await shape("{ topProducts { status } }", data)
    assert result["data"] == {"topProducts": [{"status": "ACTIVE"}, {"status": None}]}
    assert "errors" not in result
    assert result["extensions"]["valueCompletion"] == [
        {
            "message": 'Enum "Status" cannot represent value: "SECRET"',
            "path": ["topProducts", 1, "status"],
            "extensions": {"code": "INVALID_GRAPHQL"},
        }
    ]


async def test_skip_and_include_with_literals() -> None:
    data = {"me": {"name": "Ada", "username": "@ada", "id": "1"}}
    query = "{ me { name @skip(if: true) username @include(if: false) id @include(if: true) } }"
    assert await shape(query, data) == {"data": {"me": {"id": "1"}}}


async def test_skip_and_include_with_variables_and_defaults_per_request() -> None:
    data = {"me": {"name": "Ada", "username": "@ada", "id": "1"}}
    query = """
      query Q($withName: Boolean!, $skipId: Boolean = true) {
        me { name @include(if: $withName) ... @skip(if: $skipId) { id } username }
      }
    """
    first = await shape(query, data, {"withName": True})
    assert first == {"data": {"me": {"name": "Ada", "username": "@ada"}}}
    second = await shape(query, data, {"withName": False, "skipId": False})
    assert second == {"data": {"me": {"id": "1", "username": "@ada"}}}


async def test_conditional_duplicate_key_merges_only_included_selections() -> None:
    data = {"me": {"reviews": [{"id": "r1", "body": "A"}]}}
    query = """
      query Q($b: Boolean!) { me { reviews @include(if: $b) { body } reviews { id } } }
    """
    assert await shape(query, data, {"b": True}) == {
        "data": {"me": {"reviews": [{"body": "A", "id": "r1"}]}}
    }
    assert await shape(query, data, {"b": False}) == {"data": {"me": {"reviews": [{"id": "r1"}]}}}


async def test_typename_unknown_to_the_api_schema_nulls_the_object() -> None:
    """An ``@inaccessible`` object type: null (here through non-null list items to the root),
    a note, no error — as Apollo Gateway answers."""
    data = {"node": {"__typename": "Secret", "id": "1"}, "search": [{"__typename": "Secret"}]}
    result = await shape("{ node(id: 1) { id } }", data)
    assert result == {
        "data": {"node": None},
        "extensions": {
            "valueCompletion": [
                {
                    "message": 'Invalid __typename "Secret" for an object of type Node.',
                    "path": ["node"],
                    "extensions": {"code": "INVALID_GRAPHQL"},
                }
            ]
        },
    }
    assert (await shape("{ search { __typename } }", data))["data"] is None


async def test_an_abstract_types_name_as_typename_selects_the_static_fields() -> None:
    """What an ``@interfaceObject`` subgraph answers: the interface's name. Kept, no note."""
    data = {"node": {"__typename": "Node", "id": "1"}}
    result = await shape("{ node(id: 1) { __typename id ... on User { name } } }", data)
    assert result == {"data": {"node": {"__typename": "Node", "id": "1"}}}
