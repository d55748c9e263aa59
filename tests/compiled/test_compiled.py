"""The optional compiled build (docs/compiled.md), end to end: mypyc builds the hot modules
into a temporary copy of the package, and ``fedgate serve`` from that copy answers the heavy
benchmark query exactly as Apollo Gateway did (``heavy.expected.json``), its subgraphs served
over HTTP from ``bench/recordings/heavy.json``. The same query through the pure-Python tree
is the control, and runs in the default suite.

The build takes minutes on this machine, so the compiled half runs only with
``FEDGATE_TEST_COMPILED=1`` (``make test-compiled``), and where a C compiler is present.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from gateway.compiled import COMPILED, compiled_status
from tests.e2e.processes import ROOT, free_port, listening, running

FIXTURES = ROOT / "tests" / "fixtures"
SUBGRAPHS = ("accounts", "inventory", "products", "reviews")
BUILD_TIMEOUT = 1200  # seconds: mypyc type-checks the package, then gcc compiles the C


def _skip_reason() -> str | None:
    if os.environ.get("FEDGATE_TEST_COMPILED") != "1":
        return "the compiled build takes minutes: run `make test-compiled`"
    if shutil.which("gcc") is None and shutil.which("cc") is None:
        return "no C compiler (gcc or cc) to build the compiled modules with"
    return None


@pytest.fixture(scope="module")
def compiled_tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the package with the ``COMPILED`` modules built in place by ``setup.py``."""
    reason = _skip_reason()
    if reason is not None:
        pytest.skip(reason)
    tree = tmp_path_factory.mktemp("compiled")
    ignore = shutil.ignore_patterns("__pycache__", "*.so")
    shutil.copytree(ROOT / "gateway", tree / "gateway", ignore=ignore)
    for name in ("setup.py", "pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, tree / name)
    build = subprocess.run(
        [sys.executable, "setup.py", "-q", "build_ext", "--inplace"],
        cwd=tree,
        env={**os.environ, "FEDGATE_COMPILE": "1"},
        capture_output=True,
        text=True,
        timeout=BUILD_TIMEOUT,
    )
    assert build.returncode == 0, build.stdout[-4000:] + build.stderr[-4000:]
    return tree


@pytest.fixture(scope="module")
def subgraphs() -> Iterator[dict[str, str]]:
    """The recorded subgraph answers over HTTP (bench/instructions.py's server), and the
    variables that point a gateway there."""
    port = free_port()
    script = ROOT / "bench" / "instructions.py"
    server = subprocess.Popen([sys.executable, str(script), "--serve-recording", str(port)])
    try:
        deadline = time.monotonic() + 30
        while not listening(port):
            assert server.poll() is None, "the recording server exited"
            assert time.monotonic() < deadline, "the recording server did not start"
            time.sleep(0.1)
        base = f"http://127.0.0.1:{port}"
        yield {f"FEDGATE_SUBGRAPH_{n.upper()}_URL": f"{base}/{n}" for n in SUBGRAPHS}
    finally:
        server.terminate()
        server.wait()


def _version(tree: Path) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "gateway", "--version"],
        cwd=tree,
        env={**os.environ, "PYTHONPATH": str(tree)},
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.strip()


def _serve_heavy(tree: Path, env: dict[str, str], log: Path) -> dict[str, object]:
    """The heavy query's response from ``fedgate serve`` run from ``tree``."""
    port = free_port()
    argv = [sys.executable, "-m", "gateway", "serve", "--port", str(port)]
    argv += ["--supergraph", str(FIXTURES / "bench_supergraph.graphql")]
    env = {**env, "PYTHONPATH": str(tree)}
    health = f"http://127.0.0.1:{port}/health"
    with running(argv, health_url=health, env=env, cwd=tree, stderr=log):
        query = (FIXTURES / "heavy.graphql").read_text()
        url = f"http://127.0.0.1:{port}/graphql"
        # twice: the first request plans, the second runs the cached plan
        responses = [httpx.post(url, json={"query": query}, timeout=60) for _ in range(2)]
    assert [r.status_code for r in responses] == [200, 200]
    first, second = (r.json() for r in responses)
    assert first == second
    body: dict[str, object] = first
    return body


def test_pure_python_tree_answers_the_heavy_query(
    subgraphs: dict[str, str], tmp_path: Path
) -> None:
    if compiled_status(ROOT / "gateway").compiled:
        pytest.skip("this tree is built compiled (make build-compiled): not the control")
    assert _version(ROOT).endswith("(pure Python)")
    body = _serve_heavy(ROOT, subgraphs, tmp_path / "serve.log")
    assert body == json.loads((FIXTURES / "heavy.expected.json").read_text())
    assert "fedgate: pure Python" in (tmp_path / "serve.log").read_text()


def test_compiled_tree_answers_the_heavy_query(
    compiled_tree: Path, subgraphs: dict[str, str], tmp_path: Path
) -> None:
    summary = f"compiled modules: {len(COMPILED)} of {len(COMPILED)}"
    status = compiled_status(compiled_tree / "gateway")
    assert status.compiled == COMPILED
    assert status.stale == ()
    assert _version(compiled_tree).endswith(f"({summary})")
    body = _serve_heavy(compiled_tree, subgraphs, tmp_path / "serve.log")
    assert body == json.loads((FIXTURES / "heavy.expected.json").read_text())
    assert f"fedgate: {summary}" in (tmp_path / "serve.log").read_text()


def test_compiled_modules_are_the_extensions(compiled_tree: Path) -> None:
    """Python loads the built extensions, not the sources beside them."""
    probe = "import importlib, json, sys\n"
    probe += "print(json.dumps([importlib.import_module(m).__file__ for m in sys.argv[1:]]))"
    done = subprocess.run(
        [sys.executable, "-c", probe, *COMPILED],
        cwd=compiled_tree,
        env={**os.environ, "PYTHONPATH": str(compiled_tree)},
        capture_output=True,
        text=True,
        check=True,
    )
    files = [Path(f) for f in json.loads(done.stdout)]
    assert all(f.suffix == ".so" and f.is_relative_to(compiled_tree) for f in files), files


def test_a_stale_build_is_reported(compiled_tree: Path) -> None:
    """A source edited after the build: its module is reported stale (the server warns)."""
    source = compiled_tree / "gateway" / "execution" / "merge.py"
    later = time.time() + 60
    original = source.stat()
    os.utime(source, (later, later))
    try:
        status = compiled_status(compiled_tree / "gateway")
        assert status.stale == ("gateway.execution.merge",)
        assert status.summary().endswith(", 1 stale")
    finally:
        os.utime(source, ns=(original.st_atime_ns, original.st_mtime_ns))
