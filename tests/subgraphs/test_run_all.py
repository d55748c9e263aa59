"""start_all / run_all start the five services as processes and stop them all; the
running graph answers the example operations through Apollo Gateway (when installed)."""

import json
import os
import random
import re
import signal
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from subgraphs import SERVICE_NAMES
from subgraphs import __main__ as subgraphs_main
from subgraphs.run_all import RunningSubgraphs, StartupError, run_all, start_all
from subgraphs.schema_files import SCHEMA_DIR, compose_unavailable_reason, default_node_modules

REPO_ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = REPO_ROOT / "subgraphs" / "examples"


def free_base_port() -> int:
    """A base port that, with the five ports after it, is free on 127.0.0.1."""
    for _ in range(50):
        # below Linux's ephemeral range (32768-60999): a probe of a port in it can connect
        # to itself while the service is still starting
        base = random.randrange(20000, 32000)
        sockets = []
        try:
            for port in range(base, base + 6):
                probe = socket.socket()
                sockets.append(probe)
                probe.bind(("127.0.0.1", port))
        except OSError:
            continue
        finally:
            for probe in sockets:
                probe.close()
        return base
    raise RuntimeError("no six free consecutive ports")


def post(url: str, query: str, headers: dict[str, str] | None = None) -> Any:
    request = urllib.request.Request(
        url,
        data=json.dumps({"query": query}).encode(),
        headers={"content-type": "application/json", **(headers or {})},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


@pytest.fixture(scope="module")
def graph(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[int, RunningSubgraphs]]:
    """All five services, started once for this module."""
    base = free_base_port()
    with start_all(base_port=base, data_dir=tmp_path_factory.mktemp("graph") / "data") as running:
        yield base, running


def test_start_all_serves_every_service(graph: tuple[int, RunningSubgraphs]) -> None:
    base, running = graph
    assert list(running.urls) == list(SERVICE_NAMES)
    assert running.urls["accounts"] == f"http://127.0.0.1:{base + 1}/graphql"
    assert running.urls["orders"] == f"http://127.0.0.1:{base + 5}/graphql"
    for name, url in running.urls.items():
        with urllib.request.urlopen(url.replace("/graphql", "/health"), timeout=5) as reply:
            assert json.loads(reply.read()) == {"status": "ok", "service": name}
    answer = post(running.urls["products"], '{ product(upc: "1") { name } }')
    assert answer == {"data": {"product": {"name": "Table"}}}
    data_dir = running.services[0].db.parent
    assert sorted(path.name for path in data_dir.glob("*.sqlite3")) == sorted(
        f"{name}.sqlite3" for name in SERVICE_NAMES
    )
    assert running.exited() == []


def test_stop_ends_the_processes(tmp_path: Path) -> None:
    running = start_all(base_port=free_base_port(), data_dir=tmp_path, services=["accounts"])
    running.stop()
    assert [service.name for service in running.exited()] == ["accounts"]
    running.stop()  # idempotent


def test_start_all_refuses_a_taken_port(tmp_path: Path) -> None:
    base = free_base_port()
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", base + 3))
        squatter.listen()
        with pytest.raises(StartupError, match=rf"inventory \({base + 3}\)"):
            start_all(base_port=base, data_dir=tmp_path)
    assert not tmp_path.joinpath("accounts.sqlite3").exists()  # nothing was started


def test_run_all_runs_until_sigterm(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    base = free_base_port()
    health: list[int] = []

    def check_then_terminate(running: RunningSubgraphs) -> None:
        with urllib.request.urlopen(f"http://127.0.0.1:{base + 1}/health", timeout=5) as reply:
            health.append(reply.status)
        os.kill(os.getpid(), signal.SIGTERM)  # as `kill` or `docker stop` would
        time.sleep(5)  # the handler interrupts this at once

    previous = signal.getsignal(signal.SIGTERM)
    started = time.monotonic()
    status = run_all(
        base_port=base, data_dir=tmp_path, services=["accounts"], on_ready=check_then_terminate
    )
    assert status == 0
    assert health == [200]
    assert time.monotonic() - started < 5
    assert signal.getsignal(signal.SIGTERM) == previous  # handler restored
    # The service stopped with it: its port is free again.
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        probe.bind(("127.0.0.1", base + 1))
    assert (tmp_path / "accounts.sqlite3").is_file()
    out = capsys.readouterr().out
    assert f"accounts   http://127.0.0.1:{base + 1}/graphql" in out
    assert "All services are up" in out


def test_run_all_reports_a_startup_failure(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    assert run_all(base_port=free_base_port(), data_dir=blocker, services=["orders"]) == 1
    assert "error: orders exited with status" in capsys.readouterr().err


def test_python_m_subgraphs_arguments(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[Any, ...]] = []

    def fake_run_all(*args: Any) -> int:
        calls.append(args)
        return 0

    monkeypatch.setattr(subgraphs_main, "run_all", fake_run_all)
    monkeypatch.setenv("FEDGATE_DATA_DIR", "/tmp/elsewhere")
    assert subgraphs_main.main(["--base-port", "5000", "--host", "::1"]) == 0
    assert calls == [("::1", 5000, "/tmp/elsewhere")]


def apollo_gateway_unavailable() -> str | None:
    reason = compose_unavailable_reason()
    if reason is None and not (default_node_modules() / "@apollo" / "gateway").is_dir():
        reason = f"@apollo/gateway is not installed in {default_node_modules()}"
    return reason


APOLLO_SKIP_REASON = apollo_gateway_unavailable()


def without_security_features(supergraph: str) -> str:
    """Apollo Gateway refuses a supergraph with ``for: SECURITY`` features it cannot enforce
    (only Apollo Router enforces @authenticated and @requiresScopes): the reference runs the
    examples on the supergraph without them."""
    lines = [line for line in supergraph.splitlines() if "for: SECURITY" not in line]
    text = "\n".join(lines) + "\n"
    text = re.sub(r"^directive @(authenticated|requiresScopes)\b.*\n", "", text, flags=re.M)
    text = re.sub(r"^scalar requiresScopes__Scope\n+", "", text, flags=re.M)
    text = re.sub(r" ?@requiresScopes\(scopes: \[\[[^\]]*\]\]\)", "", text)
    return re.sub(r"^ *@authenticated\n| @authenticated\b", "", text, flags=re.M)


@pytest.mark.node
@pytest.mark.skipif(APOLLO_SKIP_REASON is not None, reason=f"{APOLLO_SKIP_REASON}")
def test_examples_through_apollo_gateway(
    graph: tuple[int, RunningSubgraphs], tmp_path: Path
) -> None:
    """The reference gateway runs the README examples over the committed supergraph."""
    base, _ = graph
    supergraph = without_security_features((SCHEMA_DIR / "supergraph.graphql").read_text())
    for port in range(4001, 4006):
        supergraph = supergraph.replace(f"127.0.0.1:{port}/", f"127.0.0.1:{base + port - 4000}/")
    (tmp_path / "supergraph.graphql").write_text(supergraph)
    bench = default_node_modules().parent
    gateway = subprocess.Popen(
        ["node", str(bench / "peers" / "apollo-gateway.mjs")],
        cwd=bench,
        env={
            **os.environ,
            "SUPERGRAPH": str(tmp_path / "supergraph.graphql"),
            "HOST": "127.0.0.1",
            "PORT": str(base),
        },
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert gateway.stdout is not None
        first_line = gateway.stdout.readline()
        assert "ready" in first_line, first_line + gateway.stdout.read()
        url = f"http://127.0.0.1:{base}/graphql"
        headers = {"apollo-require-preflight": "1"}

        top = post(url, (EXAMPLES / "top_products.graphql").read_text(), headers)
        assert "errors" not in top, top
        table, couch = top["data"]["topProducts"]
        assert table == {
            "upc": "1",
            "name": "Table",
            "price": 89900,
            "inStock": True,
            "shippingEstimate": 1999,
            "unitsAvailable": 10,
            "averageRating": 4.5,
            "reviews": [
                {
                    "rating": 5,
                    "body": "Solid oak, seats six. Worth every cent.",
                    "author": {"username": "ada", "name": "Ada Lovelace"},
                },
                {
                    "rating": 4,
                    "body": "Sturdy, but assembly took an afternoon.",
                    "author": {"username": "alan", "name": "Alan Turing"},
                },
            ],
        }
        assert couch["shippingEstimate"] == 0  # free from 1000.00

        placed = post(url, (EXAMPLES / "place_order.graphql").read_text(), headers)
        assert "errors" not in placed, placed
        order = placed["data"]["placeOrder"]
        assert order["buyer"] == {"username": "grace"}
        assert order["itemCount"] == 3
        assert order["lines"] == [
            {
                "quantity": 2,
                "product": {
                    "name": "Table",
                    "price": 89900,
                    "shippingEstimate": 1999,
                    "unitsAvailable": 8,
                },
            },
            {
                "quantity": 1,
                "product": {
                    "name": "Desk Lamp",
                    "price": 2999,
                    "shippingEstimate": 699,
                    "unitsAvailable": 19,
                },
            },
        ]

        too_many = post(
            url,
            'mutation { placeOrder(input: {buyerId: "1", lines: [{upc: "2", quantity: 3}]})'
            " { id } }",
            headers,
        )
        assert too_many["data"] is None
        assert too_many["errors"][0]["extensions"]["code"] == "INSUFFICIENT_STOCK"
    finally:
        gateway.terminate()
        gateway.communicate(timeout=10)
