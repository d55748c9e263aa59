"""The demo end to end, as ``make run`` runs it: ``python -m gateway dev`` starts the five
example services and the gateway as real processes on loopback ports; the README's example
query and mutation run over HTTP; Ctrl-C (SIGINT to the process group, as a terminal sends
it) stops every process.

The tests share one demo, started once for the module (a start costs several seconds), and
run in file order like a session at the terminal: the README query sees the seeded stock
before the mutations order some of it, and Ctrl-C comes last."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import jwt
import pytest

from subgraphs import SERVICE_NAMES

from .demo import Demo, readme_graphql_blocks, start_demo
from .processes import listening

# the gateway, its five services and (events: the demo's NATS feed) nats-server if installed
DEMO_PROCESSES = 1 + len(SERVICE_NAMES) + (shutil.which("nats-server") is not None)

UNITS_AVAILABLE = """query ($upc: String!) { product(upc: $upc) { unitsAvailable } }"""

PLACE_ORDER = """mutation ($input: PlaceOrderInput!) {
  placeOrder(input: $input) { id itemCount lines { quantity product { upc } } }
}"""


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    with start_demo(tmp_path_factory.mktemp("demo")) as running_demo:
        yield running_demo


def units_available(demo: Demo, upc: str) -> int:
    body = demo.post(UNITS_AVAILABLE, {"upc": upc})
    assert "errors" not in body, body
    count: int = body["data"]["product"]["unitsAvailable"]
    return count


def test_prints_the_urls(demo: Demo) -> None:
    out = demo.stdout.read_text()
    assert f"fedgate   http://127.0.0.1:{demo.port}/graphql" in out
    for index, name in enumerate(SERVICE_NAMES, start=1):
        assert f"subgraph {name:<10} http://127.0.0.1:{demo.port + index}/graphql" in out
    assert "Ctrl-C stops everything." in out


def test_serves_its_jwks_over_http(demo: Demo) -> None:
    """The JWKS the gateway authenticates with is served over HTTP on loopback, like an
    IdP's, and holds the key that verifies the printed token."""
    url = demo.jwks_url
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+/\.well-known/jwks\.json", url), url
    response = httpx.get(url, timeout=10)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    [key] = response.json()["keys"]
    assert key["kid"] == jwt.get_unverified_header(demo.token)["kid"]
    public = jwt.PyJWK(key).key
    claims = jwt.decode(demo.token, public, algorithms=["RS256"], issuer="fedgate-dev")
    assert claims["sub"] == "1" and claims["scope"] == "orders:write"
    assert httpx.get(url.replace("jwks.json", "other"), timeout=10).status_code == 404
    # the gateway trusts that key: the token signs a client in
    body = demo.post("{ me { name } }", headers=demo.signed_in())
    assert body == {"data": {"me": {"name": "Ada Lovelace"}}}


def test_serves_graphiql_to_browsers(demo: Demo) -> None:
    """What a browser opening the printed URL gets (the page itself is driven in
    test_graphiql_browser.py): GraphiQL, with its assets from the gateway, not a CDN."""
    accept = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    page = httpx.get(demo.url, headers={"accept": accept}, timeout=10)
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assets = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    assert "/graphiql/static/graphiql.min.js" in assets
    for asset in assets:
        assert asset.startswith("/"), asset
        served = httpx.get(f"http://127.0.0.1:{demo.port}{asset}", timeout=10)
        assert served.status_code == 200, asset
        assert len(served.content) > 1000, asset


def test_readme_example_query(demo: Demo) -> None:
    query = readme_graphql_blocks()[0]
    body = demo.post(query, headers={"Apollo-Expose-Query-Plan": "true"})
    assert "errors" not in body, body
    assert body["data"] == {
        "topProducts": [
            {
                "upc": "1",
                "name": "Table",
                "price": 89900,
                "inStock": True,
                "shippingEstimate": 1999,
                "unitsAvailable": 10,
                "reviews": [
                    {
                        "body": "Solid oak, seats six. Worth every cent.",
                        "author": {"username": "ada", "name": "Ada Lovelace"},
                    },
                    {
                        "body": "Sturdy, but assembly took an afternoon.",
                        "author": {"username": "alan", "name": "Alan Turing"},
                    },
                ],
            },
            {
                "upc": "2",
                "name": "Couch",
                "price": 129900,
                "inStock": True,
                "shippingEstimate": 0,
                "unitsAvailable": 2,
                "reviews": [
                    {
                        "body": "The comfiest couch I have debugged on.",
                        "author": {"username": "grace", "name": "Grace Hopper"},
                    }
                ],
            },
        ]
    }
    # The answer came through the services the README says it crosses.
    plan = body["extensions"]["apolloQueryPlan"]["text"]
    for name in SERVICE_NAMES:
        assert f'Fetch(service: "{name}")' in plan, plan


def test_products_takes_only_requests_the_gateway_signed(demo: Demo) -> None:
    """Both ends of a signed call: the gateway signs what it sends products (HMAC), and
    products, behind ``VerifySignatures``, refuses a request that was not signed."""
    from subgraphs import default_port

    products = f"http://127.0.0.1:{default_port('products', demo.port)}"
    direct = httpx.post(products + "/graphql", json={"query": "{ __typename }"}, timeout=10)
    assert direct.status_code == 401
    assert direct.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert httpx.get(products + "/health", timeout=10).status_code == 200
    body = demo.post("{ topProducts(first: 2) { upc name } }")
    assert "errors" not in body and len(body["data"]["topProducts"]) == 2


def test_readme_mutation_places_an_order(demo: Demo) -> None:
    mutation = readme_graphql_blocks()[1]
    assert mutation.lstrip().startswith("mutation") and "placeOrder" in mutation
    before = units_available(demo, "1")
    # without the demo token the mutation is removed before planning: nothing is ordered
    refused = demo.post(mutation)
    assert refused["data"] is None
    assert refused["errors"][0]["extensions"]["code"] == "UNAUTHORIZED_FIELD_OR_TYPE"
    assert units_available(demo, "1") == before
    body = demo.post(mutation, headers=demo.signed_in())
    assert "errors" not in body, body
    order = body["data"]["placeOrder"]
    assert order["buyer"] == {"username": "grace"}
    assert order["lines"] == [
        {"quantity": 2, "product": {"name": "Table", "shippingEstimate": 1999}}
    ]
    # The order is stored by orders and resolved across services on a later request.
    again = demo.post(
        "query ($id: ID!) { order(id: $id) { buyer { name } lines { product { name } } } }",
        {"id": order["id"]},
        demo.signed_in(),
    )
    assert again == {
        "data": {
            "order": {"buyer": {"name": "Grace Hopper"}, "lines": [{"product": {"name": "Table"}}]}
        }
    }
    assert units_available(demo, "1") == before - 2


def test_readme_signed_in_query_with_and_without_the_token(demo: Demo) -> None:
    query = readme_graphql_blocks()[2]
    assert "me" in query
    anonymous = demo.post(query)
    assert anonymous["data"] == {"me": None, "topProducts": [{"name": "Table"}]}
    assert [e["path"] for e in anonymous["errors"]] == [["me"]]
    signed_in = demo.post(query, headers=demo.signed_in())
    assert "errors" not in signed_in, signed_in
    assert signed_in["data"]["me"]["name"] == "Ada Lovelace"
    assert isinstance(signed_in["data"]["me"]["orders"], list)


def test_order_beyond_stock_fails_and_changes_nothing(demo: Demo) -> None:
    available = units_available(demo, "6")
    assert available > 0
    fits = {"buyerId": "1", "lines": [{"upc": "6", "quantity": 1}]}
    placed = demo.post(PLACE_ORDER, {"input": fits}, demo.signed_in())
    assert "errors" not in placed, placed
    assert placed["data"]["placeOrder"]["itemCount"] == 1
    assert placed["data"]["placeOrder"]["lines"] == [{"quantity": 1, "product": {"upc": "6"}}]
    left = available - 1
    assert units_available(demo, "6") == left

    too_many = {"buyerId": "1", "lines": [{"upc": "6", "quantity": left + 1}]}
    body: dict[str, Any] = demo.post(PLACE_ORDER, {"input": too_many}, demo.signed_in())
    assert body["data"] is None
    [error] = body["errors"]
    assert error["path"] == ["placeOrder"]
    assert error["extensions"]["code"] == "INSUFFICIENT_STOCK"
    assert error["extensions"]["shortages"] == [
        {"upc": "6", "requested": left + 1, "available": left}
    ]
    assert units_available(demo, "6") == left


def process_group(pgid: int) -> list[int]:
    """The live processes of process group ``pgid`` (zombies excluded)."""
    members = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue  # exited meanwhile
        # pid (comm) state ppid pgrp ...: comm may hold spaces, so split after its ")".
        state, _ppid, pgrp = stat.rsplit(")", 1)[1].split()[:3]
        if int(pgrp) == pgid and state != "Z":
            members.append(int(entry.name))
    return members


@pytest.mark.skipif(not Path("/proc/self/stat").is_file(), reason="needs Linux /proc")
def test_ctrl_c_stops_everything(demo: Demo) -> None:
    """Last in the module: it stops the shared demo."""
    pgid = demo.process.pid
    # The gateway and its five services, all in the group a terminal would signal.
    assert len(process_group(pgid)) == DEMO_PROCESSES
    assert all(listening(port) for port in demo.ports)

    os.killpg(pgid, signal.SIGINT)
    try:
        status = demo.process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        pytest.fail("fedgate dev did not exit within 30 s of Ctrl-C")
    assert status == 0
    # A service the gateway did not stop would outlive it; give stragglers a moment.
    for _ in range(50):
        if not process_group(pgid):
            break
        time.sleep(0.1)
    assert process_group(pgid) == []
    assert [port for port in demo.ports if listening(port)] == []


@pytest.mark.skipif(not Path("/proc/self/stat").is_file(), reason="needs Linux /proc")
def test_sigterm_to_fedgate_dev_stops_its_services(tmp_path: Path) -> None:
    """What a process manager sends (to the main process only, not the group): the services
    must not be orphaned, keeping their ports."""
    with start_demo(tmp_path) as own:
        pgid = own.process.pid
        assert len(process_group(pgid)) == DEMO_PROCESSES
        own.process.send_signal(signal.SIGTERM)
        try:
            status = own.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            pytest.fail("fedgate dev did not exit within 30 s of SIGTERM")
        assert status == 128 + signal.SIGTERM
        for _ in range(50):
            if not process_group(pgid):
                break
            time.sleep(0.1)
        assert process_group(pgid) == []
        assert [port for port in own.ports if listening(port)] == []
