"""create_app with its own aiohttp client: lifespan-managed session, URL overrides by config."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from aiohttp import web
from graphql import build_schema

from gateway.config import GatewayConfig
from gateway.planner.plan import Fetch, QueryPlan
from gateway.server import create_app
from gateway.transport.http import HttpClient
from gateway.transport.sharing import SharingClient
from tests.execution.exec_subgraphs import FakeSupergraph, Graph, StaticPlanner

pytestmark = pytest.mark.anyio

API = "type Query { hello: String }"


@pytest.fixture
async def subgraph_url() -> AsyncIterator[str]:
    async def graphql(request: web.Request) -> web.Response:
        body = await request.json()
        assert body == {"query": "{hello}", "variables": {}}
        return web.json_response({"data": {"hello": "over http"}})

    app = web.Application()
    app.router.add_post("/graphql", graphql)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    yield f"http://127.0.0.1:{port}/graphql"
    await runner.cleanup()


async def test_config_url_override_and_session_lifecycle(subgraph_url: str) -> None:
    # The supergraph's URL is wrong on purpose: the config override must win.
    supergraph = FakeSupergraph(build_schema(API), {"s": Graph("s", "http://127.0.0.1:9/nope")})
    config = GatewayConfig(subgraph_urls={"s": subgraph_url})
    app = create_app(
        supergraph,
        config=config,
        planner=StaticPlanner({"{ hello }": QueryPlan(Fetch("s", "{hello}"))}),
    )
    sharing = app.state.gateway.client
    assert isinstance(sharing, SharingClient)  # identical in-flight requests share a call
    client = sharing.inner
    assert isinstance(client, HttpClient) and not client.is_open
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://gw") as http:
        async with app.router.lifespan_context(app):
            assert client.is_open
            r = await http.post("/graphql", json={"query": "{ hello }"})
        assert not client.is_open
    assert r.json() == {"data": {"hello": "over http"}}
