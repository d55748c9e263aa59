"""Progressive @override executed: the field comes from its old owner while its label is off
and from its new owner while it is on; percent(N) labels roll once per request with the
gateway's RNG, named labels come from the configuration, a request hook or the call."""

from __future__ import annotations

import random
from typing import Any

import pytest

from gateway.config import GatewayConfig
from gateway.pipeline import Gateway
from gateway.planner.override import LabelRequest
from gateway.supergraph import Supergraph, load_supergraph
from gateway.transport.local import GraphQLCoreApp, LocalClient
from tests.planner.harness import supergraph
from tests.planner.test_override import PROGRESSIVE_A, PROGRESSIVE_B

from .exec_subgraphs import entity_app

pytestmark = pytest.mark.anyio

QUERY = "{ product { name price stock } }"
OLD, NEW = 100, 200  # `price` as each owner answers it


def _apps() -> dict[str, GraphQLCoreApp]:
    a = entity_app(
        "type Query { product: Product }\ntype Product { id: ID! name: String price: Int }",
        root={"product": {"id": "1", "name": "Lamp", "price": OLD}},
        entities={"Product": lambda rep: {"id": rep["id"], "name": "Lamp", "price": OLD}},
    )
    b = entity_app(
        "type Query { topStock: Product }\ntype Product { id: ID! price: Int stock: Int }",
        root={"topStock": {"id": "1", "price": NEW, "stock": 7}},
        entities={"Product": lambda rep: {"id": rep["id"], "price": NEW, "stock": 7}},
    )
    return {"a": a, "b": b}


def _supergraph(label: str) -> Supergraph:
    sg = supergraph(a=PROGRESSIVE_A, b=PROGRESSIVE_B)
    return load_supergraph(sg.sdl.replace('"percent(10)"', f'"{label}"'))


def _gateway(label: str, apps: dict[str, GraphQLCoreApp], **kwargs: Any) -> Gateway:
    config = kwargs.pop("config", GatewayConfig(batch_fetches=False))
    return Gateway(_supergraph(label), LocalClient(apps), config, **kwargs)


def _price_requests(app: GraphQLCoreApp) -> int:
    return sum(1 for r in app.requests if "price" in r["query"])


async def test_percent_0_keeps_the_old_owner() -> None:
    apps = _apps()
    gateway = _gateway("percent(0)", apps)
    for _ in range(20):
        result = await gateway.execute(QUERY)
        assert result == {"data": {"product": {"name": "Lamp", "price": OLD, "stock": 7}}}
    assert _price_requests(apps["b"]) == 0


async def test_percent_100_always_takes_the_new_owner() -> None:
    apps = _apps()
    gateway = _gateway("percent(100)", apps)
    for _ in range(20):
        result = await gateway.execute(QUERY)
        assert result == {"data": {"product": {"name": "Lamp", "price": NEW, "stock": 7}}}
    assert _price_requests(apps["a"]) == 0


async def test_percent_50_splits_requests_and_plans_twice() -> None:
    apps = _apps()
    gateway = _gateway("percent(50)", apps, rng=random.Random(8))
    prices = [(await gateway.execute(QUERY))["data"]["product"]["price"] for _ in range(400)]
    new = prices.count(NEW)
    assert prices.count(OLD) + new == 400
    # seeded: the same count every run; a fair coin lands in this range with p > 0.9999
    assert 160 <= new <= 240
    assert _price_requests(apps["b"]) == new
    assert gateway.prepare(QUERY, None, frozenset()) is gateway.prepare(QUERY, None, frozenset())
    assert len(gateway._cache) == 2  # one plan per label set, not per request


async def test_named_label_off_by_default_on_by_configuration() -> None:
    apps = _apps()
    off = _gateway("new-pricing", apps)
    assert (await off.execute(QUERY))["data"]["product"]["price"] == OLD
    config = GatewayConfig(batch_fetches=True, override_labels=("new-pricing",))
    on = _gateway("new-pricing", apps, config=config)
    assert (await on.execute(QUERY))["data"]["product"]["price"] == NEW


async def test_hook_and_call_turn_labels_on_per_request() -> None:
    seen: list[LabelRequest] = []

    def hook(request: LabelRequest) -> list[str]:
        seen.append(request)
        return ["new-pricing"] if "Beta" in request.query else []

    apps = _apps()
    gateway = _gateway("new-pricing", apps, override_label_hook=hook)
    beta = await gateway.execute("query Beta { product { price } }", operation_name="Beta")
    assert beta["data"]["product"]["price"] == NEW
    assert (await gateway.execute("{ product { price } }"))["data"]["product"]["price"] == OLD
    assert seen[0].unresolved == frozenset({"new-pricing"})
    assert seen[0].operation_name == "Beta"
    called = await gateway.execute(QUERY, override_labels=["new-pricing", "unknown"])
    assert called["data"]["product"]["price"] == NEW


async def test_new_owner_root_goes_back_to_the_old_owner_while_off() -> None:
    apps = _apps()
    gateway = _gateway("percent(0)", apps)
    result = await gateway.execute("{ topStock { stock price } }")
    assert result == {"data": {"topStock": {"stock": 7, "price": OLD}}}
