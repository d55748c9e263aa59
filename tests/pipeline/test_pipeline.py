"""The pipeline: request errors, operation selection, variables, planning errors, caching."""

from __future__ import annotations

from typing import Any

import pytest

import gateway.pipeline.front as prepare_module
from gateway.config import GatewayConfig
from gateway.pipeline import Gateway
from gateway.planner.format import format_plan
from gateway.planner.plan import Fetch, QueryPlan
from gateway.transport.local import GraphQLCoreApp, LocalClient
from tests.execution.domain import accounts_app, fake_supergraph, products_app
from tests.execution.exec_subgraphs import StaticPlanner

pytestmark = pytest.mark.anyio

ME = "query Me { me { name } }"
TOP = "query Top($n: Int!) { topProducts(first: $n) { name } }"
PLANS = {
    ME: QueryPlan(Fetch("accounts", "query Me{me{name}}")),
    TOP: QueryPlan(
        Fetch("products", "query Top($n:Int!){topProducts(first:$n){name}}", variable_usages=("n",))
    ),
}


class Setup:
    def __init__(self, config: GatewayConfig | None = None) -> None:
        self.apps: dict[str, GraphQLCoreApp] = {
            "accounts": accounts_app(),
            "products": products_app(),
        }
        self.planner = StaticPlanner(PLANS)
        self.gateway = Gateway(
            fake_supergraph(), LocalClient(self.apps), config, planner=self.planner
        )

    def calls(self) -> int:
        return sum(len(app.requests) for app in self.apps.values())


async def test_parse_error_has_code_and_location_and_no_data() -> None:
    s = Setup()
    result = await s.gateway.execute("{ me { name }")
    assert "data" not in result
    [error] = result["errors"]
    assert error["extensions"]["code"] == "GRAPHQL_PARSE_FAILED"
    assert error["locations"] == [{"line": 1, "column": 14}]
    assert s.calls() == 0 and s.planner.calls == 0


@pytest.mark.parametrize("query", ["{ me { } }", "{ me " + "{ a " * 8000 + "} }"])
async def test_empty_selection_sets_and_oversized_documents_fail_to_parse(query: str) -> None:
    result = await Setup().gateway.execute(query)
    assert result["errors"][0]["extensions"]["code"] == "GRAPHQL_PARSE_FAILED"


async def test_validation_errors_have_locations_and_no_subgraph_call() -> None:
    s = Setup()
    response = await s.gateway.run("{ me { nope } topProducts { name } }")
    assert response.kind == "request_error"
    assert response.body == {
        "errors": [
            {
                "message": "Cannot query field 'nope' on type 'User'. Did you mean 'name'?",
                "locations": [{"line": 1, "column": 8}],
                "extensions": {"code": "GRAPHQL_VALIDATION_FAILED"},
            }
        ]
    }
    assert s.calls() == 0 and s.planner.calls == 0


async def test_operation_name_selects_and_rejects() -> None:
    s = Setup()
    doc = ME + "\n" + TOP
    assert await s.gateway.execute(doc, operation_name="Me") == {"data": {"me": {"name": "Ada"}}}
    missing = await s.gateway.execute(doc)
    assert missing["errors"][0]["extensions"]["code"] == "OPERATION_RESOLUTION_FAILURE"
    unknown = await s.gateway.execute(doc, operation_name="Nope")
    assert unknown["errors"][0]["message"] == "Unknown operation named 'Nope'."
    assert "data" not in missing and "data" not in unknown


@pytest.mark.parametrize("variables", [{}, {"n": "two"}, {"n": None}])
async def test_bad_variables_are_bad_user_input_without_calls(variables: dict[str, Any]) -> None:
    s = Setup()
    response = await s.gateway.run(TOP, variables)
    assert response.kind == "request_error"
    assert "data" not in response.body
    assert {e["extensions"]["code"] for e in response.body["errors"]} == {"BAD_USER_INPUT"}
    assert response.body["errors"][0]["locations"] == [{"line": 1, "column": 11}]
    assert s.calls() == 0


async def test_planning_error_gives_null_data() -> None:
    s = Setup()
    result = await s.gateway.execute("{ me { username } }")
    assert result == {
        "data": None,
        "errors": [
            {
                "message": "no hand-written plan for this operation",
                "extensions": {"code": "QUERY_PLANNING_FAILED"},
            }
        ],
    }


async def test_cache_hit_skips_parse_validate_and_plan(monkeypatch: pytest.MonkeyPatch) -> None:
    s = Setup()
    first = await s.gateway.execute(TOP, {"n": 1})

    def forbidden(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("graphql-core touched on a cache hit")

    monkeypatch.setattr(prepare_module, "parse", forbidden)
    monkeypatch.setattr(prepare_module, "validate", forbidden)
    monkeypatch.setattr(prepare_module, "check_document", forbidden)  # budgets: paid once
    second = await s.gateway.execute(TOP, {"n": 2})
    assert first == {"data": {"topProducts": [{"name": "Table"}]}}
    assert second == {"data": {"topProducts": [{"name": "Table"}, {"name": "Couch"}]}}
    assert s.planner.calls == 1


async def test_cache_is_bounded_lru() -> None:
    s = Setup(GatewayConfig(operation_cache_size=1))
    await s.gateway.execute(ME)
    await s.gateway.execute(ME)
    assert s.planner.calls == 1
    await s.gateway.execute(TOP, {"n": 1})
    await s.gateway.execute(ME)
    assert s.planner.calls == 3


async def test_mutations_can_be_refused() -> None:
    s = Setup()
    # The API schema has no Mutation type, so use a query document to show queries still pass
    # and build a mutation-capable gateway for the refusal.
    ok = await s.gateway.run(ME, allow_mutations=False)
    assert ok.kind == "ok"
    from graphql import build_schema

    from tests.execution.exec_subgraphs import FakeSupergraph

    schema = build_schema("type Query { a: Int } type Mutation { b: Int }")
    gw = Gateway(FakeSupergraph(schema), LocalClient({}), planner=StaticPlanner({}))
    refused = await gw.run("mutation { b }", allow_mutations=False)
    assert refused.kind == "method_not_allowed"
    assert refused.body["errors"][0]["extensions"]["code"] == "MUTATION_FORBIDDEN"


async def test_query_plan_is_exposed_on_request() -> None:
    s = Setup(GatewayConfig(expose_query_plan=True))
    result = await s.gateway.execute(ME, expose_plan=True)
    assert result["extensions"]["apolloQueryPlan"]["text"] == format_plan(PLANS[ME])
    assert "extensions" not in await s.gateway.execute(ME)
    hidden = Setup()  # the production default
    assert "extensions" not in await hidden.gateway.execute(ME, expose_plan=True)


async def test_introspection_is_off_by_default() -> None:
    s = Setup()
    result = await s.gateway.execute("{ __schema { queryType { name } } }")
    assert result["errors"][0]["extensions"]["code"] == "INTROSPECTION_DISABLED"
    assert "data" not in result


async def test_subscriptions_are_refused() -> None:
    from graphql import build_schema

    from tests.execution.exec_subgraphs import FakeSupergraph

    schema = build_schema("type Query { a: Int } type Subscription { b: Int }")
    gw = Gateway(FakeSupergraph(schema), LocalClient({}), planner=StaticPlanner({}))
    result = await gw.execute("subscription { b }")
    assert result["errors"][0]["extensions"]["code"] == "SUBSCRIPTION_NOT_SUPPORTED"


async def test_urls_come_from_supergraph_and_config_overrides() -> None:
    config = GatewayConfig(subgraph_urls={"accounts": "http://override/graphql"})
    gw = Gateway(fake_supergraph(), LocalClient({}), config, planner=StaticPlanner({}))
    assert gw.urls["accounts"] == "http://override/graphql"
    assert gw.urls["products"] == "http://products.local/graphql"


async def test_exposed_plan_object_follows_apollo_json() -> None:
    s = Setup(GatewayConfig(expose_query_plan=True))
    result = await s.gateway.execute(ME, expose_plan=True)
    assert result["extensions"]["apolloQueryPlan"]["object"] == {
        "kind": "QueryPlan",
        "node": {
            "kind": "Fetch",
            "serviceName": "accounts",
            "variableUsages": [],
            "operation": "query Me{me{name}}",
            "operationKind": "query",
        },
    }


async def test_too_deep_operations_are_refused_before_planning() -> None:
    from graphql import build_schema, parse

    from gateway.planner.budget import Limits, check_document
    from tests.execution.exec_subgraphs import FakeSupergraph

    schema = build_schema("type Query { node: Node } type Node { id: ID child: Node }")
    gw = Gateway(FakeSupergraph(schema), LocalClient({}), planner=StaticPlanner({}))
    deep = "{ node " + "{ child " * 150 + "{ id }" + " }" * 150 + " }"
    result = await gw.execute(deep)
    assert "data" not in result
    assert result["errors"][0]["extensions"]["code"] == "MAX_DEPTH_LIMIT"
    # fragments count at the depth they are spread at
    doc = parse("{ node { ...F ...F } } fragment F on Node { child { id } }")
    assert check_document(doc, Limits(max_depth=3))[1] is None
    refused = check_document(doc, Limits(max_depth=2))[1]
    assert refused is not None and refused.code == "MAX_DEPTH_LIMIT"
