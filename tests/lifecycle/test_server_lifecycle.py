"""The HTTP front of the lifecycle, in-process (ASGI): CORS variants, CSRF switched off, the
router timeout, a configured endpoint and health path, and a streamed body over the limit.
(The same features against real processes: tests/e2e/test_headers_e2e.py.)"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest
from graphql import GraphQLResolveInfo, build_schema

from gateway.config import CorsConfig, CsrfConfig, GatewayConfig, HealthCheck
from gateway.planner.plan import Fetch, QueryPlan
from gateway.server import create_app
from gateway.transport.local import GraphQLCoreApp, LocalClient
from tests.execution.exec_subgraphs import FakeSupergraph, Graph, StaticPlanner
from tests.server.test_http_server import serving

pytestmark = pytest.mark.anyio

API = "type Query { hello: String slow: String }"
PLANS = {
    "{ hello }": QueryPlan(Fetch("s", "{hello}")),
    "{ slow }": QueryPlan(Fetch("s", "{slow}")),
}


async def slow(info: GraphQLResolveInfo) -> str:
    await asyncio.sleep(2)
    return "late"


def app_with(config: GatewayConfig) -> Any:
    root = {"hello": "world", "slow": slow}
    subgraph = GraphQLCoreApp(build_schema(API), root_value=root)
    supergraph = FakeSupergraph(build_schema(API), {"s": Graph("s", "http://s/graphql")})
    return create_app(
        supergraph, config=config, client=LocalClient({"s": subgraph}), planner=StaticPlanner(PLANS)
    )


async def test_allow_any_origin_answers_with_a_wildcard() -> None:
    config = GatewayConfig(cors=CorsConfig(allow_any_origin=True, expose_headers=("x-a",)))
    async with serving(app_with(config)) as client:
        r = await client.post(
            "/graphql", json={"query": "{ hello }"}, headers={"origin": "https://anywhere.dev"}
        )
        assert r.headers["access-control-allow-origin"] == "*"
        assert r.headers["access-control-expose-headers"] == "x-a"
        assert "access-control-allow-credentials" not in r.headers
        plain = await client.options("/graphql")
        assert plain.status_code == 204 and "POST" in plain.headers["allow"]


async def test_default_cors_lets_only_apollo_studio_in() -> None:
    async with serving(app_with(GatewayConfig())) as client:
        ask = {"access-control-request-method": "POST"}
        studio = await client.options(
            "/graphql", headers={"origin": "https://studio.apollographql.com", **ask}
        )
        other = await client.options("/graphql", headers={"origin": "https://x.dev", **ask})
    assert studio.headers["access-control-allow-origin"] == "https://studio.apollographql.com"
    assert "access-control-allow-origin" not in other.headers


async def test_csrf_can_be_switched_off_and_required_headers_configured() -> None:
    off = GatewayConfig(csrf=CsrfConfig(unsafe_disabled=True))
    async with serving(app_with(off)) as client:
        assert (await client.get("/graphql", params={"query": "{ hello }"})).status_code == 200
    custom = GatewayConfig(csrf=CsrfConfig(required_headers=("x-csrf",)))
    async with serving(app_with(custom)) as client:
        q = {"query": "{ hello }"}
        default = await client.get("/graphql", params=q, headers={"apollo-require-preflight": "1"})
        assert default.status_code == 400 and "x-csrf" in default.json()["errors"][0]["message"]
        empty = await client.get("/graphql", params=q, headers={"x-csrf": ""})
        assert empty.status_code == 400  # the header must have a value
        ok = await client.get("/graphql", params=q, headers={"x-csrf": "1"})
        assert ok.json() == {"data": {"hello": "world"}}


async def test_router_timeout_answers_504_with_the_request_id() -> None:
    async with serving(app_with(GatewayConfig(router_timeout=0.2))) as client:
        r = await client.post(
            "/graphql", json={"query": "{ slow }"}, headers={"x-request-id": "t-1"}
        )
        fast = await client.post("/graphql", json={"query": "{ hello }"})
    assert r.status_code == 504 and r.headers["x-request-id"] == "t-1"
    assert r.json()["errors"][0]["extensions"]["code"] == "GATEWAY_TIMEOUT"
    assert fast.json() == {"data": {"hello": "world"}}


async def test_endpoint_and_health_paths_come_from_the_config() -> None:
    config = GatewayConfig(path="/api", health_check=HealthCheck(path="/healthz"))
    async with serving(app_with(config)) as client:
        assert (await client.post("/api", json={"query": "{ hello }"})).status_code == 200
        assert (await client.post("/graphql", json={"query": "{ hello }"})).status_code == 404
        assert (await client.get("/healthz")).json() == {"status": "UP"}
        assert (await client.get("/healthz/ready")).status_code == 200
        assert (await client.get("/health")).status_code == 404
    disabled = GatewayConfig(health_check=HealthCheck(enabled=False))
    async with serving(app_with(disabled)) as client:
        assert (await client.get("/health")).status_code == 404


async def test_body_over_the_limit_is_refused_even_without_content_length() -> None:
    async def chunks() -> AsyncIterator[bytes]:
        yield b'{"query": "'
        for _ in range(20):
            yield b" " * 100
        yield b'{ hello }"}'

    async with serving(app_with(GatewayConfig(max_request_bytes=1000))) as client:
        streamed = await client.post(
            "/graphql", content=chunks(), headers={"content-type": "application/json"}
        )
        small = await client.post("/graphql", json={"query": "{ hello }"})
    assert streamed.status_code == 413
    assert streamed.json()["errors"][0]["extensions"]["code"] == "PAYLOAD_TOO_LARGE"
    assert small.status_code == 200
