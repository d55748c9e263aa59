"""The whole path on the example graph: the real supergraph loader and planner, the example
strawberry subgraphs (in-memory databases) reached in-process through ``LocalClient``; every
test in both plan modes (one fetch per group, and waves with ``BatchFetch``)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from gateway.config import GatewayConfig
from gateway.context import RequestContext
from gateway.pipeline import Gateway
from gateway.supergraph import load_supergraph
from gateway.transport.local import LocalClient
from subgraphs.common.service import create_app
from subgraphs.services import SERVICES

from .federated import MODES

pytestmark = pytest.mark.anyio

SUPERGRAPH = Path(__file__).resolve().parents[2] / "schema" / "supergraph.graphql"


@pytest.fixture(params=MODES, ids=["tree", "batch"])
def gateway(request: pytest.FixtureRequest) -> Iterator[Gateway]:
    dbs = {name: service.open_database(":memory:") for name, service in SERVICES.items()}
    apps = {name: create_app(SERVICES[name], db) for name, db in dbs.items()}
    config = GatewayConfig(introspection=True, batch_fetches=request.param)
    yield Gateway(load_supergraph(SUPERGRAPH.read_text()), LocalClient(apps), config)
    for db in dbs.values():
        db.close()


async def test_entities_across_four_subgraphs(gateway: Gateway) -> None:
    query = """
      { topProducts(first: 2) {
          upc name inStock shippingEstimate
          reviews { rating author { username name } }
      } }
    """
    result = await gateway.execute(query)
    assert "errors" not in result
    products = result["data"]["topProducts"]
    assert [p["upc"] for p in products] == ["1", "2"]
    for product in products:
        assert list(product) == ["upc", "name", "inStock", "shippingEstimate", "reviews"]
        assert isinstance(product["shippingEstimate"], int)
        for review in product["reviews"]:
            assert set(review["author"]) == {"username", "name"}
            assert review["author"]["name"]


async def test_union_fragments(gateway: Gateway) -> None:
    query = """
      { search(text: "a") {
          __typename
          ... on Product { name }
          ... on Category { products { upc } }
      } }
    """
    result = await gateway.execute(query)
    assert "errors" not in result
    for hit in result["data"]["search"]:
        expected = (
            {"__typename", "name"} if hit["__typename"] == "Product" else {"__typename", "products"}
        )
        assert set(hit) == expected


async def test_mutation_and_its_downstream_error(gateway: Gateway) -> None:
    mutation = """
      mutation Place($input: PlaceOrderInput!) {
        placeOrder(input: $input) { itemCount buyer { name } lines { product { name } quantity } }
      }
    """
    # placeOrder needs the orders:write scope (the demo graph's @requiresScopes)
    writer = RequestContext.create().with_claims({"sub": "1", "scope": "orders:write"})
    ok: dict[str, Any] = await gateway.execute(
        mutation,
        {"input": {"buyerId": "1", "lines": [{"upc": "1", "quantity": 2}]}},
        context=writer,
    )
    assert "errors" not in ok
    order = ok["data"]["placeOrder"]
    assert order["itemCount"] == 2
    assert order["buyer"]["name"]
    assert order["lines"] == [
        {"product": {"name": order["lines"][0]["product"]["name"]}, "quantity": 2}
    ]
    bad = await gateway.execute(
        mutation,
        {"input": {"buyerId": "1", "lines": [{"upc": "nope", "quantity": 1}]}},
        context=writer,
    )
    assert bad["data"] is None
    [error] = bad["errors"]
    assert error["path"] == ["placeOrder"]
    assert error["extensions"]["code"] == "UNKNOWN_PRODUCT"
    assert error["extensions"]["serviceName"] == "orders"


async def test_introspection_typename_and_planned_fields_together(gateway: Gateway) -> None:
    query = "{ __schema { queryType { name } } t: __typename topProducts(first: 1) { upc } }"
    assert await gateway.execute(query) == {
        "data": {
            "__schema": {"queryType": {"name": "Query"}},
            "t": "Query",
            "topProducts": [{"upc": "1"}],
        }
    }


async def test_literal_skip_of_every_subfield_answers_empty_objects(gateway: Gateway) -> None:
    """The issue's query: it used to answer ``data: null`` ("must have a selection of
    subfields"); Apollo Gateway and Hive Router answer ``[{}]``, as with a variable."""
    query = "{ topProducts(first: 1) { inStock @skip(if: true) } }"
    assert await gateway.execute(query) == {"data": {"topProducts": [{}]}}
    with_variable = "query Q($s: Boolean!) { topProducts(first: 1) { inStock @skip(if: $s) } }"
    assert await gateway.execute(with_variable, {"s": True}) == {"data": {"topProducts": [{}]}}
