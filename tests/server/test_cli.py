"""``fedgate serve``: argument parsing, load failures, and a real server with two workers."""

from __future__ import annotations

import argparse
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from gateway.server.cli import register

ROOT = Path(__file__).resolve().parents[2]
SUPERGRAPH = ROOT / "tests" / "fixtures" / "bench_supergraph.graphql"


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="fedgate")
    register(p.add_subparsers(dest="command"))
    return p


def test_serve_arguments() -> None:
    args = parser().parse_args(
        ["serve", "--supergraph", "s.graphql", "--port", "5000", "--workers", "3"]
    )
    # no --host: the config's supergraph.listen (default 127.0.0.1:4000) decides
    assert (args.supergraph, args.host, args.port, args.workers, args.config, args.dev) == (
        "s.graphql",
        None,
        5000,
        3,
        None,
        False,
    )
    assert callable(args.func)


def run_serve(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    args = parser().parse_args(["serve", *argv])
    code = args.func(args)
    return code, capsys.readouterr().err


def test_missing_supergraph_exits_1_with_a_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, err = run_serve(capsys, "--supergraph", str(tmp_path / "none.graphql"))
    assert code == 1
    assert "cannot read supergraph" in err and "Traceback" not in err


def test_broken_supergraph_exits_1_with_a_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "broken.graphql"
    path.write_text("type Query { a: Int")
    code, err = run_serve(capsys, "--supergraph", str(path))
    assert code == 1
    assert f"cannot load supergraph {path}" in err and "Traceback" not in err


def test_bad_config_exits_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "c.yaml"
    config.write_text("unknown_key: 1\n")
    code, err = run_serve(capsys, "--supergraph", str(SUPERGRAPH), "--config", str(config))
    assert code == 1
    assert "unknown config key" in err


def test_config_naming_an_unknown_subgraph_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "c.yaml"
    config.write_text("subgraphs:\n  acounts:\n    url: http://x\n")
    code, err = run_serve(capsys, "--supergraph", str(SUPERGRAPH), "--config", str(config))
    assert code == 1
    assert "unknown subgraph(s) acounts" in err and "accounts" in err


def test_a_plugin_that_cannot_load_exits_1_with_a_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "c.yaml"
    config.write_text("fedgate:\n  plugins:\n    - path: nowhere.mod:Plugin\n")
    code, err = run_serve(capsys, "--supergraph", str(SUPERGRAPH), "--config", str(config))
    assert code == 1
    assert "cannot load 'nowhere.mod:Plugin'" in err and "Traceback" not in err


def test_bad_worker_count_exits_1(capsys: pytest.CaptureFixture[str]) -> None:
    code, err = run_serve(capsys, "--supergraph", str(SUPERGRAPH), "--workers", "0")
    assert code == 1 and "--workers" in err


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


def _workers(parent: int) -> list[int]:
    """uvicorn's worker processes under ``parent`` (not multiprocessing's resource tracker)."""
    children = Path(f"/proc/{parent}/task/{parent}/children").read_text().split()
    out = []
    for pid in map(int, children):
        try:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            continue
        if b"resource_tracker" not in cmdline:
            out.append(pid)
    return out


def test_serves_over_http_with_two_workers() -> None:
    port = free_port()
    code = (
        "import sys; from gateway.server.run import serve; "
        f"sys.exit(serve({str(SUPERGRAPH)!r}, '127.0.0.1', {port}, workers=2))"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(
        [sys.executable, "-c", code], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    try:
        url = f"http://127.0.0.1:{port}"
        ready = False
        for _ in range(600):  # wait (up to 30 s) for startup; not a timing assertion
            try:
                ready = httpx.get(f"{url}/health?ready").status_code == 200
            except httpx.TransportError:
                ready = False
            if ready or proc.poll() is not None:
                break
            time.sleep(0.05)
        assert ready, proc.stdout.read().decode() if proc.poll() is not None and proc.stdout else ""
        r = httpx.post(f"{url}/graphql", json={"query": "{ __typename }"})
        assert r.status_code == 200
        assert r.json() == {"data": {"__typename": "Query"}}
        assert r.headers["content-type"].startswith("application/graphql-response+json")
        # a worker that dies is replaced
        workers = _workers(proc.pid)
        assert len(workers) == 2
        os.kill(workers[0], signal.SIGKILL)
        for _ in range(600):  # wait (up to 30 s) for the replacement; not a timing assertion
            now = _workers(proc.pid)
            if len(now) == 2 and workers[0] not in now:
                break
            time.sleep(0.05)
        assert len(now) == 2 and workers[0] not in now
        assert httpx.post(f"{url}/graphql", json={"query": "{ __typename }"}).status_code == 200
    finally:
        proc.terminate()
        proc.wait(timeout=20)
        if proc.stdout:
            proc.stdout.close()
