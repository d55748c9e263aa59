"""Per-subgraph cost limits (Apollo Router's ``demand_control.strategy.static_estimated
.subgraph``) through a uvicorn-served gateway in front of shop and shipping, against values
worked out by hand: each fetch of the plan scored as the operation sent to its subgraph
(Product 1, Money 3; an ``_entities`` list holds the subgraph's ``list_size`` entities)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest

from gateway.config.edge_model import DemandControlConfig, SubgraphCostLimits
from gateway.edge.demand import DemandControl
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
      max: {max}
      subgraph:
        all:
          max: 100
        subgraphs:
          shipping:
{shipping}fedgate:
  demand_control:
    expose_in_extensions: true
"""

# shop: 2 products x (Product 1 + price Money 3, fetched for @requires) = 8;
# shipping: _entities of list_size products x (Product 1 + shipping Int 0)
SHIPPED = "{ topProducts(first: 2) { name shipping } }"


def post(url: str, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
    payload = {"query": query, "variables": variables or {}}
    r = httpx.post(url, json=payload, headers={"accept": "application/json"}, timeout=10)
    body: dict[str, Any] = r.json()
    return body


def test_each_subgraph_is_estimated_from_its_fetches(tmp_path: Path) -> None:
    shipping = "            max: 5\n            list_size: 2\n"
    config = config_from(tmp_path, CONFIG.format(mode="enforce", max=1000, shipping=shipping))
    with serve(config) as served:
        body = post(served.url, SHIPPED)
        assert "errors" not in body, body
        cost = body["extensions"]["cost"]
        assert cost["estimatedBySubgraph"] == {"shop": 8, "shipping": 2}
        assert cost["result"] == "COST_OK"
        # the branch a @include variable picks is the one scored: no shipping fetch when false
        query = "query($s: Boolean!) { topProducts(first: 3) { name shipping @include(if: $s) } }"
        cost = post(served.url, query, {"s": False})["extensions"]["cost"]
        assert cost["estimatedBySubgraph"] == {"shop": 3}
        cost = post(served.url, query, {"s": True})["extensions"]["cost"]
        assert cost["estimatedBySubgraph"] == {"shop": 12, "shipping": 2}
        # a @defer block's fetches run later, all the same: they count. The block fetches the
        # price from shop again (an _entities of 10: 10 x (1 + 3)) after 2 x Product 1
        deferred = "{ topProducts(first: 2) { name ... @defer { shipping } } }"
        cost = post(served.url, deferred)["extensions"]["cost"]
        assert cost["estimatedBySubgraph"] == {"shop": 2 + 40, "shipping": 2}


def test_a_subgraph_over_its_max_refuses_the_request_before_any_fetch(tmp_path: Path) -> None:
    # shipping's own max, all's list_size (the strategy's 10): 10 entities > 5
    config = config_from(
        tmp_path, CONFIG.format(mode="enforce", max=100, shipping="            max: 5\n")
    )
    with serve(config) as served:
        body = post(served.url, SHIPPED)
        [error] = body["errors"]
        assert error["extensions"] == {
            "code": "SUBGRAPH_COST_ESTIMATED_TOO_EXPENSIVE",
            "cost.subgraph": "shipping",
            "cost.subgraph.estimated": 10,
            "cost.subgraph.max": 5,
        }
        assert error["message"] == (
            "query estimated cost 10 exceeded configured maximum 5 for subgraph shipping"
        )
        assert "data" not in body
        # nothing was fetched: neither subgraph heard of it
        assert served.subgraph.requests == [] and served.shipping.requests == []
        # all's max for shop: 40 products x 4 = 160 > 100, and the whole operation's max too
        body = post(served.url, "{ topProducts(first: 40) { price { amount } } }")
        codes = [e["extensions"]["code"] for e in body["errors"]]
        assert codes == ["COST_ESTIMATED_TOO_EXPENSIVE", "SUBGRAPH_COST_ESTIMATED_TOO_EXPENSIVE"]
        assert body["errors"][1]["extensions"]["cost.subgraph"] == "shop"


def test_measure_mode_runs_the_request_and_says_which_limit_was_passed(tmp_path: Path) -> None:
    config = config_from(
        tmp_path, CONFIG.format(mode="measure", max=1000, shipping="            max: 5\n")
    )
    with serve(config) as served:
        body = post(served.url, SHIPPED)
        assert body["data"]["topProducts"] == [
            {"name": "p1", "shipping": 2},
            {"name": "p2", "shipping": 4},
        ]
        cost = body["extensions"]["cost"]
        assert cost["result"] == "SUBGRAPH_COST_ESTIMATED_TOO_EXPENSIVE"
        assert cost["estimatedBySubgraph"] == {"shop": 8, "shipping": 10}


def test_a_subgraphs_own_values_win_over_all() -> None:
    limits = SubgraphCostLimits(
        all_max=5, all_list_size=3, subgraphs=(("reviews", 2, None), ("users", None, 7))
    )
    assert [limits.max_for(n) for n in ("reviews", "products", "users")] == [2, 5, 5]
    assert [limits.list_size_for(n, 10) for n in ("reviews", "users")] == [3, 7]
    assert SubgraphCostLimits().list_size_for("reviews", 10) == 10


def test_bad_limits_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="max"):
        config_from(
            tmp_path, CONFIG.format(mode="enforce", max=10, shipping="            max: -1\n")
        )
    supergraph = cost_supergraph()
    config = DemandControlConfig(
        mode="enforce",
        list_size=1,
        max=10,
        subgraph=SubgraphCostLimits(subgraphs=(("shop", 1, None), ("prodcts", 1, None))),
    )
    with pytest.raises(ConfigError, match=r"unknown subgraph\(s\) prodcts"):
        DemandControl(config, supergraph.api_schema, supergraph)
