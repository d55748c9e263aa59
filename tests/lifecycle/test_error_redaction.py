"""Subgraph errors are redacted for clients unless ``include_subgraph_errors`` lets them
through (the detail goes to the log with the request id), and every error a client gets has
``extensions.code``."""

from __future__ import annotations

from typing import Any

import pytest
from graphql import build_schema

from gateway.config import GatewayConfig, SubgraphErrors
from gateway.planner.plan import Fetch, QueryPlan
from gateway.server import create_app
from gateway.transport.local import LocalClient, Receive, Send
from tests.execution.exec_subgraphs import FakeSupergraph, Graph, StaticPlanner
from tests.server.test_http_server import serving

pytestmark = pytest.mark.anyio

API = "type Query { secret: String name: String! down: String }"
PLANS = {
    "{ secret }": QueryPlan(Fetch("s", "{secret}")),
    "{ name }": QueryPlan(Fetch("s", "{name}")),
    "{ down }": QueryPlan(Fetch("gone", "{down}")),
}
LEAK = "password rejected by db.internal:5432"


async def subgraph(scope: Any, receive: Receive, send: Send) -> None:
    """Answers `secret` with an error that leaks internals, `name` with a null."""
    import orjson

    body = orjson.loads((await receive())["body"])
    if "secret" in body["query"]:
        error = {"message": LEAK, "path": ["secret"], "extensions": {"code": "DB", "stack": "..."}}
        payload: Any = {"data": {"secret": None}, "errors": [error]}
    else:
        payload = {"data": {"name": None}}
    data = orjson.dumps(payload)
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": data})


def app_with(config: GatewayConfig) -> Any:
    supergraph = FakeSupergraph(
        build_schema(API), {"s": Graph("s", "http://s"), "gone": Graph("gone", "http://gone")}
    )
    client = LocalClient({"s": subgraph})  # no app for "gone": a transport failure
    return create_app(supergraph, config=config, client=client, planner=StaticPlanner(PLANS))


async def ask(config: GatewayConfig, query: str, **headers: str) -> dict[str, Any]:
    async with serving(app_with(config)) as client:
        response = await client.post("/graphql", json={"query": query}, headers=headers)
    body: dict[str, Any] = response.json()
    return body


async def test_subgraph_errors_are_redacted_by_default_and_logged_with_the_request_id(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level("INFO", "fedgate.errors")
    body = await ask(GatewayConfig(), "{ secret }", **{"x-request-id": "req-5"})
    assert body == {
        "data": {"secret": None},
        "errors": [
            {
                "message": "Subgraph errors redacted",
                "path": ["secret"],
                "extensions": {"code": "DB"},
            }
        ],
    }
    assert LEAK in caplog.text and "req-5" in caplog.text


@pytest.mark.parametrize(
    ("policy", "shown"),
    [
        (SubgraphErrors(all=True), True),
        (SubgraphErrors(all=False, subgraphs={"s": True}), True),
        (SubgraphErrors(all=True, subgraphs={"s": False}), False),
    ],
)
async def test_include_subgraph_errors_all_and_per_subgraph(
    policy: SubgraphErrors, shown: bool
) -> None:
    body = await ask(GatewayConfig(include_subgraph_errors=policy), "{ secret }")
    [error] = body["errors"]
    assert (error["message"] == LEAK) is shown
    assert error["extensions"]["code"] == "DB"


async def test_every_error_a_client_gets_has_a_code() -> None:
    # `{ name }` (a null for a non-null field) is a value completion note, not an error
    # (docs/decisions/0008-errors-beside-nulls.md): it has a code too
    note = (await ask(GatewayConfig(), "{ name }"))["extensions"]["valueCompletion"]
    assert [n["extensions"]["code"] for n in note] == ["INVALID_GRAPHQL"]
    queries = [
        "{ secret }",
        "{ down }",
        "{ nope }",
        "{ secret",
        "query A {a} query B {b}",
    ]
    for config in (
        GatewayConfig(),
        GatewayConfig(include_subgraph_errors=SubgraphErrors(all=True)),
    ):
        for query in queries:
            body = await ask(config, query)
            assert body.get("errors"), query
            for error in body["errors"]:
                assert isinstance(error["extensions"]["code"], str), (query, error)


async def test_transport_failures_name_no_internal_address() -> None:
    body = await ask(GatewayConfig(include_subgraph_errors=SubgraphErrors(all=True)), "{ down }")
    [error] = body["errors"]
    assert error["extensions"]["code"] == "SUBREQUEST_HTTP_ERROR"
    assert "http://gone" not in error["message"]
