"""RequestContext: request ids, W3C trace context, claims and the plugins' scratch space;
and the context reaching every subgraph request through the pipeline."""

from __future__ import annotations

import re
import time
from collections.abc import MutableMapping
from pathlib import Path
from typing import Any

import pytest

from gateway.config import GatewayConfig
from gateway.context import RequestContext, ScratchKey, parse_traceparent
from gateway.pipeline import Gateway
from gateway.planner.plan import Fetch, QueryPlan
from gateway.transport.base import DEFAULT_HEADERS, SubgraphRequest, SubgraphResponse
from gateway.transport.headers import HeaderRules, Insert, Propagate
from gateway.transport.local import GraphQLCoreApp, LocalClient, Receive, Send
from tests.execution.domain import accounts_app, fake_supergraph
from tests.execution.exec_subgraphs import StaticPlanner

TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
ME = "query Me { me { name } }"
PLANS = {ME: QueryPlan(Fetch("accounts", "query Me{me{name}}"))}


def test_request_id_is_the_clients_when_it_is_a_plain_token() -> None:
    assert RequestContext.create({"x-request-id": "abc-123"}).request_id == "abc-123"
    for hostile in ("", "a b", "x\nforged log line", "é", "x" * 200):
        generated = RequestContext.create({"x-request-id": hostile}).request_id
        assert re.fullmatch(r"[0-9a-f]{32}", generated), hostile
    assert RequestContext.create().request_id != RequestContext.create().request_id


def test_traceparent_is_parsed_and_invalid_ones_are_dropped() -> None:
    context = RequestContext.create({"traceparent": TRACEPARENT, "tracestate": "a=1"})
    assert context.trace is not None
    assert context.trace.trace_id == "4bf92f3577b34da6a3ce929d0e0e4736"
    assert context.trace.parent_id == "00f067aa0ba902b7"
    assert context.trace.sampled and context.trace.tracestate == "a=1"
    assert context.trace.traceparent == TRACEPARENT
    zeros = "00-" + "0" * 32 + "-00f067aa0ba902b7-01"
    for bad in ("", "garbage", TRACEPARENT.upper(), "ff" + TRACEPARENT[2:], zeros):
        assert parse_traceparent(bad) is None, bad


def test_deadline_claims_and_scratch() -> None:
    context = RequestContext.create(timeout=5.0)
    remaining = context.remaining()
    assert remaining is not None and 4.0 < remaining <= 5.0
    assert context.deadline is not None and context.deadline > time.monotonic()
    assert RequestContext.create().remaining() is None
    authed = context.with_claims({"sub": "ada"})
    assert authed.claims == {"sub": "ada"} and context.claims is None
    key: ScratchKey[int] = ScratchKey("retries")
    assert context.scratch.get(key) is None and key not in context.scratch
    context.scratch.set(key, 3)
    assert authed.scratch.get(key) == 3  # one request, one scratch space
    with pytest.raises(AttributeError):
        context.request_id = "x"  # type: ignore[misc]


class HeaderEcho:
    """An in-process subgraph that records the headers of every request it gets."""

    def __init__(self, app: GraphQLCoreApp) -> None:
        self.app = app
        self.seen: list[dict[str, str]] = []

    async def __call__(self, scope: MutableMapping[str, Any], receive: Receive, send: Send) -> None:
        self.seen.append({k.decode(): v.decode() for k, v in scope["headers"]})
        await self.app(scope, receive, send)


class Recording:
    """A client that remembers each SubgraphRequest before handing it on."""

    def __init__(self, inner: LocalClient) -> None:
        self.inner = inner
        self.requests: list[SubgraphRequest] = []

    async def fetch(self, request: SubgraphRequest) -> SubgraphResponse:
        self.requests.append(request)
        return await self.inner.fetch(request)


def gateway(rules: HeaderRules | None = None) -> tuple[Gateway, HeaderEcho, Recording]:
    echo = HeaderEcho(accounts_app())
    client = Recording(LocalClient({"accounts": echo}))
    config = GatewayConfig(headers=rules) if rules is not None else GatewayConfig()
    return Gateway(fake_supergraph(), client, config, planner=StaticPlanner(PLANS)), echo, client


@pytest.mark.anyio
async def test_without_rules_nothing_of_the_client_reaches_a_subgraph() -> None:
    gw, echo, client = gateway()
    context = RequestContext.create({"authorization": "Bearer ada", "cookie": "s=1"})
    assert await gw.execute(ME, context=context) == {"data": {"me": {"name": "Ada"}}}
    [request] = client.requests
    assert request.headers is DEFAULT_HEADERS  # the one shared mapping: no per-request work
    assert request.context is context
    assert "authorization" not in echo.seen[0] and "cookie" not in echo.seen[0]


@pytest.mark.anyio
async def test_rules_build_each_subgraph_requests_headers_from_the_context() -> None:
    rules = HeaderRules(
        [Propagate(named="authorization"), Insert("x-request-id", from_context="request_id")]
    )
    gw, echo, _ = gateway(rules)
    context = RequestContext.create({"authorization": "Bearer ada", "x-request-id": "r-1"})
    await gw.execute(ME, context=context)
    assert echo.seen[0]["authorization"] == "Bearer ada"
    assert echo.seen[0]["x-request-id"] == "r-1"
    assert echo.seen[0]["content-type"] == "application/json"


@pytest.mark.anyio
async def test_rule_names_are_case_insensitive(tmp_path: Path) -> None:
    """``named: Authorization`` in a file matches a client's ``authorization`` even when the
    context's headers are a plain dict (embedders), not the server's case-insensitive map."""
    from gateway.config import load_config

    path = tmp_path / "router.yaml"
    path.write_text(
        "headers:\n  all:\n    request:\n      - propagate:\n          named: Authorization\n"
        "          rename: X-Auth\n"
    )
    gw, echo, _ = gateway(load_config(path, environ={}).headers)
    await gw.execute(ME, context=RequestContext.create({"authorization": "Bearer b"}))
    assert echo.seen[0]["x-auth"] == "Bearer b"
