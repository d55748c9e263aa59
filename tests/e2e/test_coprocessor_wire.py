"""Apollo Router's coprocessor wire format, field by field, against real processes: ``fedgate
serve`` under uvicorn, the echo subgraphs, and a scripted coprocessor (its own uvicorn) that
records every payload and answers as each test says (``scripted_coprocessor.py``)."""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest

from .processes import free_port, running
from .test_headers_e2e import QUERY, serve, subgraphs

__all__ = ["subgraphs"]

FULL_YAML = """\
supergraph:
  listen: 127.0.0.1:{port}
coprocessor:
  url: http://127.0.0.1:COPRO/
  timeout: 1s
  router:
    request: {headers: true, body: true, context: all, sdl: true, path: true, method: true}
    response:
      headers: true
      body: true
      status_code: true
      context: {selective: [kept]}
  supergraph:
    request:
      url: http://127.0.0.1:COPRO/supergraph
      headers: true
      body: true
      context: all
      method: true
    response: {headers: true, body: true, context: all, status_code: true}
  execution:
    request: {headers: true, body: true, context: all, method: true, query_plan: true}
    response: {body: true, status_code: true}
  subgraph:
    all:
      request:
        headers: true
        body: true
        context: all
        uri: true
        method: true
        service_name: true
        subgraph_request_id: true
      response:
        headers: true
        body: true
        context: all
        status_code: true
        service_name: true
        subgraph_request_id: true
"""
POST_HEADERS = {"content-type": "application/json", "accept": "application/json"}
ORDER = [
    "RouterRequest",
    "SupergraphRequest",
    "ExecutionRequest",
    "SubgraphRequest",
    "SubgraphRequest",
    "SubgraphResponse",
    "SubgraphResponse",
    "ExecutionResponse",
    "SupergraphResponse",
    "RouterResponse",
]


@pytest.fixture(scope="module")
def copro() -> Iterator[str]:
    port = free_port()
    argv = [sys.executable, "-m", "tests.e2e.scripted_coprocessor", "--port", str(port)]
    with running(argv, health_url=f"http://127.0.0.1:{port}/health"):
        yield f"http://127.0.0.1:{port}"


@pytest.fixture(scope="module")
def gateway(subgraphs: Path, copro: str) -> Iterator[str]:
    yield from serve(subgraphs, config_text(FULL_YAML, copro))


def config_text(yaml: str, copro: str) -> str:
    """``yaml`` for ``serve`` (which fills in ``{port}``), pointing at the coprocessor."""
    escaped = yaml.replace("{", "{{").replace("}", "}}").replace("{{port}}", "{port}")
    return escaped.replace("COPRO", copro.rsplit(":", 1)[1])


def script(copro: str, rules: dict[str, Any]) -> None:
    httpx.put(f"{copro}/script", json=rules).raise_for_status()


def received(copro: str) -> list[dict[str, Any]]:
    seen: list[dict[str, Any]] = httpx.get(f"{copro}/seen").json()
    return seen


def post(url: str, headers: dict[str, str] | None = None) -> httpx.Response:
    body = {"query": f"query Both {QUERY}", "operationName": "Both"}
    return httpx.post(url, json=body, headers={**POST_HEADERS, **(headers or {})}, timeout=10)


def by_stage(seen: list[dict[str, Any]], stage: str) -> list[dict[str, Any]]:
    return [p for p in seen if p["stage"] == stage]


def test_every_stage_sends_apollos_fields(gateway: str, copro: str) -> None:
    script(copro, {})
    response = post(f"{gateway}?trace=1", {"x-tenant": "acme"})
    assert response.status_code == 200, response.text
    seen = received(copro)
    assert [p["stage"] for p in seen] == ORDER, (seen, response.text)
    request_id = response.headers["x-request-id"]
    for payload in seen:
        assert payload["version"] == 1 and payload["control"] == "continue"
        assert payload["id"] == request_id
        assert payload["_accept"] == "application/json"
    [router] = by_stage(seen, "RouterRequest")
    assert router["headers"]["x-tenant"] == ["acme"]
    assert orjson.loads(router["body"])["operationName"] == "Both"  # JSON text at this stage
    assert router["path"] == "/graphql?trace=1" and router["method"] == "POST"
    assert "type Query" in router["sdl"] and router["context"] == {"entries": {}}
    [supergraph] = by_stage(seen, "SupergraphRequest")
    assert supergraph["_path"] == "/supergraph"  # the stage's own url
    assert supergraph["body"]["query"].startswith("query Both")  # an object at this stage
    assert supergraph["method"] == "POST" and "sdl" not in supergraph
    [execution] = by_stage(seen, "ExecutionRequest")
    plan = execution["queryPlan"]
    assert plan["root"]["kind"] == "Parallel"
    assert plan["formatted_query_plan"].startswith("QueryPlan {")
    requests = by_stage(seen, "SubgraphRequest")
    responses = by_stage(seen, "SubgraphResponse")
    assert {p["serviceName"] for p in requests} == {"a", "b"}
    for call in requests:
        assert call["method"] == "POST" and call["uri"].endswith("/graphql")
        assert call["body"]["query"].startswith("query")
    ids = {p["serviceName"]: p["subgraphRequestId"] for p in requests}
    assert len(set(ids.values())) == 2
    for result in responses:
        assert result["subgraphRequestId"] == ids[result["serviceName"]]
        assert result["statusCode"] == 200 and "data" in result["body"]
        assert "content-type" in result["headers"]
    for stage in ("ExecutionResponse", "SupergraphResponse"):
        [answer] = by_stage(seen, stage)
        assert answer["statusCode"] == 200 and "a" in answer["body"]["data"]
    [last] = by_stage(seen, "RouterResponse")
    assert last["statusCode"] == 200 and "a" in orjson.loads(last["body"])["data"]


def test_a_get_sends_an_empty_body_and_the_operation_in_the_path(gateway: str, copro: str) -> None:
    script(copro, {})
    headers = {"accept": "application/json", "apollo-require-preflight": "1"}
    response = httpx.get(gateway, params={"query": QUERY}, headers=headers)
    assert response.status_code == 200, response.text
    [router] = by_stage(received(copro), "RouterRequest")
    assert router["method"] == "GET" and router["body"] == ""
    assert router["path"].startswith("/graphql?query=")


def test_a_header_sent_on_several_lines_is_sent_with_every_value(gateway: str, copro: str) -> None:
    script(copro, {})
    body = {"query": f"query Both {QUERY}"}
    headers = [*POST_HEADERS.items(), ("x-multi", "1"), ("x-multi", "2")]
    assert httpx.post(gateway, json=body, headers=headers, timeout=10).status_code == 200
    [router] = by_stage(received(copro), "RouterRequest")
    assert router["headers"]["x-multi"] == ["1", "2"]


def test_context_entries_are_merged_and_sent_selectively(gateway: str, copro: str) -> None:
    script(
        copro,
        {
            "RouterRequest": {"entries": {"kept": "router", "other": 1}},
            # an answer without an entry leaves it: Apollo merges, it does not replace
            "SupergraphRequest": {"merge": {"context": {"entries": {"added": True}}}},
        },
    )
    assert post(gateway).status_code == 200
    seen = received(copro)
    for call in by_stage(seen, "SubgraphRequest"):
        assert call["context"]["entries"] == {"kept": "router", "other": 1, "added": True}
    [last] = by_stage(seen, "RouterResponse")
    assert last["context"] == {"entries": {"kept": "router"}}  # context: {selective: [kept]}


def test_a_router_request_break_answers_its_status_body_and_headers(
    gateway: str, copro: str
) -> None:
    body = {"errors": [{"message": "Not authenticated.", "extensions": {"code": "ERR_AUTH"}}]}
    merge = {
        "control": {"break": 401},
        "body": orjson.dumps(body).decode(),  # JSON text, as at Apollo's router stages
        "headers": {"www-authenticate": ["Bearer"], "content-length": ["999"]},
    }
    script(copro, {"RouterRequest": {"merge": merge}})
    response = post(gateway)
    assert response.status_code == 401
    assert response.json() == body
    assert response.headers["www-authenticate"] == "Bearer"
    assert [p["stage"] for p in received(copro)] == ["RouterRequest"]


def test_a_break_with_a_text_body_is_the_message_of_one_error(gateway: str, copro: str) -> None:
    script(copro, {"SupergraphRequest": {"merge": {"control": {"break": 403}, "body": "No."}}})
    response = post(gateway)
    assert response.status_code == 403
    [error] = response.json()["errors"]
    assert error == {"message": "No.", "extensions": {"code": "COPROCESSOR_BREAK"}}


def test_a_response_stage_break_sets_the_status_and_keeps_the_response(
    gateway: str, copro: str
) -> None:
    script(copro, {"RouterResponse": {"merge": {"control": {"break": 418}}}})
    response = post(gateway)
    assert response.status_code == 418
    assert set(response.json()["data"]) == {"a", "b"}


def test_a_subgraph_request_break_answers_for_that_subgraph(gateway: str, copro: str) -> None:
    errors = {"errors": [{"message": "refused", "extensions": {"code": "ERR_SUB"}}]}
    script(copro, {"SubgraphRequest": {"merge": {"control": {"break": 200}, "body": errors}}})
    response = post(gateway)
    body = response.json()
    assert body["data"] is None
    assert "ERR_SUB" in {e["extensions"]["code"] for e in body["errors"]}
    assert not by_stage(received(copro), "SubgraphResponse")  # the subgraphs were not called


def test_a_changed_request_body_and_headers_reach_the_subgraph(gateway: str, copro: str) -> None:
    new_query = "query Changed { a: echoA { name value } }"
    script(
        copro,
        {
            "RouterRequest": {"merge": {"body": orjson.dumps({"query": new_query}).decode()}},
            "SubgraphRequest": {"merge": {"headers": {"x-from-copro": ["1", "2"]}}},
        },
    )
    response = post(gateway)
    assert response.status_code == 200, response.text
    data = response.json()["data"]
    assert set(data) == {"a"}
    seen_headers = {h["name"]: h["value"] for h in data["a"]}
    assert seen_headers["x-from-copro"] == "1, 2"


@pytest.mark.parametrize(
    "rule",
    [
        {"status": 500},
        {"raw": "not json"},
        {"drop": ["version"]},
        {"merge": {"version": 2}},
        {"merge": {"stage": "SubgraphRequest"}},
        {"drop": ["control"]},
        {"merge": {"id": "another"}},
        {"merge": {"control": {"break": 1000}}},
        {"merge": {"body": "{not json"}},
        {"merge": {"headers": {"x": 1}}},
    ],
    ids=lambda r: orjson.dumps(r).decode(),
)
def test_a_failed_exchange_answers_coprocessor_error(
    gateway: str, copro: str, rule: dict[str, Any]
) -> None:
    script(copro, {"RouterRequest": rule})
    response = post(gateway)
    body = response.json()
    assert body["data"] is None
    assert body["errors"][0]["extensions"]["code"] == "COPROCESSOR_ERROR", body
    assert "127.0.0.1" not in response.text


@pytest.mark.parametrize(
    "stage, rule",
    [
        ("SubgraphRequest", {"merge": {"serviceName": "other"}}),
        ("SubgraphRequest", {"merge": {"subgraphRequestId": "other"}}),
        ("SubgraphResponse", {"merge": {"body": {"neither": "data nor errors"}}}),
        ("SupergraphResponse", {"drop": ["version"]}),
    ],
)
def test_a_failed_exchange_at_later_stages_is_an_error_too(
    gateway: str, copro: str, stage: str, rule: dict[str, Any]
) -> None:
    script(copro, {stage: rule})
    body = post(gateway).json()
    codes = {e["extensions"]["code"] for e in body["errors"]}
    assert "COPROCESSOR_ERROR" in codes, body


def test_a_2xx_answer_other_than_200_is_accepted(gateway: str, copro: str) -> None:
    script(copro, {"RouterRequest": {"status": 201}})
    assert post(gateway).status_code == 200


def test_a_coprocessor_slower_than_the_timeout_fails_at_the_timeout(
    gateway: str, copro: str
) -> None:
    script(copro, {"RouterRequest": {"sleep": 3}})
    started = time.monotonic()
    body = post(gateway).json()
    assert time.monotonic() - started < 2.5  # timeout: 1s
    assert body["errors"][0]["extensions"]["code"] == "COPROCESSOR_ERROR"


CONDITIONS_YAML = """\
supergraph:
  listen: 127.0.0.1:{port}
coprocessor:
  url: http://localhost:COPRO/
  client:
    dns_resolution_strategy: ipv4_only
    experimental_http2: disable
  router:
    request:
      headers: true
      condition:
        eq:
          - request_header: should-execute-copro
          - enabled
  subgraph:
    all:
      request:
        service_name: true
        condition:
          all:
            - eq: [{subgraph_name: true}, a]
            - not:
                exists: {supergraph_request_header: x-skip}
      response:
        service_name: true
        status_code: true
        condition:
          any:
            - gt: [{subgraph_response_status: code}, 299]
            - eq: [{subgraph_response_header: x-missing, default: absent}, absent]
"""


@pytest.fixture(scope="module")
def conditional(subgraphs: Path, copro: str) -> Iterator[str]:
    # localhost with ipv4_only: the coprocessor listens on 127.0.0.1 only
    yield from serve(subgraphs, config_text(CONDITIONS_YAML, copro))


def test_a_condition_decides_whether_the_router_stage_is_called(
    conditional: str, copro: str
) -> None:
    script(copro, {})
    assert post(conditional).status_code == 200
    assert not by_stage(received(copro), "RouterRequest")
    script(copro, {})
    assert post(conditional, {"should-execute-copro": "enabled"}).status_code == 200
    [router] = by_stage(received(copro), "RouterRequest")
    assert router["headers"]["should-execute-copro"] == ["enabled"]


def test_subgraph_conditions_read_the_subgraph_and_the_clients_headers(
    conditional: str, copro: str
) -> None:
    script(copro, {})
    assert post(conditional).status_code == 200
    seen = received(copro)
    assert [p["serviceName"] for p in by_stage(seen, "SubgraphRequest")] == ["a"]
    # the response condition holds for both (no x-missing header: its default)
    assert sorted(p["serviceName"] for p in by_stage(seen, "SubgraphResponse")) == ["a", "b"]
    script(copro, {})
    assert post(conditional, {"x-skip": "1"}).status_code == 200
    assert not by_stage(received(copro), "SubgraphRequest")


DETACHED_YAML = """\
supergraph:
  listen: 127.0.0.1:{port}
coprocessor:
  url: http://127.0.0.1:COPRO/
  timeout: 5s
  router:
    request:
      detached: true
      headers: true
  subgraph:
    all:
      request:
        detached: false
        service_name: true
"""


@pytest.fixture(scope="module")
def detached(subgraphs: Path, copro: str) -> Iterator[str]:
    yield from serve(subgraphs, config_text(DETACHED_YAML, copro))


def test_a_detached_stage_is_not_waited_for_and_its_answer_not_applied(
    detached: str, copro: str
) -> None:
    # a slow answer that would stop the request, were it waited for
    rule = {"sleep": 3, "merge": {"control": {"break": 401}}}
    script(copro, {"RouterRequest": rule})
    started = time.monotonic()
    response = post(detached)
    assert time.monotonic() - started < 2.5
    assert response.status_code == 200 and set(response.json()["data"]) == {"a", "b"}
    seen = received(copro)
    assert [p["stage"] for p in seen].count("RouterRequest") == 1  # it was sent
    assert len(by_stage(seen, "SubgraphRequest")) == 2  # detached: false is waited for
