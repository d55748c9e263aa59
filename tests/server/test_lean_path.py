"""The GraphQL path served straight from ASGI (gateway/server/lean.py) answers exactly as
Starlette's route for the same endpoint does: the same app, asked directly and mounted under a
``root_path`` (where Starlette routes), gives the same status, headers and body for every kind
of request. The lean path writes one ``http.response.start`` and one ``http.response.body``,
answers an endpoint's exception with Starlette's 500, and says nothing to a client that left
before its body arrived."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace
from typing import Any

import httpx
import orjson
import pytest
from graphql import build_schema
from starlette.applications import Starlette
from starlette.routing import Mount
from starlette.types import Message

from gateway.config import CorsConfig, CorsPolicy, GatewayConfig, PluginSpec
from gateway.planner.plan import Fetch, QueryPlan
from gateway.plugins import RouterResponse
from gateway.server import create_app
from gateway.transport.local import GraphQLCoreApp, LocalClient
from tests.execution.exec_subgraphs import FakeSupergraph, Graph, StaticPlanner

pytestmark = pytest.mark.anyio

API = "type Query { hello: String }"
HELLO = "{ hello }"
CORS = CorsConfig(policies=(CorsPolicy(origins=("https://app.example",)),))
CONFIG = GatewayConfig(cors=CORS, graphiql=True)
JSON_POST = {"content-type": "application/json"}
REQUESTS: list[tuple[str, str, dict[str, str], bytes]] = [
    ("POST", "", {**JSON_POST, "accept": "application/json"}, b'{"query": "{ hello }"}'),
    ("POST", "", {**JSON_POST, "origin": "https://app.example"}, b'{"query": "{ hello }"}'),
    ("POST", "", {**JSON_POST, "origin": "https://evil.example"}, b'{"query": "{ hello }"}'),
    ("POST", "", JSON_POST, b'{"query": "{ nope }"}'),
    ("POST", "", JSON_POST, b"{not json"),
    ("POST", "", {**JSON_POST, "accept": "text/plain"}, b'{"query": "{ hello }"}'),
    ("POST", "", {"content-type": "text/plain"}, b'{"query": "{ hello }"}'),
    ("POST", "", {"content-type": "application/xml"}, b"<q/>"),
    ("POST", "", {**JSON_POST, "x-request-id": "abc"}, b'{"query": "{ hello }"}'),
    ("GET", "?query=%7Bhello%7D", {"apollo-require-preflight": "1"}, b""),
    ("GET", "?query=%7Bhello%7D", {}, b""),
    ("GET", "", {"accept": "text/html"}, b""),
    ("HEAD", "?query=%7Bhello%7D", {"apollo-require-preflight": "1"}, b""),
    ("PUT", "", JSON_POST, b'{"query": "{ hello }"}'),
    ("OPTIONS", "", {}, b""),
    (
        "OPTIONS",
        "",
        {"origin": "https://app.example", "access-control-request-method": "POST"},
        b"",
    ),
    ("TRACE", "", {}, b""),
]


def make_app(config: GatewayConfig = CONFIG) -> Starlette:
    subgraph = GraphQLCoreApp(build_schema(API), root_value={"hello": "world"})
    supergraph = FakeSupergraph(build_schema(API), {"s": Graph("s", "http://s/graphql")})
    return create_app(
        supergraph,
        config=config,
        client=LocalClient({"s": subgraph}),
        planner=StaticPlanner({HELLO: QueryPlan(Fetch("s", "{hello}"))}),
    )


@asynccontextmanager
async def both() -> AsyncIterator[tuple[httpx.AsyncClient, httpx.AsyncClient]]:
    """One client asking the app directly (the lean path), one asking it under /api (its
    ``root_path``: Starlette's route)."""
    app = make_app()
    outer = Starlette(routes=[Mount("/api", app=app)])
    direct = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://gw")
    mounted = httpx.AsyncClient(transport=httpx.ASGITransport(app=outer), base_url="http://gw")
    async with app.router.lifespan_context(app), direct, mounted:
        yield direct, mounted


def _comparable(response: httpx.Response) -> tuple[int, list[tuple[str, str]], bytes]:
    """The answer less what differs by design: the request id (fresh per request unless the
    client sent one) and the mount's prefix in GraphiQL's page (and so its length)."""
    if response.content:  # (a 204 has none; httpx drops a HEAD's body)
        assert response.headers["content-length"] == str(len(response.content))
    skip = ("x-request-id", "content-length")
    headers = [(k, v) for k, v in response.headers.multi_items() if k not in skip]
    return response.status_code, headers, response.content.replace(b"/api/graphql", b"/graphql")


@pytest.mark.parametrize(("method", "query", "headers", "body"), REQUESTS)
async def test_the_lean_path_answers_as_starlettes_route(
    method: str, query: str, headers: dict[str, str], body: bytes
) -> None:
    async with both() as (direct, mounted):
        lean = await direct.request(method, "/graphql" + query, headers=headers, content=body)
        routed = await mounted.request(
            method, "/api/graphql" + query, headers=headers, content=body
        )
    assert _comparable(lean) == _comparable(routed)
    assert ("x-request-id" in lean.headers) == ("x-request-id" in routed.headers)
    if "x-request-id" in headers:
        assert lean.headers["x-request-id"] == routed.headers["x-request-id"] == "abc"


async def _asgi(app: Starlette, scope: dict[str, Any], messages: list[dict[str, Any]]) -> list[Any]:
    sent: list[dict[str, Any]] = []
    pending = list(messages)

    async def receive() -> dict[str, Any]:
        return pending.pop(0) if pending else {"type": "http.disconnect"}

    async def send(message: Message) -> None:
        sent.append(dict(message))

    await app(scope, receive, send)
    return sent


def _scope(body: bytes, **extra: Any) -> dict[str, Any]:
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/graphql",
        "raw_path": b"/graphql",
        "root_path": "",
        "query_string": b"",
        "headers": [(b"content-type", b"application/json"), (b"content-length", b"%d" % len(body))],
        "client": ("127.0.0.1", 5000),
        "server": ("127.0.0.1", 4000),
        **extra,
    }


async def test_a_post_is_answered_with_one_start_and_one_body_from_a_body_in_parts() -> None:
    app = make_app()
    body = b'{"query": "{ hello }"}'
    parts = [
        {"type": "http.request", "body": body[:5], "more_body": True},
        {"type": "http.request", "body": body[5:], "more_body": False},
    ]
    async with app.router.lifespan_context(app):
        sent = await _asgi(app, _scope(body), parts)
    assert [m["type"] for m in sent] == ["http.response.start", "http.response.body"]
    assert sent[0]["status"] == 200
    headers = dict(sent[0]["headers"])
    assert headers[b"content-length"] == str(len(sent[1]["body"])).encode()
    assert headers[b"content-type"] == b"application/graphql-response+json; charset=utf-8"
    assert orjson.loads(sent[1]["body"]) == {"data": {"hello": "world"}}
    assert sent[1].get("more_body", False) is False


async def test_a_client_gone_before_its_body_gets_no_answer_and_raises_nothing() -> None:
    app = make_app()
    async with app.router.lifespan_context(app):
        sent = await _asgi(app, _scope(b'{"query": "{ hello }"}'), [])
        assert app.state.live.current.active == 0
    assert sent == []


class EuroHeader:
    """A plugin with a bug: a response header no HTTP/1.1 line can carry (not latin-1)."""

    def __init__(self, config: dict[str, Any]) -> None:
        pass

    async def on_response(self, response: RouterResponse) -> None:
        response.headers["x-price"] = "5 €"


async def test_an_exception_out_of_the_endpoint_is_starlettes_500_and_goes_on_to_the_server() -> (
    None
):
    plugins = (PluginSpec("tests.server.test_lean_path:EuroHeader"),)
    app = make_app(config=replace(CONFIG, plugins=plugins))
    body = b'{"query": "{ hello }"}'
    async with app.router.lifespan_context(app):
        sent: list[dict[str, Any]] = []
        messages = [{"type": "http.request", "body": body}]

        async def receive() -> dict[str, Any]:
            return messages.pop(0) if messages else {"type": "http.disconnect"}

        async def send(message: Message) -> None:
            sent.append(dict(message))

        with pytest.raises(UnicodeEncodeError):
            await app(_scope(body), receive, send)
        assert app.state.live.current.active == 0
    assert [m["type"] for m in sent] == ["http.response.start", "http.response.body"]
    assert sent[0]["status"] == 500
    assert sent[1]["body"] == b"Internal Server Error"
