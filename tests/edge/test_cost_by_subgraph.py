"""The actual cost by subgraph (Apollo's default ``actual_cost_mode``) through a uvicorn-served
gateway in front of shop and shipping, against values worked out by hand: each subgraph
response scored as the operation it answers (objects 1, Money 3, Status 2, lists by their real
length), each entity of an ``_entities`` answer an object, plus the client operation's base
cost (mutation 10). Product i costs ``price.amount = i`` and has ``i % 3`` reviews; shipping
is fetched from the shipping subgraph with the price ``@requires`` asks for."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import httpx
import pytest

from gateway.edge.cost import CostModel
from gateway.edge.cost_directives import cost_directives, requirements
from gateway.edge.cost_subgraph import SubgraphCost
from gateway.edge.demand import COSTS
from gateway.errors import ConfigError
from tests.edge.cost_graph import cost_supergraph

from .served import config_from, serve

CONFIG = """\
demand_control:
  enabled: true
  mode: {mode}
  strategy:
    static_estimated:
      list_size: 10
      max: 1000
{extra}fedgate:
  demand_control:
    expose_in_extensions: true
"""

# (query, estimated, actual by subgraph, per subgraph, actual by response shape)
CASES: list[tuple[str, float, float, dict[str, float], float]] = [
    # a list: 4 products + reviews 1 + 2 + 0 + 1, all from shop
    ("{ topProducts(first: 4) { reviews { id } } }", 24, 8, {"shop": 8}, 8),
    # an entity fetch for @requires: shop answers 2 x (Product 1 + price Money 3) = 8,
    # shipping's _entities 2 objects = 2; the client sees 2 products with an Int each
    ("{ topProducts(first: 2) { name shipping } }", 8, 10, {"shop": 8, "shipping": 2}, 2),
    # the same over 20 products: 20 x (1 + 3) + 20 entities
    ("{ everything { shipping } }", 40, 100, {"shop": 80, "shipping": 20}, 20),
    # weights: product 1 + Money 3 + Status 2 + reviews (estimated 5, actual 2)
    ("{ product(id: 2) { name price { amount } status reviews { id } } }", 11, 8, {"shop": 8}, 8),
    # null objects cost nothing: 3 products, 1 + 2 + 0 reviews, every author null
    ("{ featured { reviews { author { name } } } }", 33, 6, {"shop": 6}, 6),
    # a mutation: base 10 + the Review it returns
    ('mutation { addReview(productId: 1, body: "x") { id } }', 11, 11, {"shop": 1}, 11),
]


def post(url: str, query: str) -> dict[str, Any]:
    r = httpx.post(url, json={"query": query}, headers={"accept": "application/json"}, timeout=10)
    body: dict[str, Any] = r.json()
    return body


def test_by_subgraph_is_the_default_and_scores_each_subgraph_response(tmp_path: Path) -> None:
    config = config_from(tmp_path, CONFIG.format(mode="enforce", extra=""))
    with serve(config) as served:
        for query, estimated, actual, by_subgraph, _ in CASES:
            body = post(served.url, query)
            assert "errors" not in body, (query, body)
            cost = body["extensions"]["cost"]
            assert (cost["estimated"], cost["actual"]) == (estimated, actual), query
            assert cost["actualBySubgraph"] == by_subgraph, query
            assert cost["result"] == "COST_OK"
        # the entity fetches did reach shipping (their cost is not made up)
        assert len(served.shipping.requests) == 2


def test_by_response_shape_scores_the_client_response(tmp_path: Path) -> None:
    extra = "      actual_cost_mode: by_response_shape\n"
    config = config_from(tmp_path, CONFIG.format(mode="enforce", extra=extra))
    with serve(config) as served:
        for query, estimated, _, _, actual in CASES:
            cost = post(served.url, query)["extensions"]["cost"]
            assert (cost["estimated"], cost["actual"]) == (estimated, actual), query
            assert "actualBySubgraph" not in cost


def test_measure_logs_the_actual_cost_by_subgraph(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    config = config_from(tmp_path, CONFIG.format(mode="measure", extra=""))
    with serve(config) as served, caplog.at_level(logging.INFO, "fedgate.demand_control"):
        post(served.url, "query Ship { topProducts(first: 2) { name shipping } }")
    [line] = [rec.getMessage() for rec in caplog.records if rec.name == "fedgate.demand_control"]
    assert "operation=Ship" in line
    assert "estimated=8 actual=10 result=COST_OK subgraphs=shipping:2,shop:8" in line


def test_batched_entities_and_missing_typenames_are_scored() -> None:
    """A batch (``_0``, ``_1``) and entities without ``__typename`` (read from the
    representation they answer), scored directly against the cost graph."""
    supergraph = cost_supergraph()
    model = CostModel(
        supergraph.api_schema, cost_directives(supergraph.sdl), 10, requirements(supergraph)
    )
    scorer = SubgraphCost(model, COSTS)
    query = (
        "query($r0: [_Any!]!, $r1: [_Any!]!) {"
        " _0: _entities(representations: $r0) { ... on Product { price { amount } } }"
        " _1: _entities(representations: $r1) { ... on Review { author { name } } } }"
    )
    reps = [{"__typename": "Product", "id": "1"}, {"__typename": "Product", "id": "2"}]
    variables = {"r0": reps, "r1": [{"__typename": "Review", "id": "r1"}]}
    data = {
        "_0": [{"price": {"amount": 1}}, None],  # the second could not be resolved
        "_1": [{"__typename": "Review", "author": {"name": "ann"}}],
    }
    # Product 1 + Money 3; nothing for the null; Review 1 + User 1
    assert scorer.score({"query": query, "variables": variables}, data) == 6
    # again, both products resolved (the compiled selection sets are shared, not the answers)
    data["_0"] = [{"price": {"amount": 1}}, {"price": None}]
    assert scorer.score({"query": query, "variables": variables}, data) == 7
    # a body the executor did not build, or an unparsable query, scores nothing
    assert scorer.score(b"{}", data) == 0
    assert scorer.score({"query": "{ nope"}, data) == 0


def test_an_unknown_actual_cost_mode_is_refused(tmp_path: Path) -> None:
    extra = "      actual_cost_mode: by_magic\n"
    with pytest.raises(ConfigError, match="by_magic"):
        config_from(tmp_path, CONFIG.format(mode="measure", extra=extra))
