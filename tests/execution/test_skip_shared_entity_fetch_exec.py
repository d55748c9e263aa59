"""Two selections of one entity field, one under ``@skip``/``@include``, served by one entity
fetch (difftest class C): when the condition removes one selection, the fields only it fetched
are missing from the object, and the representation leaves them out instead of dropping the
entity, so the other selection's field is still answered (as Apollo Gateway and Hive Router do).
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from .federated import Subgraph, run

pytestmark = pytest.mark.anyio

ACCOUNTS = """
extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
type Query { me: User }
type User @key(fields: "id") { id: ID! city: String tags: [String] }
"""
DELIVERY = """
extend schema @link(url: "https://specs.apollo.dev/federation/v2.3",
                    import: ["@key", "@external", "@requires"])
type User @key(fields: "id") {
  id: ID!
  city: String @external
  tags: [String] @external
  zone: String @requires(fields: "city")
  priority: Int @requires(fields: "tags")
}
"""
USER = {"__typename": "User", "id": "u1", "city": "Oslo", "tags": ["a", "b"]}


def _delivery(rep: dict[str, Any]) -> dict[str, Any]:
    # the representation as the subgraph received it, answered back to the test
    return {"id": rep["id"], "zone": json.dumps(rep, sort_keys=True), "priority": len(rep)}


def graphs() -> dict[str, Subgraph]:
    return {
        "accounts": Subgraph(
            ACCOUNTS, root={"me": lambda _info: USER}, entities={"User": lambda rep: USER}
        ),
        "delivery": Subgraph(DELIVERY, entities={"User": _delivery}),
    }


QUERY = "query($skip: Boolean!) { me { zone } me @skip(if: $skip) { priority } }"


async def test_skipped_selection_leaves_its_required_fields_out() -> None:
    body = await run(graphs(), QUERY, skip=True)
    rep = {"__typename": "User", "id": "u1", "city": "Oslo"}
    assert body == {"data": {"me": {"zone": json.dumps(rep, sort_keys=True)}}}


async def test_both_selections_get_all_required_fields() -> None:
    body = await run(graphs(), QUERY, skip=False)
    rep = {"__typename": "User", "id": "u1", "city": "Oslo", "tags": ["a", "b"]}
    assert body == {"data": {"me": {"zone": json.dumps(rep, sort_keys=True), "priority": 4}}}
