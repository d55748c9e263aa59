"""Apollo's condition language on coprocessor stages: parsed from a router.yaml, evaluated
against what a stage can see; and the coprocessor client's DNS strategy."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

from gateway.config import CoprocessorConfig, CoprocessorStage, GatewayConfig, load_config
from gateway.config.conditions import evaluate
from gateway.plugins.coprocessor_wire import StageFacts
from tests.e2e.processes import free_port, running

from .test_plugins import post


def condition_of(tmp_path: Path, yaml_condition: str) -> Any:
    text = (
        "coprocessor:\n  url: http://127.0.0.1:1/\n  subgraph:\n    all:\n      response:\n"
        "        condition:\n"
        + "".join(f"          {line}\n" for line in yaml_condition.splitlines())
    )
    path = tmp_path / "router.yaml"
    path.write_text(text)
    copro = load_config(path, environ={}).coprocessor
    assert copro is not None and copro.subgraph_response is not None
    return copro.subgraph_response.condition


FACTS = StageFacts(
    subgraph_name="products",
    subgraph_response_status=503,
    subgraph_response_header={"x-cache": "miss"},
    supergraph_request_header={"content-length": "120"},
    request_context={"tier": "gold"},
    subgraph_on_graphql_error=False,
)


@pytest.mark.parametrize(
    "condition, expected",
    [
        ("eq: [{subgraph_name: true}, products]", True),
        ("eq: [{subgraph_name: true}, reviews]", False),
        ("gt: [{subgraph_response_status: code}, 499]", True),
        ("lt: [{subgraph_response_status: code}, 500]", False),
        ("eq: [{subgraph_response_status: reason}, Service Unavailable]", True),
        ("gt: [{supergraph_request_header: content-length}, 100]", True),  # text vs number
        ("exists: {subgraph_response_header: x-cache}", True),
        ("exists: {subgraph_response_header: X-Other}", False),
        ("eq: [{subgraph_response_header: x-other, default: none}, none]", True),
        ("eq: [{request_context: tier}, gold]", True),
        ("eq: [{subgraph_on_graphql_error: true}, false]", True),
        ("not: {eq: [{subgraph_name: true}, products]}", False),
        ("all: [{eq: [{subgraph_name: true}, products]}, {exists: {request_context: x}}]", False),
        ("any: [{eq: [{subgraph_name: true}, x]}, {eq: [{static: a}, a]}]", True),
        ("eq: [{env: FEDGATE_TEST_NO_SUCH_VARIABLE, default: d}, d]", True),
        ("'false'", False),
    ],
)
def test_conditions_evaluate_like_apollos(tmp_path: Path, condition: str, expected: bool) -> None:
    assert evaluate(condition_of(tmp_path, condition), FACTS) is expected


@pytest.mark.anyio
async def test_dns_strategy_ipv6_only_cannot_reach_an_ipv4_coprocessor() -> None:
    port = free_port()
    argv = [sys.executable, "-m", "tests.e2e.scripted_coprocessor", "--port", str(port)]
    with running(argv, health_url=f"http://127.0.0.1:{port}/health"):
        stage = CoprocessorStage(frozenset({"headers"}))
        for dns, code in (("ipv4_only", None), ("ipv6_only", "COPROCESSOR_ERROR")):
            copro = CoprocessorConfig(
                f"http://127.0.0.1:{port}/", router_request=stage, dns_resolution_strategy=dns
            )
            body = (await post(GatewayConfig(coprocessor=copro))).json()
            found = body["errors"][0]["extensions"]["code"] if "errors" in body else None
            assert found == code, (dns, body)


TYPICAL = """\
coprocessor:
  url: http://127.0.0.1:8081
  timeout: 2s
  router:
    request: {detached: false, headers: true, body: false, context: false, sdl: false,
              path: false, method: false}
    response: {detached: false, headers: true, body: false, context: false, sdl: false,
               status_code: false}
  supergraph:
    request: {detached: false, headers: true, body: false, context: false, sdl: false,
              method: false}
    response: {detached: false, headers: true, body: false, context: false, sdl: false,
               status_code: false}
  execution:
    request: {detached: false, headers: true, body: false, context: false, sdl: false,
              method: false, query_plan: false}
    response: {detached: false, headers: true, body: false, context: false, sdl: false,
               status_code: false}
  subgraph:
    all:
      request: {detached: false, headers: true, body: false, context: false, uri: false,
                method: false, service_name: false, subgraph_request_id: false}
      response: {detached: false, headers: true, body: false, context: false,
                 service_name: false, status_code: false, subgraph_request_id: false}
"""


def test_apollos_typical_coprocessor_config_loads(tmp_path: Path) -> None:
    """Every key of the typical configuration Apollo's coprocessor page shows."""
    path = tmp_path / "router.yaml"
    path.write_text(TYPICAL)
    copro = load_config(path, environ={}).coprocessor
    assert copro is not None and copro.timeout == 2.0
    stages = [
        copro.router_request,
        copro.router_response,
        copro.supergraph_request,
        copro.supergraph_response,
        copro.execution_request,
        copro.execution_response,
        copro.subgraph_request,
        copro.subgraph_response,
    ]
    for stage in stages:
        assert stage is not None and stage.sent == {"headers"} and not stage.detached
