"""docs/plugins.md and docs/coprocessor.md: their configuration examples load, and the plugin
example's code, written to a module as a user would, does what the page says."""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from gateway.cli import main
from gateway.config import load_config
from gateway.server import create_app
from gateway.transport.local import LocalClient
from tests.e2e.processes import ROOT
from tests.execution.domain import accounts_app, fake_supergraph
from tests.execution.exec_subgraphs import StaticPlanner
from tests.lifecycle.test_context import ME, PLANS, HeaderEcho

HEADERS = {"content-type": "application/json", "accept": "application/json"}


def _block(page: str, language: str) -> str:
    found = re.search(rf"```{language}\n(.*?)```", (ROOT / "docs" / page).read_text(), re.S)
    assert found is not None, f"no {language} block in docs/{page}"
    return found.group(1)


@pytest.fixture
def myplugins(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    (tmp_path / "myplugins.py").write_text(_block("plugins.md", "python"))
    monkeypatch.syspath_prepend(str(tmp_path))
    yield tmp_path
    sys.modules.pop("myplugins", None)


@pytest.mark.anyio
async def test_the_plugins_page_example_runs(myplugins: Path) -> None:
    path = myplugins / "router.yaml"
    path.write_text(_block("plugins.md", "yaml"))
    config = load_config(path, environ={})
    assert [p.path for p in config.plugins] == [
        "myplugins:RequireApiKey",
        "myplugins:TagSubgraphCalls",
    ]
    echo = HeaderEcho(accounts_app())
    app = create_app(
        fake_supergraph(),
        config=config,
        client=LocalClient({"accounts": echo}),
        planner=StaticPlanner(PLANS),
    )
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://gw") as client:
        refused = await client.post("/graphql", json={"query": ME}, headers=HEADERS)
        allowed = await client.post(
            "/graphql", json={"query": ME}, headers={**HEADERS, "x-api-key": "k"}
        )
    assert refused.status_code == 401
    assert refused.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert allowed.json() == {"data": {"me": {"name": "Ada"}}}
    [seen] = echo.seen
    assert seen["x-gateway-plugin"] == "tagged"


def test_the_coprocessor_page_example_loads(tmp_path: Path) -> None:
    path = tmp_path / "router.yaml"
    path.write_text(_block("coprocessor.md", "yaml"))
    copro = load_config(path, environ={}).coprocessor
    assert copro is not None and copro.url == "http://127.0.0.1:8081/" and copro.timeout == 2.0
    assert copro.router_request and copro.router_request.sent == {
        "headers",
        "body",
        "context",
        "path",
        "method",
    }
    assert copro.subgraph_response and copro.subgraph_response.sent == {
        "headers",
        "body",
        "context",
        "status_code",
        "service_name",
    }
    assert copro.supergraph_request and copro.supergraph_request.sent == {
        "headers",
        "body",
        "context",
    }
    assert copro.supergraph_response and copro.supergraph_response.sent == {
        "headers",
        "body",
        "status_code",
    }
    assert copro.execution_request and copro.execution_request.sent == {"context", "query_plan"}
    assert main(["config", "validate", str(path)]) == 0


def test_the_coprocessor_conditions_example_loads(tmp_path: Path) -> None:
    from gateway.config.conditions import evaluate
    from gateway.plugins.coprocessor_wire import StageFacts

    text = (ROOT / "docs" / "coprocessor.md").read_text()
    blocks = re.findall(r"```yaml\n(.*?)```", text, re.S)
    path = tmp_path / "router.yaml"
    path.write_text(blocks[1])
    copro = load_config(path, environ={}).coprocessor
    assert copro is not None and copro.supergraph_request is not None
    assert copro.supergraph_request.url == "http://127.0.0.1:8082/"
    sub = copro.subgraph_request
    assert sub is not None and sub.condition is not None
    facts = {"subgraph_name": "products", "supergraph_request_header": {}}
    assert evaluate(sub.condition, StageFacts(**facts))
    facts["supergraph_request_header"] = {"x-internal": "1"}
    assert not evaluate(sub.condition, StageFacts(**facts))
