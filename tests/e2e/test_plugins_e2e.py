"""Python plugins and an Apollo Router coprocessor against real processes: ``fedgate serve``
under uvicorn, the echo subgraphs (they answer with the headers they received), and for the
coprocessor a separate uvicorn-served Starlette app speaking Apollo's protocol."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from .processes import free_port, running
from .test_headers_e2e import QUERY, seen, serve, subgraphs

__all__ = ["subgraphs"]  # the fixture, shared with the header tests

PLUGINS_YAML = """\
supergraph:
  listen: 127.0.0.1:{port}
fedgate:
  plugins:
    - path: tests.e2e.sample_plugins:RequireKey
      config: {{header: x-api-key}}
    - path: tests.e2e.sample_plugins:AddHeader
      config: {{name: x-plugin, value: added}}
"""

COPROCESSOR_YAML = """\
supergraph:
  listen: 127.0.0.1:{port}
headers:
  all:
    request:
      - propagate:
          named: x-copro
      - propagate:
          named: x-copro-supergraph
coprocessor:
  url: http://127.0.0.1:COPRO/
  timeout: 5s
  router:
    request:
      headers: true
      body: true
      context: all
    response:
      headers: true
      status_code: true
  supergraph:
    request:
      headers: true
      body: true
    response:
      body: true
  execution:
    request:
      context: all
      query_plan: true
  subgraph:
    all:
      request:
        headers: true
        context: all
        service_name: true
        subgraph_request_id: true
      response:
        body: true
        subgraph_request_id: true
"""
POST_HEADERS = {"content-type": "application/json", "accept": "application/json"}


@pytest.fixture(scope="module")
def plugins_url(subgraphs: Path) -> Iterator[str]:
    yield from serve(subgraphs, PLUGINS_YAML)


@pytest.fixture(scope="module")
def coprocessor_url(subgraphs: Path) -> Iterator[str]:
    port = free_port()
    argv = [sys.executable, "-m", "tests.e2e.coprocessor_app", "--port", str(port)]
    with running(argv, health_url=f"http://127.0.0.1:{port}/health"):
        yield from serve(subgraphs, COPROCESSOR_YAML.replace("COPRO", str(port)))


def post(url: str, headers: dict[str, str] | None = None) -> httpx.Response:
    body = {"query": f"query Both {QUERY}", "operationName": "Both"}
    return httpx.post(url, json=body, headers={**POST_HEADERS, **(headers or {})})


def test_a_plugin_adds_a_header_every_subgraph_receives(plugins_url: str) -> None:
    response = post(plugins_url, {"x-api-key": "k"})
    assert response.status_code == 200
    assert seen(response, "a")["x-plugin"] == "added"
    assert seen(response, "b")["x-plugin"] == "added"
    assert response.headers["x-key-checked"] == "yes"  # the response hook


def test_a_plugin_rejects_a_request_with_its_code_and_status(plugins_url: str) -> None:
    response = post(plugins_url)
    assert response.status_code == 401
    body = response.json()
    assert body == {
        "errors": [{"message": "x-api-key is required", "extensions": {"code": "UNAUTHENTICATED"}}]
    }
    assert response.headers["x-request-id"]


def test_a_coprocessor_adds_headers_and_context_at_router_and_subgraph_stages(
    coprocessor_url: str,
) -> None:
    response = post(coprocessor_url, {"x-tenant": "acme"})
    assert response.status_code == 200, response.text
    # RouterRequest added x-copro to the client's headers; the header rule propagated it
    assert seen(response, "a")["x-copro"] == "router"
    # SubgraphRequest read the context entry RouterRequest set, and the service name
    assert seen(response, "a")["x-copro-subgraph"] == "acme@a"
    assert seen(response, "b")["x-copro-subgraph"] == "acme@b"
    # SubgraphResponse changed the body, and saw the id its SubgraphRequest had
    assert seen(response, "a")["x-copro-linked"] == "yes"
    assert seen(response, "b")["x-copro-linked"] == "yes"
    # ExecutionRequest saw the query plan (two root fetches, in parallel), set a context entry
    assert seen(response, "a")["x-copro-plan"] == "Parallel"
    assert response.headers["x-copro-response"] == "200"  # RouterResponse
    # SupergraphRequest saw the GraphQL request as an object; SupergraphResponse the response
    assert seen(response, "b")["x-copro-supergraph"] == "Both"
    assert response.json()["extensions"] == {"coprocessor": "seen"}


def test_a_coprocessor_break_at_the_router_stage_answers_its_status_and_body(
    coprocessor_url: str,
) -> None:
    response = post(coprocessor_url, {"x-deny": "1"})
    assert response.status_code == 401
    assert response.json()["errors"][0]["extensions"]["code"] == "ERR_DENIED"


def test_a_coprocessor_break_at_the_subgraph_stage_stops_the_subgraph_calls(
    coprocessor_url: str,
) -> None:
    response = post(coprocessor_url, {"x-deny-subgraph": "1"})
    body = response.json()
    assert body["data"] is None
    codes = {e["extensions"]["code"] for e in body["errors"]}
    assert codes == {"COPROCESSOR_BREAK", "SUBREQUEST_HTTP_ERROR"}, body
