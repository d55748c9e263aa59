"""Header rules, CORS, CSRF and the request id against real processes: ``fedgate serve`` with
a router.yaml under uvicorn, in front of two uvicorn-served subgraphs that answer with the
headers they received (``echo_subgraph.py``)."""

from __future__ import annotations

import json
import os
import select
import sys
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import httpx
import pytest

from gateway.composition import compose
from gateway.composition.model import CompositionSuccess, SubgraphSource

from .echo_subgraph import federation_sdl
from .processes import fedgate, free_port, running

ROUTER_YAML = """\
supergraph:
  listen: 127.0.0.1:{port}
headers:
  all:
    request:
      - propagate:
          named: authorization
      - propagate:
          named: x-tenant
          rename: x-tenant-id
          default: public
      - propagate:
          matching: ^x-trace-.*
      - propagate:
          matching: .*encoding.*
      - insert:
          name: x-gateway
          value: fedgate
      - insert:
          name: x-request-id
          from_context: request_id
      - remove:
          named: x-trace-secret
  subgraphs:
    b:
      request:
        - remove:
            named: authorization
        - insert:
            name: traceparent
            from_context: traceparent
cors:
  allow_credentials: true
  max_age: 10m
  policies:
    - origins: [https://app.example.com]
      match_origins: ["^https://[a-z]+\\\\.example\\\\.org$"]
      expose_headers: [x-request-id]
"""
QUERY = "{ a: echoA { name value } b: echoB { name value } }"
TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"


RESPONSE_YAML = """\
supergraph:
  listen: 127.0.0.1:{port}
headers:
  all:
    response:
      - propagate:
          named: set-cookie
      - propagate:
          named: cache-control
      - propagate:
          matching: ^x-echo-
          algorithm: append
      - insert:
          name: x-served-by
          value: fedgate
"""
CACHE_CONTROL = {"a": "public, max-age=60", "b": "private, max-age=300"}


@pytest.fixture(scope="module")
def subgraphs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The two echo subgraphs, running; yields the supergraph file that routes to them."""
    work = tmp_path_factory.mktemp("headers")
    ports = {"a": free_port(), "b": free_port()}
    sources = [
        SubgraphSource(
            name, f"http://127.0.0.1:{port}/graphql", federation_sdl(f"echo{name.upper()}")
        )
        for name, port in ports.items()
    ]
    result = compose(sources)
    assert isinstance(result, CompositionSuccess), result
    supergraph = work / "supergraph.graphql"
    supergraph.write_text(result.supergraph_sdl)
    with ExitStack() as stack:
        for name, sub_port in ports.items():
            argv = [sys.executable, "-m", "tests.e2e.echo_subgraph", "--port", str(sub_port)]
            argv += ["--field", f"echo{name.upper()}", "--cache-control", CACHE_CONTROL[name]]
            stack.enter_context(running(argv, health_url=f"http://127.0.0.1:{sub_port}/health"))
        yield supergraph


def serve(supergraph: Path, config_text: str) -> Iterator[str]:
    """``fedgate serve`` with ``config_text`` (``{port}`` filled in) over the echo subgraphs."""
    port = free_port()
    config = supergraph.parent / f"router-{port}.yaml"
    config.write_text(config_text.format(port=port))
    argv = fedgate("serve", "--supergraph", str(supergraph), "--config", str(config))
    with running(argv, health_url=f"http://127.0.0.1:{port}/health"):
        yield f"http://127.0.0.1:{port}/graphql"


@pytest.fixture(scope="module")
def gateway_url(subgraphs: Path) -> Iterator[str]:
    yield from serve(subgraphs, ROUTER_YAML)


@pytest.fixture(scope="module")
def response_gateway_url(subgraphs: Path) -> Iterator[str]:
    yield from serve(subgraphs, RESPONSE_YAML)


def seen(response: httpx.Response, subgraph: str) -> dict[str, str]:
    body: dict[str, Any] = response.json()
    assert "errors" not in body, body
    return {h["name"]: h["value"] for h in body["data"][subgraph]}


def test_only_configured_headers_reach_subgraphs_per_subgraph_rules(gateway_url: str) -> None:
    client_headers = {
        "authorization": "Bearer ada",
        "cookie": "session=1",
        "x-trace-id": "t1",
        "x-trace-secret": "hidden",
        "x-other": "nope",
        "x-request-id": "req-42",
        "traceparent": TRACEPARENT,
        "accept-encoding": "x-client-choice",
    }
    r = httpx.post(gateway_url, json={"query": QUERY}, headers=client_headers)
    assert r.status_code == 200
    assert r.headers["x-request-id"] == "req-42"
    a, b = seen(r, "a"), seen(r, "b")
    assert a["authorization"] == "Bearer ada"
    assert a["x-tenant-id"] == "public"  # the default: the client sent no x-tenant
    assert a["x-trace-id"] == "t1" and a["x-gateway"] == "fedgate"
    assert a["x-request-id"] == "req-42"
    for never in ("cookie", "x-other", "x-trace-secret", "x-tenant", "traceparent"):
        assert never not in a, never
    # `matching: .*encoding.*` never copies the client's accept-encoding: hop-by-hop and
    # body headers belong to the transport
    assert a.get("accept-encoding") != "x-client-choice"
    assert a["content-type"] == "application/json"
    # subgraph b: the `all` rules, then its own (authorization removed, traceparent added)
    assert "authorization" not in b and b["x-trace-id"] == "t1"
    assert b["traceparent"] == TRACEPARENT


def test_rename_takes_the_clients_value_and_ids_are_generated(gateway_url: str) -> None:
    r = httpx.post(gateway_url, json={"query": QUERY}, headers={"x-tenant": "acme"})
    a = seen(r, "a")
    assert a["x-tenant-id"] == "acme"
    generated = r.headers["x-request-id"]
    assert len(generated) == 32 and a["x-request-id"] == generated
    assert "authorization" not in a


def test_a_repeated_client_header_reaches_the_subgraph_with_every_value(
    gateway_url: str,
) -> None:
    """As Apollo Router: all the lines of a repeated header are propagated (fedgate sends
    them as one comma-joined line, which HTTP defines as the same), by name and by regex."""
    headers = [
        ("authorization", "Bearer one"),
        ("x-trace-id", "t1"),
        ("authorization", "Bearer two"),
        ("x-trace-id", "t2"),
        ("x-tenant", "acme"),
        ("x-tenant", "beta"),
    ]
    r = httpx.post(gateway_url, json={"query": QUERY}, headers=headers)
    a = seen(r, "a")
    assert a["authorization"] == "Bearer one, Bearer two"
    assert a["x-trace-id"] == "t1, t2"
    assert a["x-tenant-id"] == "acme, beta"


def test_two_clients_never_share_a_subgraph_call(gateway_url: str) -> None:
    """In-flight sharing keys on the outgoing headers: concurrent identical queries with
    different Authorization each see their own."""
    import concurrent.futures

    def ask(token: str) -> str:
        # the delay (propagated by `matching: ^x-trace-.*`) keeps the calls in flight together
        headers = {"authorization": token, "x-trace-delay": "0.3"}
        r = httpx.post(gateway_url, json={"query": QUERY}, headers=headers, timeout=30)
        return seen(r, "a")["authorization"]

    tokens = [f"Bearer user{i % 4}" for i in range(24)]
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(ask, tokens))
    assert answers == tokens


def test_cors_preflight_and_response_headers(gateway_url: str) -> None:
    preflight = httpx.options(
        gateway_url,
        headers={
            "origin": "https://app.example.com",
            "access-control-request-method": "POST",
            "access-control-request-headers": "content-type, authorization",
        },
    )
    assert preflight.status_code == 200
    h = preflight.headers
    assert h["access-control-allow-origin"] == "https://app.example.com"
    assert h["access-control-allow-methods"] == "GET, POST, OPTIONS"
    assert h["access-control-allow-headers"] == "content-type, authorization"  # mirrored
    assert h["access-control-allow-credentials"] == "true"
    assert h["access-control-max-age"] == "600"
    by_regex = httpx.post(
        gateway_url, json={"query": QUERY}, headers={"origin": "https://shop.example.org"}
    )
    assert by_regex.headers["access-control-allow-origin"] == "https://shop.example.org"
    assert by_regex.headers["access-control-expose-headers"] == "x-request-id"
    for stranger in ("https://evil.example.com", "https://a.b.example.org"):
        refused = httpx.options(
            gateway_url, headers={"origin": stranger, "access-control-request-method": "POST"}
        )
        assert "access-control-allow-origin" not in refused.headers, stranger


def test_csrf_prevention_on_get_and_simple_posts(gateway_url: str) -> None:
    blocked = httpx.get(gateway_url, params={"query": QUERY})
    assert blocked.status_code == 400
    assert blocked.json()["errors"][0]["extensions"]["code"] == "CSRF_ERROR"
    form = httpx.post(gateway_url, content=b"query=x", headers={"content-type": "text/plain"})
    assert form.json()["errors"][0]["extensions"]["code"] == "CSRF_ERROR"
    allowed = httpx.get(
        gateway_url, params={"query": QUERY}, headers={"apollo-require-preflight": "true"}
    )
    assert allowed.status_code == 200 and "a" in allowed.json()["data"]
    named = httpx.get(
        gateway_url, params={"query": QUERY}, headers={"x-apollo-operation-name": "Q"}
    )
    assert named.status_code == 200


def test_production_defaults_without_dev(gateway_url: str) -> None:
    intro = httpx.post(gateway_url, json={"query": "{ __schema { queryType { name } } }"})
    assert intro.json()["errors"][0]["extensions"]["code"] == "INTROSPECTION_DISABLED"
    page = httpx.get(gateway_url, headers={"accept": "text/html"})
    assert page.status_code != 200 or "graphiql" not in page.text.lower()
    plan = httpx.post(
        gateway_url, json={"query": QUERY}, headers={"apollo-expose-query-plan": "true"}
    )
    assert "extensions" not in plan.json()


def test_oversized_body_is_refused_with_413(gateway_url: str) -> None:
    big = b'{"query": "' + b" " * 2_100_000 + b'{ a: echoA { name } }"}'
    r = httpx.post(gateway_url, content=big, headers={"content-type": "application/json"})
    assert r.status_code == 413
    assert r.json()["errors"][0]["extensions"]["code"] == "PAYLOAD_TOO_LARGE"


def test_example_config_in_the_docs_is_checked_by_config_validate(tmp_path: Path) -> None:
    config = tmp_path / "router.yaml"
    config.write_text(ROUTER_YAML.format(port=4000))
    import subprocess

    done = subprocess.run(fedgate("config", "validate", str(config)), capture_output=True)
    assert done.returncode == 0, done.stderr.decode()


def test_no_subgraph_response_header_reaches_the_client_without_rules(gateway_url: str) -> None:
    r = httpx.post(gateway_url, json={"query": QUERY})
    assert "set-cookie" not in r.headers and "x-echo-from" not in r.headers
    assert "cache-control" not in r.headers


def test_response_rules_keep_every_cookie_and_the_strictest_cache_control(
    response_gateway_url: str,
) -> None:
    r = httpx.post(response_gateway_url, json={"query": QUERY})
    assert r.status_code == 200 and "errors" not in r.json()
    cookies = sorted(r.headers.get_list("set-cookie"))
    assert cookies == ["echoA=1; Path=/", "echoB=1; Path=/", "seen-echoA=yes", "seen-echoB=yes"]
    # a: public, 60 s; b: private, 300 s → private (one part is), 60 s (the shorter)
    assert r.headers["cache-control"] == "private, max-age=60"
    # `algorithm: append` joins one header from both subgraphs
    assert sorted(r.headers["x-echo-from"].split(", ")) == ["echoA", "echoB"]
    assert r.headers["x-served-by"] == "fedgate"
    # only what subgraph a answers: its own policy
    only_a = httpx.post(response_gateway_url, json={"query": "{ echoA { name } }"})
    assert only_a.headers["cache-control"] == "public, max-age=60"
    assert only_a.headers.get_list("set-cookie") == ["echoA=1; Path=/", "seen-echoA=yes"]


ACCESS_LOG_YAML = """\
supergraph:
  listen: 127.0.0.1:{port}
fedgate:
  access_log:
    enabled: true
    format: json
"""


def access_lines(proc: Any, count: int, timeout: float = 10.0) -> list[dict[str, Any]]:
    """The first ``count`` access log lines on the process's standard error (uvicorn's own
    lines, which are not JSON, are skipped). Read from the descriptor: a buffered reader
    would hold lines that ``select`` cannot see."""
    fd = proc.stderr.fileno()
    text = ""
    while True:
        lines = [json.loads(t) for t in text.splitlines() if t.startswith("{")]
        if len(lines) >= count:
            return lines[:count]
        ready, _, _ = select.select([fd], [], [], timeout)
        assert ready, f"no access log line within {timeout} s; standard error: {text}"
        chunk = os.read(fd, 65536).decode()
        assert chunk, f"the gateway closed its standard error: {text}"
        text += chunk


def test_the_access_log_has_one_json_line_per_request(subgraphs: Path) -> None:
    port = free_port()
    config = subgraphs.parent / f"router-{port}.yaml"
    config.write_text(ACCESS_LOG_YAML.format(port=port))
    argv = fedgate("serve", "--supergraph", str(subgraphs), "--config", str(config))
    url = f"http://127.0.0.1:{port}/graphql"
    with running(argv, health_url=f"http://127.0.0.1:{port}/health") as proc:
        query = "query Both " + QUERY
        headers = {"x-request-id": "log-1", "traceparent": TRACEPARENT}
        r = httpx.post(url, json={"query": query, "operationName": "Both"}, headers=headers)
        assert r.status_code == 200
        only_a = httpx.post(url, json={"query": "{ echoA { name } }"})
        bad = httpx.post(url, json={"query": "{ nope }"})
        assert bad.status_code == 400
        first, second, third = access_lines(proc, 3)
    assert first["request_id"] == "log-1" and first["operation_name"] == "Both"
    assert first["status"] == 200 and first["method"] == "POST" and first["path"] == "/graphql"
    assert first["subgraph_calls"] == 2 and sorted(first["subgraphs"]) == ["a", "b"]
    assert first["client"] == "127.0.0.1"
    assert first["trace_id"] == TRACEPARENT.split("-")[1]
    assert isinstance(first["duration_ms"], float) and first["duration_ms"] > 0
    assert second["request_id"] == only_a.headers["x-request-id"]
    assert second["subgraph_calls"] == 1 and second["subgraphs"] == ["a"]
    assert second["operation_name"] is None and "trace_id" not in second
    assert third["status"] == 400 and third["subgraph_calls"] == 0
