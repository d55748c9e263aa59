"""Trust between gateway and subgraphs against real processes: ``fedgate serve`` with a
router.yaml in front of uvicorn-served subgraphs, with certificates made by trustme and tokens
from a real token endpoint the test starts.

- ``a``: HTTPS that requires a client certificate (mutual TLS), verifies the fedgate HMAC
  signature and takes gzip request bodies; the gateway adds an OAuth2 token;
- ``b``: HTTPS with a certificate from a CA nobody configured: ``SUBGRAPH_TLS_ERROR``;
- ``c``: plain HTTP behind an OAuth2 token endpoint that fails: ``SUBGRAPH_AUTH_ERROR``.
"""

from __future__ import annotations

import json
import ssl
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import trustme

from gateway.composition import compose
from gateway.composition.model import CompositionSuccess, SubgraphSource
from gateway.signing.verify import VerifySignatures
from gateway.transport.compression import DecompressRequests
from tests.transport.token_server import CLIENT_ID, CLIENT_SECRET, TokenServer, token_server

from .echo_subgraph import EchoApp, federation_sdl
from .processes import fedgate, free_port, running
from .trust_servers import LoopThread, WireEncoding, loop_thread, uvicorn_server

HMAC_SECRET = "hmac-secret-for-tests"
ROUTER_YAML = """\
supergraph:
  listen: 127.0.0.1:{port}
include_subgraph_errors:
  all: true
tls:
  subgraph:
    all:
      certificate_authorities: ${{file.{ca}}}
    subgraphs:
      a:
        certificate_authorities: ${{file.{ca}}}
        client_authentication:
          certificate_chain: ${{file.{chain}}}
          key: ${{file.{key}}}
traffic_shaping:
  subgraphs:
    a:
      compression: gzip
fedgate:
  subgraph_tls:
    all:
      min_version: "1.2"
  subgraph_auth:
    subgraphs:
      a:
        oauth2:
          token_url: {good_tokens}
          client_id: {client_id}
          client_secret: ${{env.TEST_OAUTH2_SECRET}}
          scopes: [graph.read]
        hmac:
          key_id: gw-1
          secret: ${{env.TEST_HMAC_SECRET}}
      c:
        oauth2:
          token_url: {bad_tokens}
          client_id: {client_id}
          client_secret: ${{env.TEST_OAUTH2_SECRET}}
          timeout: 1s
          retry_after_failure: 100ms
"""
QUERY = "{ a: echoA { name value } b: echoB { name value } c: echoC { name value } }"


class World:
    def __init__(self, url: str, good: TokenServer, bad: TokenServer) -> None:
        self.url, self.good, self.bad = url, good, bad


def _subgraph_apps() -> dict[str, Any]:
    a = VerifySignatures(
        WireEncoding(DecompressRequests(EchoApp("echoA"))), keys={"gw-1": HMAC_SECRET}
    )
    return {"a": a, "b": EchoApp("echoB"), "c": EchoApp("echoC")}


def _start(
    loop: LoopThread, work: Path, server_ca: trustme.CA, client_ca: trustme.CA
) -> dict[str, str]:
    apps = _subgraph_apps()
    leaf = work / "server.pem"
    server_ca.issue_cert("127.0.0.1").private_key_and_cert_chain_pem.write_to_path(str(leaf))
    rogue = work / "rogue.pem"
    trustme.CA().issue_cert("127.0.0.1").private_key_and_cert_chain_pem.write_to_path(str(rogue))
    client_ca_file = work / "client-ca.pem"
    client_ca.cert_pem.write_to_path(str(client_ca_file))
    mtls = {
        "ssl_certfile": str(leaf),
        "ssl_keyfile": str(leaf),
        "ssl_ca_certs": str(client_ca_file),
        "ssl_cert_reqs": ssl.CERT_REQUIRED,
    }
    ports = {
        "a": loop.enter(uvicorn_server(apps["a"], **mtls)),
        "b": loop.enter(uvicorn_server(apps["b"], ssl_certfile=str(rogue), ssl_keyfile=str(rogue))),
        "c": loop.enter(uvicorn_server(apps["c"])),
    }
    scheme = {"a": "https", "b": "https", "c": "http"}
    return {name: f"{scheme[name]}://127.0.0.1:{port}/graphql" for name, port in ports.items()}


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    work = tmp_path_factory.mktemp("trust")
    server_ca, client_ca = trustme.CA(), trustme.CA()
    with loop_thread() as loop:
        urls = _start(loop, work, server_ca, client_ca)
        good = loop.enter(token_server())
        bad = loop.enter(token_server())
        bad.mode = "error"
        sources = [
            SubgraphSource(name, url, _nullable(federation_sdl(f"echo{name.upper()}")))
            for name, url in urls.items()
        ]
        result = compose(sources)
        assert isinstance(result, CompositionSuccess), result
        supergraph = work / "supergraph.graphql"
        supergraph.write_text(result.supergraph_sdl)
        files = {"ca": work / "ca.pem", "chain": work / "chain.pem", "key": work / "key.pem"}
        server_ca.cert_pem.write_to_path(str(files["ca"]))
        client = client_ca.issue_cert("gateway.internal")
        files["chain"].write_bytes(b"".join(b.bytes() for b in client.cert_chain_pems))
        client.private_key_pem.write_to_path(str(files["key"]))
        port = free_port()
        config = work / "router.yaml"
        config.write_text(
            ROUTER_YAML.format(
                port=port,
                good_tokens=good.url,
                bad_tokens=bad.url,
                client_id=CLIENT_ID,
                **{k: str(v) for k, v in files.items()},
            )
        )
        env = {"TEST_OAUTH2_SECRET": CLIENT_SECRET, "TEST_HMAC_SECRET": HMAC_SECRET}
        argv = fedgate("serve", "--supergraph", str(supergraph), "--config", str(config))
        with running(argv, health_url=f"http://127.0.0.1:{port}/health", env=env):
            yield World(f"http://127.0.0.1:{port}/graphql", good, bad)


def _nullable(sdl: str) -> str:
    # a failed subgraph's field is null without nulling the whole response (partial data)
    return sdl.replace("[Header!]!", "[Header!]")


def _headers(entries: list[dict[str, str]]) -> dict[str, str]:
    return {h["name"]: h["value"] for h in entries}


def _codes(body: dict[str, Any]) -> dict[str, tuple[str, str]]:
    return {e["path"][0]: (e["extensions"]["code"], e["message"]) for e in body.get("errors", [])}


def test_mtls_oauth2_hmac_and_gzip_reach_the_subgraph(world: World) -> None:
    r = httpx.post(world.url, json={"query": QUERY}, timeout=30)
    assert r.status_code == 200
    body = r.json()
    assert body["data"] and body["data"]["a"] is not None, body
    seen = _headers(body["data"]["a"])
    assert seen["authorization"] == "Bearer tok-1"
    assert seen["x-fedgate-key-id"] == "gw-1"  # and VerifySignatures let it through
    assert seen["x-wire-encoding"] == "gzip"  # compressed on the wire, decoded by the middleware
    assert world.good.forms[0]["scope"] == "graph.read"
    # more requests reuse the cached token
    for _ in range(3):
        again = httpx.post(world.url, json={"query": "{ echoA { name } }"}, timeout=30)
        assert "errors" not in again.json()
    assert world.good.calls == 1


def test_wrong_certificate_and_failing_token_endpoint_are_coded_partial_errors(
    world: World,
) -> None:
    r = httpx.post(world.url, json={"query": QUERY}, timeout=30)
    body = r.json()
    assert body["data"]["a"] is not None  # partial data: the healthy subgraph still answers
    assert body["data"]["b"] is None and body["data"]["c"] is None
    codes = _codes(body)
    assert codes["b"] == (
        "SUBGRAPH_TLS_ERROR",
        "HTTP fetch failed from 'b': the subgraph's TLS certificate did not verify",
    )
    assert codes["c"] == (
        "SUBGRAPH_AUTH_ERROR",
        "HTTP fetch failed from 'c': no OAuth2 token (the token endpoint answered 503)",
    )
    errors = json.dumps(body["errors"])  # (a's data echoes its own request headers)
    for secret in (CLIENT_SECRET, HMAC_SECRET, "BEGIN", "127.0.0.1", "/oauth/token"):
        assert secret not in errors


def test_a_hanging_token_endpoint_times_out_and_the_gateway_stays_up(world: World) -> None:
    world.bad.mode = "hang"
    try:
        started = time.monotonic()
        r = httpx.post(world.url, json={"query": "{ c: echoC { name } }"}, timeout=30)
        elapsed = time.monotonic() - started
    finally:
        world.bad.mode = "error"
    assert elapsed < 5  # the token request's own timeout (1 s), not the client's
    assert _codes(r.json())["c"] == (
        "SUBGRAPH_AUTH_ERROR",
        "HTTP fetch failed from 'c': no OAuth2 token (the token endpoint timed out)",
    )
    health = httpx.get(world.url.replace("/graphql", "/health"), timeout=5)
    assert health.status_code == 200
    ok = httpx.post(world.url, json={"query": "{ echoA { name } }"}, timeout=30)
    assert "errors" not in ok.json()
