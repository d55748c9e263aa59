"""The example services and a gateway in front of them, as real processes, for the
telemetry tests."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path

from subgraphs import SERVICE_NAMES
from tests.e2e.processes import ROOT, fedgate, free_port, running

SUPERGRAPH = ROOT / "schema" / "supergraph.graphql"
TOP_PRODUCTS = (ROOT / "subgraphs" / "examples" / "top_products.graphql").read_text()


@contextlib.contextmanager
def services(workdir: Path, env: Mapping[str, str]) -> Iterator[dict[str, str]]:
    """The five example services on free ports; FEDGATE_SUBGRAPH_<NAME>_URL for each."""
    urls: dict[str, str] = {}
    with contextlib.ExitStack() as stack:
        for name in SERVICE_NAMES:
            port = free_port()
            argv = [sys.executable, "-m", f"subgraphs.{name}", "--port", str(port)]
            argv += ["--db", str(workdir / f"{name}.sqlite3"), "--log-level", "warning"]
            health = f"http://127.0.0.1:{port}/health"
            stack.enter_context(running(argv, health_url=health, env=env, timeout=60))
            urls[f"FEDGATE_SUBGRAPH_{name.upper()}_URL"] = f"http://127.0.0.1:{port}/graphql"
        yield urls


@contextlib.contextmanager
def gateway(config: str, workdir: Path, env: Mapping[str, str], *args: str) -> Iterator[str]:
    """``fedgate serve`` with ``config`` (YAML text); yields its base URL."""
    path = workdir / "router.yaml"
    path.write_text(config)
    port = free_port()
    argv = fedgate("serve", "--supergraph", str(SUPERGRAPH), "--config", str(path))
    argv += ["--port", str(port), *args]
    base = f"http://127.0.0.1:{port}"
    stderr = workdir / "gateway.stderr"
    stdout = workdir / "gateway.stdout"
    health = base + "/health"
    with running(argv, health_url=health, env=env, timeout=60, stderr=stderr, stdout=stdout):
        yield base
