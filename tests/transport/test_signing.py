"""Signed subgraph requests, both ends for real: the gateway's HTTP client with the trust
wrapper, against uvicorn-served subgraphs behind ``VerifySignatures`` (HMAC) or a SigV4 check
that recomputes the signature from the request as received."""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import orjson
import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from gateway.signing.scheme import HmacSigner, request_target
from gateway.signing.verify import VerifySignatures
from gateway.transport.asgi import Receive, Scope, Send, read_body
from gateway.transport.base import SubgraphRequest, TransportError
from gateway.transport.http import HttpClient
from gateway.transport.trust import (
    HmacSettings,
    SigV4Settings,
    SubgraphTrust,
    TrustClient,
    TrustConfig,
)
from tests.e2e.trust_servers import uvicorn_server

pytestmark = pytest.mark.anyio

KEYS = {"gw-old": "old-secret", "gw-new": "new-secret"}


async def ok(scope: Scope, receive: Receive, send: Send) -> None:
    body = await read_body(receive, 1 << 20)
    payload = orjson.dumps({"data": {"got": orjson.loads(body or b"{}")}})
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": payload})


@pytest.fixture
async def verified() -> AsyncIterator[str]:
    app = VerifySignatures(ok, keys=KEYS, exempt_paths=("/health",))
    async with uvicorn_server(app) as port:
        yield f"http://127.0.0.1:{port}/graphql?tenant=a"


async def send(client: Any, url: str, body: dict[str, Any]) -> tuple[int, Any]:
    response = await client.fetch(SubgraphRequest("s", url, body))
    return response.status, orjson.loads(response.body)


@pytest.mark.parametrize("key_id", ["gw-old", "gw-new"])  # a rotation: both keys are valid
async def test_signed_requests_pass_the_verifier(verified: str, key_id: str) -> None:
    http = HttpClient()
    trust = SubgraphTrust(hmac=HmacSettings(key_id, KEYS[key_id]))
    client = TrustClient(http, TrustConfig(trust))
    try:
        assert await send(client, verified, {"query": "{a}"}) == (
            200,
            {"data": {"got": {"query": "{a}"}}},
        )
    finally:
        await http.close()


async def test_unsigned_wrong_or_tampered_requests_are_refused(verified: str) -> None:
    import httpx

    async with httpx.AsyncClient() as http:
        missing = await http.post(verified, json={"query": "{a}"})
        assert missing.status_code == 401
        assert missing.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
        body = b'{"query":"{a}"}'
        good = HmacSigner("gw-new", "new-secret").headers("POST", verified, body)
        assert (await http.post(verified, content=body, headers=dict(good))).status_code == 200
        cases = {
            "does not match": (b'{"query":"{b}"}', dict(good)),  # body changed in transit
            "unknown key id": (body, {**good, "x-fedgate-key-id": "gw-gone"}),
            "timestamp outside the allowed window": (
                body,
                dict(HmacSigner("gw-new", "new-secret").headers("POST", verified, body))
                | {"x-fedgate-timestamp": str(int(time.time()) - 3600)},
            ),
        }
        for problem, (content, headers) in cases.items():
            r = await http.post(verified, content=content, headers=headers)
            assert r.status_code == 401
            assert r.json()["errors"][0]["message"] == f"request signature: {problem}"
        wrong_secret = HmacSigner("gw-new", "guess").headers("POST", verified, body)
        r = await http.post(verified, content=body, headers=dict(wrong_secret))
        assert r.status_code == 401
        other_path = verified.replace("tenant=a", "tenant=b")  # the query string is signed
        r = await http.post(other_path, content=body, headers=dict(good))
        assert r.status_code == 401
        health = await http.post(verified.split("/graphql")[0] + "/health", content=b"{}")
        assert health.status_code == 200  # exempt


def test_request_target() -> None:
    assert request_target("https://h:1/graphql?x=1") == "/graphql?x=1"
    assert request_target("http://h") == "/"


CREDENTIALS = ("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")


async def sigv4_check(scope: Scope, receive: Receive, send: Send) -> None:
    """Recomputes the SigV4 signature of the request as received with the known keys."""
    body = await read_body(receive, 1 << 20) or b""
    headers = {k.decode(): v.decode() for k, v in scope["headers"]}
    signed_names = headers["authorization"].split("SignedHeaders=")[1].split(",")[0].split(";")
    url = f"http://{headers['host']}{scope['path']}"
    request = AWSRequest(
        method=scope["method"],
        url=url,
        data=body,
        headers={k: headers[k] for k in signed_names if k != "host"},
    )
    # botocore's lower-level steps, at the request's own time (add_auth would use "now")
    request.context["timestamp"] = headers["x-amz-date"]
    auth = SigV4Auth(Credentials(*CREDENTIALS), "lambda", "eu-west-1")
    text = auth.string_to_sign(request, auth.canonical_request(request))
    valid = headers["authorization"].endswith("Signature=" + auth.signature(text, request))
    valid = valid and headers["x-amz-content-sha256"] == hashlib.sha256(body).hexdigest()
    payload = orjson.dumps({"data": {"valid": valid, "signed": sorted(signed_names)}})
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": payload})


async def test_sigv4_signature_verifies_with_the_same_keys() -> None:
    settings = SigV4Settings("eu-west-1", "lambda", None, *CREDENTIALS)
    async with uvicorn_server(sigv4_check) as port:
        http = HttpClient()
        client = TrustClient(http, TrustConfig(SubgraphTrust(sigv4=settings, compression="gzip")))
        try:
            status, body = await send(client, f"http://127.0.0.1:{port}/graphql", {"query": "{a}"})
        finally:
            await http.close()
    assert status == 200
    assert body["data"]["valid"] is True
    # the body's encoding and digest are part of what is signed
    assert {"content-encoding", "content-type", "host", "x-amz-content-sha256"} <= set(
        body["data"]["signed"]
    )


def test_the_signature_is_the_documented_one() -> None:
    """docs/signing.md, computed here from the text of the spec, not with fedgate's code."""
    import hmac

    body = b'{"query":"{ me { id } }"}'
    headers = HmacSigner("gw-1", "s3cret").headers("POST", "https://h/graphql?v=2", body)
    assert set(headers) == {"x-fedgate-key-id", "x-fedgate-timestamp", "x-fedgate-signature"}
    timestamp = headers["x-fedgate-timestamp"]
    assert abs(int(timestamp) - time.time()) < 5
    lines = ["FEDGATE-HMAC-SHA256", "gw-1", "POST", "/graphql?v=2", timestamp]
    text = "\n".join([*lines, hashlib.sha256(body).hexdigest()]).encode()
    expected = hmac.new(b"s3cret", text, hashlib.sha256).hexdigest()
    assert headers["x-fedgate-signature"] == "v1=" + expected


@pytest.fixture
def aws_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> pytest.MonkeyPatch:
    """An environment where botocore's default chain sees only what the test sets: no files,
    no instance metadata service, no container credentials."""
    for name in list(os.environ):
        if name.startswith("AWS_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    return monkeypatch


async def test_sigv4_default_chain_takes_the_environments_keys(aws_env: pytest.MonkeyPatch) -> None:
    aws_env.setenv("AWS_ACCESS_KEY_ID", CREDENTIALS[0])
    aws_env.setenv("AWS_SECRET_ACCESS_KEY", CREDENTIALS[1])
    settings = SigV4Settings("eu-west-1", "lambda")  # default_chain
    async with uvicorn_server(sigv4_check) as port:
        http = HttpClient()
        client = TrustClient(http, TrustConfig(SubgraphTrust(sigv4=settings)))
        try:
            status, body = await send(client, f"http://127.0.0.1:{port}/graphql", {"query": "{a}"})
        finally:
            await http.close()
    assert (status, body["data"]["valid"]) == (200, True)


async def test_sigv4_without_credentials_is_a_coded_error(aws_env: pytest.MonkeyPatch) -> None:
    http = HttpClient()
    client = TrustClient(http, TrustConfig(SubgraphTrust(sigv4=SigV4Settings("eu-west-1", "s"))))
    request = SubgraphRequest("reviews", "http://127.0.0.1:9/graphql", {"query": "{a}"})
    try:
        for _ in range(2):  # the second comes within the retry window and fails at once
            with pytest.raises(TransportError) as info:
                await client.fetch(request)
            assert info.value.code == "SUBGRAPH_AUTH_ERROR"
            assert info.value.message == (
                "HTTP fetch failed from 'reviews': no AWS credentials to sign with"
            )
    finally:
        await http.close()
