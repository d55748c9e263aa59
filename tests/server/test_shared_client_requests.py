"""Opt-in sharing of identical in-flight client queries: one execution answers them all;
mutations and different requests are never shared."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest
from graphql import build_schema

from gateway.config import GatewayConfig
from gateway.planner.plan import Fetch, QueryPlan
from gateway.server import create_app
from gateway.transport.base import SubgraphRequest, SubgraphResponse
from tests.execution.exec_subgraphs import FakeSupergraph, Graph, StaticPlanner

pytestmark = pytest.mark.anyio

API = "type Query { hello: String } type Mutation { bump: Int }"


class Gate:
    """A subgraph client that answers once released, counting calls."""

    def __init__(self) -> None:
        self.calls = 0
        self.release = asyncio.Event()

    async def fetch(self, request: SubgraphRequest) -> SubgraphResponse:
        self.calls += 1
        await self.release.wait()
        body: Any = request.body
        field = "bump" if "bump" in body["query"] else "hello"
        value = b'"hi"' if field == "hello" else b"%d" % self.calls
        return SubgraphResponse("s", 200, b'{"data":{"%s":%s}}' % (field.encode(), value))


def app(share: bool, client: Gate) -> Any:
    plans = {
        "{ hello }": QueryPlan(Fetch("s", "{hello}")),
        "mutation { bump }": QueryPlan(Fetch("s", "mutation{bump}", operation_kind="mutation")),
    }
    supergraph = FakeSupergraph(build_schema(API), {"s": Graph("s", "http://s")})
    config = GatewayConfig(share_inflight_client_requests=share, share_inflight_requests=False)
    return create_app(supergraph, config=config, client=client, planner=StaticPlanner(plans))


async def _burst(share: bool, query: str) -> tuple[Gate, list[httpx.Response]]:
    client = Gate()
    transport = httpx.ASGITransport(app=app(share, client))
    async with httpx.AsyncClient(transport=transport, base_url="http://gw") as http:
        tasks = [
            asyncio.ensure_future(http.post("/graphql", json={"query": query})) for _ in range(4)
        ]
        for _ in range(20):
            await asyncio.sleep(0)
        client.release.set()
        return client, list(await asyncio.gather(*tasks))


async def test_identical_queries_share_one_execution() -> None:
    client, responses = await _burst(True, "{ hello }")
    assert client.calls == 1
    assert [r.json() for r in responses] == [{"data": {"hello": "hi"}}] * 4


async def test_off_by_default_each_query_executes() -> None:
    client, _ = await _burst(False, "{ hello }")
    assert client.calls == 4


async def test_mutations_are_never_shared() -> None:
    client, responses = await _burst(True, "mutation { bump }")
    assert client.calls == 4
    assert all(isinstance(r.json()["data"]["bump"], int) for r in responses)
