"""Differential check: shaping agrees with graphql-core's executor on the same merged data.

graphql-core runs the client's operation over the merged tree (resolving each field by its
response key, abstract types by ``__typename``), which is the spec's reference behaviour for
selection, fragments, skip/include and null propagation. The gateway must produce the same
``data``, and a value completion note (not an error: docs/decisions/0008-errors-beside-nulls.md)
where the executor has an error, without ever calling the executor.
"""

from __future__ import annotations

from typing import Any

import pytest
from graphql import GraphQLResolveInfo, execute_sync, parse

from .domain import fake_supergraph
from .test_shaping import shape

pytestmark = pytest.mark.anyio

SCHEMA = fake_supergraph().api_schema


def by_response_key(source: Any, info: GraphQLResolveInfo, **_: Any) -> Any:
    return source.get(info.path.key) if isinstance(source, dict) else None


def by_typename(value: Any, info: GraphQLResolveInfo, abstract: Any) -> Any:
    return value.get("__typename")


def reference(query: str, data: dict[str, Any], variables: dict[str, Any]) -> dict[str, Any]:
    result = execute_sync(
        SCHEMA,
        parse(query),
        root_value=data,
        variable_values=variables,
        field_resolver=by_response_key,
        type_resolver=by_typename,
    )
    paths = sorted(tuple(e.path or ()) for e in result.errors or ())
    return {"data": result.data, "paths": paths}


USER = {"__typename": "User", "id": "1", "n": "Ada", "username": None}
CASES: list[tuple[str, dict[str, Any], dict[str, Any]]] = [
    (
        "{ me { n: name username id } }",
        {"me": USER},
        {},
    ),
    (
        "{ me { n: name } }",
        {"me": {**USER, "n": None}},
        {},
    ),
    (
        "query($a: Boolean!) { me { ...U @include(if: $a) id } } fragment U on User { n: name }",
        {"me": USER},
        {"a": False},
    ),
    (
        "query($a: Boolean!) { me { ...U @include(if: $a) id } } fragment U on User { n: name }",
        {"me": USER},
        {"a": True},
    ),
    (
        "{ search { __typename ... on User { id } ... on Product { name price } } }",
        {
            "search": [
                {"__typename": "User", "id": "1"},
                {"__typename": "Product", "name": "T", "price": 3},
                {"__typename": "Product", "name": None, "price": 4},
            ]
        },
        {},
    ),
    (
        "{ search { ... on Product { price } } }",
        {"search": [{"__typename": "User", "id": "1"}, {"__typename": "Product", "price": None}]},
        {},
    ),
    (
        "{ topProducts { name reviews { id body author { id } } } }",
        {
            "topProducts": [
                {"name": "A", "reviews": [{"id": "r", "body": "b", "author": {"id": None}}]},
                None,
                {"name": "B", "reviews": [{"id": None, "body": "b", "author": None}]},
                {"name": "C", "reviews": None},
            ]
        },
        {},
    ),
    (
        "{ node(id: 1) { id ... on User { reviews { body } } ... on Review { body } } }",
        {"node": {"__typename": "User", "id": "1", "reviews": [{"body": "x"}, None]}},
        {},
    ),
    (  # a null item in a list of non-null objects nulls the list, up to the nullable parent
        "{ me { id reviews { body } } topProducts { name } }",
        {
            "me": {"id": "1", "reviews": [{"body": "x"}, None, {"body": "y"}]},
            "topProducts": [{"name": "A"}, None, {"name": None}],
        },
        {},
    ),
    (  # an item nulled inside (its non-null field) does the same
        "{ me { id reviews { id body } } }",
        {"me": {"id": "1", "reviews": [{"id": "r", "body": "x"}, {"id": None, "body": "y"}]}},
        {},
    ),
    (
        "{ node(id: 1) { __typename ... on Node { id } } me { __typename } }",
        {"node": {"__typename": "Review", "id": "9"}, "me": None},
        {},
    ),
]


@pytest.mark.parametrize(("query", "data", "variables"), CASES)
async def test_shaping_matches_the_reference_executor(
    query: str, data: dict[str, Any], variables: dict[str, Any]
) -> None:
    expected = reference(query, data, variables)
    got = await shape(query, data, variables)
    assert got["data"] == expected["data"]
    assert "errors" not in got
    notes = got.get("extensions", {}).get("valueCompletion", [])
    assert sorted(tuple(e["path"]) for e in notes) == expected["paths"]
