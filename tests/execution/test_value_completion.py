"""Executed: where the merged data breaks the API schema, the value is null and the reason is
a ``valueCompletion`` note, not a response error — what Apollo Gateway answers (Hive Router
also answers without errors). See docs/decisions/0008-errors-beside-nulls.md. Both plan modes.

* an object whose ``__typename`` is ``@inaccessible`` (not in the API schema) is null;
* an enum value the API schema does not have is null;
* an entity a subgraph resolved as ``null`` keeps the fields other subgraphs gave it; a
  non-null field it leaves null nulls the nearest nullable parent (up to ``data``).
"""

from __future__ import annotations

from typing import Any

import pytest

from gateway.supergraph import Supergraph
from tests.planner.harness import supergraph

from .exec_subgraphs import GraphQLCoreApp
from .federated import MODES, gateway, served

pytestmark = [pytest.mark.anyio, pytest.mark.parametrize("batch", MODES)]

CATALOG = """
extend schema @link(url: "https://specs.apollo.dev/federation/v2.3",
                    import: ["@key", "@inaccessible"])
type Query { things: [Thing] thing: Thing! colors: [Color] products: [Product] product: Product! }
interface Thing { id: ID! }
type Foo implements Thing { id: ID! }
type Baz implements Thing @inaccessible { id: ID! }
enum Color { RED GREEN @inaccessible }
type Product @key(fields: "id") { id: ID! }
"""
DETAILS = """
extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
type Product @key(fields: "id") { id: ID! name: String strict: String! }
"""


def graph() -> Supergraph:
    return supergraph(catalog=CATALOG, details=DETAILS)


def apps() -> dict[str, GraphQLCoreApp]:
    foo, baz = {"__typename": "Foo", "id": "1"}, {"__typename": "Baz", "id": "2"}
    root = {
        "things": [foo, baz],
        "thing": baz,
        "colors": ["RED", "GREEN"],
        "products": [{"id": "1"}, {"id": "2"}],
        "product": {"id": "2"},
    }

    def details(rep: dict[str, Any]) -> dict[str, Any] | None:
        return None if rep["id"] == "2" else {"id": rep["id"], "name": "n", "strict": "s"}

    return {
        "catalog": served(CATALOG, root=root, entities={"Product": dict}),
        "details": served(DETAILS, entities={"Product": details}),
    }


async def run(batch: bool, query: str) -> dict[str, Any]:
    result: dict[str, Any] = await gateway(graph(), apps(), batch=batch).execute(query)
    assert "errors" not in result
    return result


def notes(result: dict[str, Any]) -> list[list[str | int]]:
    return [note["path"] for note in result.get("extensions", {}).get("valueCompletion", [])]


@pytest.mark.parametrize(
    "query",
    ["{ things { __typename id } }", "{ things { id } }", "{ things { ... on Foo { id } } }"],
)
async def test_inaccessible_runtime_type_is_null(batch: bool, query: str) -> None:
    result = await run(batch, query)
    assert result["data"]["things"][1] is None
    assert result["data"]["things"][0] in ({"__typename": "Foo", "id": "1"}, {"id": "1"})
    assert notes(result) == [["things", 1]]


async def test_inaccessible_runtime_type_in_a_non_null_position_nulls_the_parent(
    batch: bool,
) -> None:
    result = await run(batch, "{ thing { __typename } }")
    assert result["data"] is None
    assert notes(result) == [["thing"]]


async def test_enum_value_outside_the_api_schema_is_null(batch: bool) -> None:
    result = await run(batch, "{ colors }")
    assert result["data"] == {"colors": ["RED", None]}
    assert notes(result) == [["colors", 1]]


async def test_entity_resolved_as_null_keeps_what_others_gave(batch: bool) -> None:
    result = await run(batch, "{ products { id name } product { id name } }")
    assert result == {
        "data": {
            "products": [{"id": "1", "name": "n"}, {"id": "2", "name": None}],
            "product": {"id": "2", "name": None},
        }
    }


async def test_entity_resolved_as_null_nulls_the_nearest_nullable_parent(batch: bool) -> None:
    listed = await run(batch, "{ products { id strict } }")
    assert listed["data"] == {"products": [{"id": "1", "strict": "s"}, None]}
    assert notes(listed) == [["products", 1, "strict"]]
    single = await run(batch, "{ product { id strict } }")
    assert single["data"] is None
    assert notes(single) == [["product", "strict"]]
