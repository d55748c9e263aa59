"""OAuth2 client credentials against a real token endpoint: one refresh shared by concurrent
callers, the cache until shortly before expiry, one retry on a subgraph's 401, and coded
errors (never a hang) when the token endpoint fails."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from dataclasses import replace

import pytest
from aiohttp import web

from gateway.transport.base import SubgraphRequest, TransportError
from gateway.transport.http import HttpClient
from gateway.transport.oauth2 import OAuth2Settings, TokenError, TokenSource
from gateway.transport.trust import SubgraphTrust, TrustClient, TrustConfig

from .token_server import CLIENT_ID, CLIENT_SECRET, TokenServer, token_server

pytestmark = pytest.mark.anyio


@pytest.fixture
async def tokens() -> AsyncIterator[TokenServer]:
    async with token_server() as server:
        yield server


def settings(server: TokenServer, **changes: object) -> OAuth2Settings:
    base = OAuth2Settings(server.url, CLIENT_ID, CLIENT_SECRET, scopes=("read", "write"))
    return replace(base, **changes)  # type: ignore[arg-type]


async def test_concurrent_callers_share_one_refresh_and_the_token_is_cached(
    tokens: TokenServer,
) -> None:
    tokens.delay = 0.2  # every caller arrives while the first refresh is in flight
    source = TokenSource(settings(tokens))
    got = await asyncio.gather(*(source.token() for _ in range(25)))
    assert got == ["tok-1"] * 25
    assert tokens.calls == 1
    assert await source.token() == "tok-1" and tokens.calls == 1
    assert tokens.forms[0] == {"grant_type": "client_credentials", "scope": "read write"}


async def test_refreshes_shortly_before_expiry(tokens: TokenServer) -> None:
    tokens.expires_in = 2  # refresh_before is capped at half the lifetime: after 1 s
    source = TokenSource(settings(tokens))
    assert await source.token() == "tok-1"
    await asyncio.sleep(0.5)
    assert await source.token() == "tok-1"
    await asyncio.sleep(0.7)
    assert await source.token() == "tok-2"
    assert tokens.calls == 2


async def test_client_secret_post_and_audience(tokens: TokenServer) -> None:
    source = TokenSource(settings(tokens, auth_method="post", audience="https://api", scopes=()))
    assert await source.token() == "tok-1"
    assert tokens.forms[0]["audience"] == "https://api"
    assert tokens.forms[0]["client_id"] == CLIENT_ID and "scope" not in tokens.forms[0]


async def test_wrong_secret_is_a_reason_without_the_secret(tokens: TokenServer) -> None:
    source = TokenSource(settings(tokens, client_secret="wrong"))
    with pytest.raises(TokenError) as info:
        await source.token()
    assert info.value.reason == "the token endpoint answered 401"


@pytest.mark.parametrize(
    ("mode", "reason"),
    [
        ("error", "the token endpoint answered 503"),
        ("garbage", "the token endpoint's answer is not JSON"),
        ("hang", "the token endpoint timed out"),
    ],
)
async def test_failing_token_endpoint(tokens: TokenServer, mode: str, reason: str) -> None:
    tokens.mode = mode
    source = TokenSource(settings(tokens, timeout=0.5, retry_after_failure=0.3))
    started = time.monotonic()
    results = await asyncio.gather(*(source.token() for _ in range(5)), return_exceptions=True)
    assert time.monotonic() - started < 2
    assert all(isinstance(r, TokenError) and r.reason == reason for r in results)
    assert tokens.calls == 1  # the waiting callers shared the one failed refresh
    tokens.mode = "ok"
    with pytest.raises(TokenError) as info:
        await source.token()  # right after a failure: at once, the endpoint is left alone
    assert info.value.reason == reason and tokens.calls == 1
    await asyncio.sleep(0.35)
    assert await source.token() == "tok-1"  # then the next call tries again


async def test_unreachable_token_endpoint() -> None:
    from tests.services import free_port

    url = f"http://127.0.0.1:{free_port()}/token"
    source = TokenSource(OAuth2Settings(url, CLIENT_ID, CLIENT_SECRET, timeout=1.0))
    with pytest.raises(TokenError) as info:
        await source.token()
    assert info.value.reason == "the token endpoint could not be reached"


@pytest.fixture
async def subgraph() -> AsyncIterator[tuple[str, dict[str, object]]]:
    """A subgraph that accepts only the tokens in ``state['valid']`` and records what it saw."""
    state: dict[str, object] = {"valid": set(), "seen": []}

    async def graphql(request: web.Request) -> web.Response:
        auth = request.headers.get("authorization", "")
        state["seen"].append(auth)  # type: ignore[attr-defined]
        if auth.removeprefix("Bearer ") not in state["valid"]:  # type: ignore[operator]
            return web.json_response({"errors": [{"message": "bad token"}]}, status=401)
        return web.json_response({"data": {"ok": True}})

    app = web.Application()
    app.router.add_post("/graphql", graphql)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    yield f"http://127.0.0.1:{port}/graphql", state
    await runner.cleanup()


async def test_a_401_is_retried_once_with_a_fresh_token(
    tokens: TokenServer, subgraph: tuple[str, dict[str, object]]
) -> None:
    url, state = subgraph
    valid: set[str] = state["valid"]  # type: ignore[assignment]
    http = HttpClient()
    client = TrustClient(http, TrustConfig(SubgraphTrust(oauth2=settings(tokens))))
    request = SubgraphRequest("s", url, {"query": "{ok}"})
    try:
        valid.add("tok-1")
        assert (await client.fetch(request)).status == 200
        valid.clear()
        valid.add("tok-2")  # the subgraph revoked tok-1 before it expired
        assert (await client.fetch(request)).status == 200
        assert state["seen"] == ["Bearer tok-1", "Bearer tok-1", "Bearer tok-2"]
        valid.clear()  # nothing is accepted: one retry, then the 401 stands
        assert (await client.fetch(request)).status == 401
        assert state["seen"][3:] == ["Bearer tok-2", "Bearer tok-3"]
        assert tokens.calls == 3
    finally:
        await http.close()


async def test_token_endpoint_down_is_a_coded_error_naming_the_subgraph(
    tokens: TokenServer, subgraph: tuple[str, dict[str, object]]
) -> None:
    url, state = subgraph
    tokens.mode = "error"
    http = HttpClient()
    client = TrustClient(http, TrustConfig(SubgraphTrust(oauth2=settings(tokens))))
    try:
        with pytest.raises(TransportError) as info:
            await client.fetch(SubgraphRequest("products", url, {"query": "{ok}"}))
    finally:
        await http.close()
    assert info.value.code == "SUBGRAPH_AUTH_ERROR"
    assert info.value.message == (
        "HTTP fetch failed from 'products': no OAuth2 token (the token endpoint answered 503)"
    )
    assert state["seen"] == []  # the subgraph never got an unauthenticated call


async def test_an_https_token_endpoint_with_a_private_ca() -> None:
    import ssl

    import trustme

    ca = trustme.CA()
    server_tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1").configure_cert(server_tls)
    async with token_server(server_tls) as server:
        trusted = settings(server, certificate_authorities=ca.cert_pem.bytes().decode())
        assert await TokenSource(trusted).token() == "tok-1"
        with pytest.raises(TokenError) as info:
            await TokenSource(settings(server)).token()  # the system's CAs do not know it
        assert info.value.reason == "the token endpoint's TLS certificate did not verify"
