"""The HTTP server: GraphQL-over-HTTP status codes and media types, GET rules, health."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
import orjson
import pytest
from graphql import build_schema
from starlette.applications import Starlette

from gateway.config import GatewayConfig
from gateway.planner.format import format_plan
from gateway.planner.plan import Condition, Fetch, QueryPlan
from gateway.server import create_app
from gateway.transport.local import GraphQLCoreApp, LocalClient
from tests.execution.exec_subgraphs import FakeSupergraph, Graph, StaticPlanner

pytestmark = pytest.mark.anyio

API = "type Query { hello: String } type Mutation { bump: Int }"
HELLO = "{ hello }"
BUMP = "mutation { bump }"
MAYBE = "query Q($a: Boolean = true) { hello @include(if: $a) }"
PLANS = {
    MAYBE: QueryPlan(Condition("a", Fetch("s", "{hello}"), None)),
    HELLO: QueryPlan(Fetch("s", "{hello}")),
    BUMP: QueryPlan(Fetch("s", "mutation{bump}", operation_kind="mutation")),
}
GRJ = "application/graphql-response+json"


# a GET needs a header a cross-site page cannot send without a preflight (CSRF prevention)
PREFLIGHT = {"apollo-require-preflight": "true"}
# what `fedgate dev` turns on; the production default is tested on its own
DEV = GatewayConfig(introspection=True, graphiql=True, expose_query_plan=True)


def make_app(config: GatewayConfig | None = None) -> tuple[Starlette, GraphQLCoreApp]:
    subgraph = GraphQLCoreApp(build_schema(API), root_value={"hello": "world", "bump": 1})
    supergraph = FakeSupergraph(build_schema(API), {"s": Graph("s", "http://s/graphql")})
    app = create_app(
        supergraph,
        config=config or DEV,
        client=LocalClient({"s": subgraph}),
        planner=StaticPlanner(PLANS),
    )
    return app, subgraph


@asynccontextmanager
async def serving(app: Starlette, *, lifespan: bool = True) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://gw") as client:
        if lifespan:
            async with app.router.lifespan_context(app):
                yield client
        else:
            yield client


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    app, _ = make_app()
    async with serving(app) as c:
        yield c


async def post(
    client: httpx.AsyncClient, body: object, accept: str | None = None, **headers: str
) -> httpx.Response:
    hs = {"content-type": "application/json", **headers}
    if accept is not None:
        hs["accept"] = accept
    return await client.post("/graphql", content=orjson.dumps(body), headers=hs)


async def test_post_with_application_json(client: httpx.AsyncClient) -> None:
    r = await post(client, {"query": HELLO}, accept="application/json")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("application/json")
    assert r.json() == {"data": {"hello": "world"}}


async def test_post_with_graphql_response_json(client: httpx.AsyncClient) -> None:
    r = await post(client, {"query": HELLO}, accept=GRJ)
    assert r.status_code == 200
    assert r.headers["content-type"].startswith(GRJ)


@pytest.mark.parametrize("accept", [None, "*/*", "application/*", f"{GRJ}, application/json"])
async def test_default_and_preferred_media_type_is_graphql_response_json(
    client: httpx.AsyncClient, accept: str | None
) -> None:
    r = await post(client, {"query": HELLO}, accept=accept)
    assert r.headers["content-type"].startswith(GRJ)


async def test_quality_values_pick_the_media_type(client: httpx.AsyncClient) -> None:
    r = await post(client, {"query": HELLO}, accept=f"{GRJ};q=0.5, application/json")
    assert r.headers["content-type"].startswith("application/json")


async def test_unacceptable_media_type_is_406(client: httpx.AsyncClient) -> None:
    r = await post(client, {"query": HELLO}, accept="text/plain")
    assert r.status_code == 406
    assert r.json()["errors"][0]["extensions"]["code"] == "NOT_ACCEPTABLE"


@pytest.mark.parametrize(
    ("query", "code"),
    [("{ nope }", "GRAPHQL_VALIDATION_FAILED"), ("{ hello", "GRAPHQL_PARSE_FAILED")],
)
async def test_request_errors_are_400_with_graphql_response_json_and_200_with_json(
    query: str, code: str
) -> None:
    app, subgraph = make_app()
    async with serving(app) as client:
        strict = await post(client, {"query": query}, accept=GRJ)
        legacy = await post(client, {"query": query}, accept="application/json")
    assert strict.status_code == 400
    assert legacy.status_code == 200
    for r in (strict, legacy):
        body = r.json()
        assert "data" not in body
        assert body["errors"][0]["extensions"]["code"] == code
        assert body["errors"][0]["locations"]
    assert subgraph.requests == []


async def test_bad_variables_are_400(client: httpx.AsyncClient) -> None:
    query = "query($x: Boolean!) { hello @include(if: $x) }"
    r = await post(client, {"query": query, "variables": {"x": "yes"}}, accept=GRJ)
    assert r.status_code == 400
    assert r.json()["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


@pytest.mark.parametrize(
    ("content", "content_type", "status", "fragment"),
    [
        (b"{not json", "application/json", 400, "Invalid JSON"),
        (b'{"variables": {}}', "application/json", 400, "Missing 'query'"),
        # APQ is on by default (as in Apollo Router): an unknown hash is not a bad request
        # but PERSISTED_QUERY_NOT_FOUND (tests/edge/test_persisted_queries.py)
        (b'{"query": 3}', "application/json", 400, "'query' must be a string"),
        (b'{"query": "{ hello }", "variables": [1]}', "application/json", 400, "'variables'"),
        (b'{"query": "{ hello }", "operationName": 1}', "application/json", 400, "operationName"),
        (b'[{"query": "{ hello }"}]', "application/json", 400, "Batched"),
        (b'"{ hello }"', "application/json", 400, "JSON object"),
        (b"{ hello }", "application/graphql", 415, "Content-Type"),
        (b'{"query": "{ hello }"}', "application/xml", 415, "Content-Type"),
        # a simple content type without a preflight-forcing header: what a cross-site form
        # can send, so CSRF prevention refuses it before looking at the body
        (b'{"query": "{ hello }"}', "text/plain", 400, "Cross-Site Request Forgery"),
    ],
)
async def test_malformed_requests_get_4xx_with_a_graphql_error_body(
    client: httpx.AsyncClient, content: bytes, content_type: str, status: int, fragment: str
) -> None:
    r = await client.post("/graphql", content=content, headers={"content-type": content_type})
    assert r.status_code == status
    [error] = r.json()["errors"]
    assert fragment in error["message"]
    assert error["extensions"]["code"]


async def test_content_type_with_charset_is_accepted(client: httpx.AsyncClient) -> None:
    r = await client.post(
        "/graphql",
        content=b'{"query": "{ hello }"}',
        headers={"content-type": "application/json; charset=utf-8"},
    )
    assert r.json() == {"data": {"hello": "world"}}


async def test_get_runs_queries() -> None:
    app, subgraph = make_app()
    async with serving(app) as client:
        skipped = await client.get(
            "/graphql", params={"query": MAYBE, "variables": '{"a": false}'}, headers=PREFLIGHT
        )
        included = await client.get("/graphql", params={"query": MAYBE}, headers=PREFLIGHT)
    assert skipped.status_code == 200
    assert skipped.json() == {"data": {}}
    assert included.json() == {"data": {"hello": "world"}}
    assert len(subgraph.requests) == 1  # the Condition node skipped the fetch


async def test_get_refuses_mutations_with_405() -> None:
    app, subgraph = make_app()
    async with serving(app) as client:
        r = await client.get("/graphql", params={"query": BUMP}, headers=PREFLIGHT)
    assert r.status_code == 405
    assert r.headers["allow"] == "POST"
    assert r.json()["errors"][0]["extensions"]["code"] == "MUTATION_FORBIDDEN"
    assert subgraph.requests == []


async def test_post_runs_mutations(client: httpx.AsyncClient) -> None:
    assert (await post(client, {"query": BUMP})).json() == {"data": {"bump": 1}}


async def test_get_with_malformed_variables_is_400(client: httpx.AsyncClient) -> None:
    r = await client.get(
        "/graphql", params={"query": HELLO, "variables": "{oops"}, headers=PREFLIGHT
    )
    assert r.status_code == 400
    assert "variables" in r.json()["errors"][0]["message"]


async def test_other_methods_are_405(client: httpx.AsyncClient) -> None:
    r = await client.put("/graphql", content=b"{}")
    assert r.status_code == 405
    assert r.headers["allow"] == "GET, POST"
    assert r.json()["errors"][0]["extensions"]["code"] == "METHOD_NOT_ALLOWED"


async def test_query_plan_is_exposed_by_header(client: httpx.AsyncClient) -> None:
    r = await post(client, {"query": HELLO}, **{"Apollo-Expose-Query-Plan": "true"})
    assert r.json()["extensions"]["apolloQueryPlan"]["text"] == format_plan(PLANS[HELLO])
    plain = await post(client, {"query": HELLO})
    assert "extensions" not in plain.json()


async def test_health_and_readiness() -> None:
    app, _ = make_app()
    # Before the lifespan has started the process is alive but not ready.
    async with serving(app, lifespan=False) as client:
        assert (await client.get("/health")).json() == {"status": "UP"}
        assert (await client.get("/health?ready")).status_code == 503
    async with serving(app) as client:
        assert (await client.get("/health?ready")).json() == {"status": "UP"}
        assert (await client.get("/health/ready")).status_code == 200
        # what SIGTERM sets (tests/e2e/test_hot_reload.py sends the real signal)
        app.state.live.draining = True
        assert (await client.get("/health/ready")).json() == {"status": "DOWN"}
        assert (await client.get("/health")).status_code == 200


async def test_graphiql_page_and_bundled_assets(client: httpx.AsyncClient) -> None:
    r = await client.get("/graphql", headers={"accept": "text/html,application/xhtml+xml"})
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/html")
    page = r.text
    assert "https://" not in page and "http://" not in page  # no CDN
    for asset in ("react.production.min.js", "react-dom.production.min.js", "graphiql.min.js"):
        assert f"/graphiql/static/{asset}" in page
        served = await client.get(f"/graphiql/static/{asset}")
        assert served.status_code == 200
        assert served.headers["content-type"].startswith("text/javascript")
    assert (await client.get("/graphiql/static/graphiql.min.css")).status_code == 200
    assert (await client.get("/graphiql/static/secret.py")).status_code == 404


async def test_graphiql_can_be_disabled() -> None:
    app, _ = make_app(GatewayConfig(graphiql=False))
    async with serving(app) as client:
        r = await client.get("/graphql", headers={"accept": "text/html"})
    assert r.status_code == 406


def test_very_deep_responses_are_still_encoded() -> None:
    import json

    from gateway.server.exchange import dumps as _dumps

    deep: dict[str, object] = {"x": "é"}
    for _ in range(300):  # deeper than orjson's limit
        deep = {"a": [deep]}
    assert json.loads(_dumps({"data": deep})) == {"data": deep}
