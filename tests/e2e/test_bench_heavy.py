"""End to end on the benchmark's graph: the four Node subgraphs of ../shared/bench, the
supergraph Apollo composed for them, and the heavy query. ``fedgate serve`` must answer
exactly what Apollo Gateway answered (``heavy.expected.json``). Runs where Node and the
benchmark's node_modules are present (``../shared/bench/setup.sh``)."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator

import httpx
import pytest

from .processes import ROOT, fedgate, free_port, running

BENCH = ROOT.parent / "shared" / "bench"
FIXTURES = ROOT / "tests" / "fixtures"

pytestmark = [
    pytest.mark.node,
    pytest.mark.skipif(
        shutil.which("node") is None or not (BENCH / "node_modules").is_dir(),
        reason="needs Node and ../shared/bench/node_modules (run ../shared/bench/setup.sh)",
    ),
]


@pytest.fixture(scope="module")
def gateway_url() -> Iterator[str]:
    sub_port, gw_port = free_port(), free_port()
    subgraphs = f"http://127.0.0.1:{sub_port}"
    env = {
        f"FEDGATE_SUBGRAPH_{name.upper()}_URL": f"{subgraphs}/{name}"
        for name in ("accounts", "inventory", "products", "reviews")
    }
    node = ["node", str(BENCH / "subgraphs" / "server.mjs")]
    serve = fedgate(
        "serve",
        "--supergraph",
        str(FIXTURES / "bench_supergraph.graphql"),
        "--port",
        str(gw_port),
        "--dev",  # query-plan exposure is off in production
    )
    with (
        running(node, health_url=f"{subgraphs}/health", env={"PORT": str(sub_port)}),
        running(serve, health_url=f"http://127.0.0.1:{gw_port}/health", env=env),
    ):
        yield f"http://127.0.0.1:{gw_port}/graphql"


def test_heavy_query_matches_apollo_gateway(gateway_url: str) -> None:
    query = (FIXTURES / "heavy.graphql").read_text()
    response = httpx.post(gateway_url, json={"query": query}, timeout=30)
    assert response.status_code == 200
    body = response.json()
    assert "errors" not in body
    assert body == json.loads((FIXTURES / "heavy.expected.json").read_text())


def test_query_plan_is_exposed_on_request(gateway_url: str) -> None:
    response = httpx.post(
        gateway_url,
        json={"query": "{ topProducts { name inStock } }"},
        headers={"Apollo-Expose-Query-Plan": "true"},
        timeout=30,
    )
    body = response.json()
    assert body["data"]["topProducts"][0]["name"]
    assert 'Fetch(service: "inventory")' in body["extensions"]["apolloQueryPlan"]["text"]
