"""Introspection is answered by the gateway from the API schema, alongside planned fields."""

from __future__ import annotations

import pytest

from gateway.config import GatewayConfig
from gateway.pipeline import Gateway
from gateway.planner.plan import Fetch, QueryPlan
from gateway.transport.local import LocalClient

from .domain import accounts_app, fake_supergraph
from .exec_subgraphs import StaticPlanner

pytestmark = pytest.mark.anyio


def gateway(plans: dict[str, QueryPlan]) -> tuple[Gateway, LocalClient]:
    client = LocalClient({"accounts": accounts_app()})
    config = GatewayConfig(introspection=True)
    return Gateway(fake_supergraph(), client, config, planner=StaticPlanner(plans)), client


async def test_schema_and_type_with_aliases_and_no_subgraph_call() -> None:
    query = """
      { __schema { queryType { name } } t: __type(name: "User") { name kind } __typename }
    """
    gw, _ = gateway({query: QueryPlan(None)})
    result = await gw.execute(query)
    assert result == {
        "data": {
            "__schema": {"queryType": {"name": "Query"}},
            "t": {"name": "User", "kind": "OBJECT"},
            "__typename": "Query",
        }
    }


async def test_introspection_next_to_planned_fields_in_request_order() -> None:
    query = '{ me { name } __type(name: "Status") { enumValues { name } } }'
    gw, _ = gateway({query: QueryPlan(Fetch("accounts", "{me{name}}"))})
    result = await gw.execute(query)
    assert result == {
        "data": {
            "me": {"name": "Ada"},
            "__type": {"enumValues": [{"name": "ACTIVE"}, {"name": "HIDDEN"}]},
        }
    }
    assert list(result["data"]) == ["me", "__type"]


async def test_introspection_with_variables_and_fragments() -> None:
    query = """
      query Q($name: String!, $full: Boolean!) { ...Intro }
      fragment Intro on Query { __type(name: $name) { name fields @include(if: $full) { name } } }
    """
    gw, _ = gateway({query: QueryPlan(None)})
    short = await gw.execute(query, {"name": "Node", "full": False})
    assert short == {"data": {"__type": {"name": "Node"}}}
    full = await gw.execute(query, {"name": "Node", "full": True})
    assert full == {"data": {"__type": {"name": "Node", "fields": [{"name": "id"}]}}}
    missing = await gw.execute(query, {"name": "Nope", "full": True})
    assert missing == {"data": {"__type": None}}


async def test_skipped_introspection_field_is_absent() -> None:
    query = "{ __schema @skip(if: true) { queryType { name } } __typename }"
    gw, _ = gateway({query: QueryPlan(None)})
    assert await gw.execute(query) == {"data": {"__typename": "Query"}}
