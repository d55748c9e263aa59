"""The in-process ASGI transport."""

from __future__ import annotations

import asyncio
from typing import Any

import orjson
import pytest
from graphql import build_schema

from gateway.context import RequestContext
from gateway.transport.base import SubgraphRequest, TransportError
from gateway.transport.local import GraphQLCoreApp, LocalClient

pytestmark = pytest.mark.anyio


async def test_calls_the_app_with_an_http_scope() -> None:
    seen: dict[str, Any] = {}

    async def app(scope: Any, receive: Any, send: Any) -> None:
        message = await receive()
        seen.update(scope=scope, body=message["body"])
        await send({"type": "http.response.start", "status": 201, "headers": [(b"X-A", b"1")]})
        await send({"type": "http.response.body", "body": b"hel", "more_body": True})
        await send({"type": "http.response.body", "body": b"lo"})

    client = LocalClient({"a": app})
    response = await client.fetch(SubgraphRequest("a", "http://a.svc/sub/graphql?x=1", {"q": 1}))
    assert (response.status, response.body, response.headers) == (201, b"hello", {"x-a": "1"})
    scope = seen["scope"]
    assert (scope["method"], scope["path"], scope["query_string"]) == (
        "POST",
        "/sub/graphql",
        b"x=1",
    )
    assert (b"content-type", b"application/json") in scope["headers"]
    assert orjson.loads(seen["body"]) == {"q": 1}


async def test_apps_can_be_found_by_url() -> None:
    app = GraphQLCoreApp(build_schema("type Query { a: Int }"), root_value={"a": 1})
    client = LocalClient({"http://x/graphql": app})
    response = await client.fetch(SubgraphRequest("x", "http://x/graphql", {"query": "{a}"}))
    assert orjson.loads(response.body) == {"data": {"a": 1}}


async def test_crashing_app_is_a_transport_error(caplog: pytest.LogCaptureFixture) -> None:
    async def app(scope: Any, receive: Any, send: Any) -> None:
        raise RuntimeError("kaboom at db.internal:5432")

    context = RequestContext.create({"x-request-id": "r-9"})
    request = SubgraphRequest("a", "http://a/", {}, context=context)
    with pytest.raises(TransportError) as info:
        await LocalClient({"a": app}).fetch(request)
    assert info.value.code == "SUBREQUEST_HTTP_ERROR"
    # the exception's text (internals) goes to the log with the request id, not to clients
    assert "kaboom" not in info.value.message and "raised" in info.value.message
    assert "kaboom at db.internal:5432" in caplog.text and "r-9" in caplog.text


async def test_app_without_response_is_a_transport_error() -> None:
    async def app(scope: Any, receive: Any, send: Any) -> None:
        return None

    with pytest.raises(TransportError):
        await LocalClient({"a": app}).fetch(SubgraphRequest("a", "http://a/", {}))


async def test_unknown_subgraph_is_a_transport_error() -> None:
    with pytest.raises(TransportError) as info:
        await LocalClient({}).fetch(SubgraphRequest("nope", "http://nope/", {}))
    assert "no local app" in info.value.message


async def test_timeout() -> None:
    async def app(scope: Any, receive: Any, send: Any) -> None:
        await asyncio.Event().wait()

    with pytest.raises(TransportError) as info:
        await LocalClient({"a": app}, timeout=0.01).fetch(SubgraphRequest("a", "http://a/", {}))
    assert info.value.code == "GATEWAY_TIMEOUT"


async def test_graphql_core_app_serves_a_schema_and_records_requests() -> None:
    app = GraphQLCoreApp(
        build_schema("type Query { hello(name: String!): String }"),
        root_value={"hello": lambda _info, name: f"hi {name}"},
    )
    client = LocalClient({"s": app})
    body = {"query": "query($n:String!){hello(name:$n)}", "variables": {"n": "Ada"}}
    response = await client.fetch(SubgraphRequest("s", "http://s/", body))
    assert orjson.loads(response.body) == {"data": {"hello": "hi Ada"}}
    assert app.requests == [body]
    bad = await client.fetch(SubgraphRequest("s", "http://s/", b"{nope"))
    assert bad.status == 400
