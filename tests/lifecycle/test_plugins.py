"""The plugin API in process: hooks found once at start-up (none configured: nothing wrapped,
nothing run), each hook point reached, rejections and plugin bugs as coded errors, and a
coprocessor that cannot be reached. The end-to-end tests (tests/e2e/test_plugins_e2e.py) run
the same against real processes."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from gateway.config import CoprocessorConfig, CoprocessorStage, GatewayConfig, PluginSpec
from gateway.errors import ConfigError
from gateway.pipeline import Gateway
from gateway.plugins import (
    NO_HOOKS,
    Hooks,
    Operation,
    PlanInfo,
    PluginRejection,
    SubgraphResult,
    load_plugin,
)
from gateway.server import create_app
from gateway.transport.local import LocalClient
from tests.execution.domain import accounts_app, fake_supergraph
from tests.execution.exec_subgraphs import StaticPlanner
from tests.lifecycle.test_context import ME, PLANS

HEADERS = {"content-type": "application/json", "accept": "application/json"}


class OnlyPlan:
    def __init__(self, config: dict[str, Any]) -> None:
        self.plans: list[PlanInfo] = []

    def on_plan(self, info: PlanInfo) -> None:
        self.plans.append(info)


class NoQueriesNamedSecret:
    def __init__(self, config: dict[str, Any]) -> None:
        pass

    async def on_operation(self, operation: Operation) -> None:
        if operation.operation_name == "Secret":
            raise PluginRejection("not this one", code="FORBIDDEN_OPERATION", status=403)


class Shout:
    """Changes a subgraph's answer before it is merged."""

    def __init__(self, config: dict[str, Any]) -> None:
        pass

    def on_subgraph_response(self, result: SubgraphResult) -> None:
        result.body["data"]["me"]["name"] = result.body["data"]["me"]["name"].upper()


class Nothing:
    def __init__(self, config: dict[str, Any]) -> None:
        pass


def _spec(name: str) -> PluginSpec:
    return PluginSpec(f"tests.lifecycle.test_plugins:{name}")


def gateway(*plugins: str, **config: Any) -> Gateway:
    specs = tuple(_spec(p) for p in plugins)
    return Gateway(
        fake_supergraph(),
        LocalClient({"accounts": accounts_app()}),
        GatewayConfig(plugins=specs, **config),
        planner=StaticPlanner(PLANS),
    )


async def post(gw_config: GatewayConfig, query: str = ME) -> httpx.Response:
    app = create_app(
        fake_supergraph(),
        config=gw_config,
        client=LocalClient({"accounts": accounts_app()}),
        planner=StaticPlanner({**PLANS, query: PLANS[ME]}),
    )
    transport = httpx.ASGITransport(app=app)
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://gw") as client:
            return await client.post("/graphql", json={"query": query}, headers=HEADERS)
    finally:
        await app.state.gateway.hooks.close()  # what the lifespan's shutdown does


def test_without_plugins_nothing_is_wrapped_or_run() -> None:
    client = LocalClient({"accounts": accounts_app()})
    gw = Gateway(fake_supergraph(), client, GatewayConfig(), planner=StaticPlanner(PLANS))
    assert gw.hooks is NO_HOOKS and gw.hooks.empty
    assert gw.client is client  # no subgraph hook: the executor calls the transport directly


def test_hooks_are_found_once_per_plugin() -> None:
    hooks = Hooks([OnlyPlan({}), Shout({})])
    assert len(hooks.on_plan) == 1 and len(hooks.on_subgraph_response) == 1
    assert not (hooks.on_request or hooks.on_operation or hooks.on_response)
    assert not hooks.on_subgraph_request


def test_bad_plugins_are_start_up_errors() -> None:
    with pytest.raises(ConfigError, match=r"cannot load 'tests\.nowhere:X'"):
        load_plugin("tests.nowhere:X", {})
    with pytest.raises(ConfigError, match="defines none of on_request"):
        load_plugin("tests.lifecycle.test_plugins:Nothing", {})
    with pytest.raises(ConfigError, match="is not a class"):
        load_plugin("tests.lifecycle.test_plugins:gateway", {})


@pytest.mark.anyio
async def test_the_plan_hook_sees_the_plan_of_each_request() -> None:
    plugin = OnlyPlan({})
    client = LocalClient({"accounts": accounts_app()})
    planner = StaticPlanner(PLANS)
    gw = Gateway(fake_supergraph(), client, planner=planner, hooks=Hooks([plugin]))
    assert await gw.execute(ME) == {"data": {"me": {"name": "Ada"}}}
    await gw.execute(ME)  # cached: the hook still runs per request
    assert [info.plan for info in plugin.plans] == [PLANS[ME], PLANS[ME]]
    assert gw.client is client  # a plan hook needs no client wrapper


@pytest.mark.anyio
async def test_an_operation_hook_rejects_with_its_code_and_status() -> None:
    secret = "query Secret { me { name } }"
    response = await post(GatewayConfig(plugins=(_spec("NoQueriesNamedSecret"),)), secret)
    assert response.status_code == 403
    assert response.json()["errors"][0]["extensions"]["code"] == "FORBIDDEN_OPERATION"
    allowed = await post(GatewayConfig(plugins=(_spec("NoQueriesNamedSecret"),)))
    assert allowed.json() == {"data": {"me": {"name": "Ada"}}}


@pytest.mark.anyio
async def test_a_subgraph_response_hook_changes_what_is_merged() -> None:
    gw = gateway("Shout")
    assert await gw.execute(ME) == {"data": {"me": {"name": "ADA"}}}


@pytest.mark.anyio
async def test_a_plugin_bug_answers_plugin_error_not_a_500() -> None:
    spec = PluginSpec("tests.e2e.sample_plugins:Broken")
    response = await post(GatewayConfig(plugins=(spec,)))
    assert response.status_code == 200
    body = response.json()
    assert body["data"] is None
    assert body["errors"][0]["extensions"]["code"] == "PLUGIN_ERROR"
    assert "plugin bug" not in response.text and "Traceback" not in response.text


@pytest.mark.anyio
async def test_an_unreachable_coprocessor_answers_coprocessor_error() -> None:
    from tests.e2e.processes import free_port

    url = f"http://127.0.0.1:{free_port()}/"  # nothing listens there
    coprocessor = CoprocessorConfig(
        url, timeout=2.0, router_request=CoprocessorStage(frozenset({"headers"}))
    )
    response = await post(GatewayConfig(coprocessor=coprocessor))
    assert response.status_code == 200
    body = response.json()
    assert body["errors"][0]["extensions"]["code"] == "COPROCESSOR_ERROR"
    assert "127.0.0.1" not in response.text
