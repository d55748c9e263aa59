"""The demo as ``make run`` starts it (``fedgate dev``), as a real process on loopback ports,
and the README's example operations."""

from __future__ import annotations

import contextlib
import re
import subprocess
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from subgraphs import SERVICE_NAMES, default_port

from .processes import ROOT, fedgate, free_port_block, running

README = ROOT / "README.md"

_GRAPHQL_BLOCK = re.compile(r"^[ \t]*```graphql[ \t]*\n(.*?)^[ \t]*```", re.MULTILINE | re.DOTALL)


def readme_graphql_blocks(path: Path = README) -> list[str]:
    """The ```graphql blocks of the README, in order."""
    return _GRAPHQL_BLOCK.findall(path.read_text(encoding="utf-8"))


def subgraph_url_env(gateway_port: int) -> dict[str, str]:
    """``FEDGATE_SUBGRAPH_<NAME>_URL`` for each service where ``fedgate dev --port
    gateway_port`` starts it. The committed supergraph routes to 127.0.0.1:4001..4005, and
    ``fedgate dev`` does not point the gateway at the services it moved, so the test does."""
    return {
        f"FEDGATE_SUBGRAPH_{name.upper()}_URL": (
            f"http://127.0.0.1:{default_port(name, gateway_port)}/graphql"
        )
        for name in SERVICE_NAMES
    }


@dataclass(frozen=True)
class Demo:
    port: int
    process: subprocess.Popen[bytes]
    stdout: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/graphql"

    @property
    def token(self) -> str:
        """The demo token ``fedgate dev`` printed (user 1, ``orders:write``)."""
        found = re.search(r"^  token +(\S+)$", self.stdout.read_text(), re.MULTILINE)
        assert found is not None, self.stdout.read_text()
        return found.group(1)

    @property
    def jwks_url(self) -> str:
        """The URL ``fedgate dev`` printed for its JWKS (the gateway's configured JWKS)."""
        found = re.search(r"^  jwks +(\S+)$", self.stdout.read_text(), re.MULTILINE)
        assert found is not None, self.stdout.read_text()
        return found.group(1)

    def signed_in(self) -> dict[str, str]:
        return {"authorization": f"Bearer {self.token}"}

    @property
    def ports(self) -> list[int]:
        """The gateway's port and every service's."""
        return [self.port] + [default_port(name, self.port) for name in SERVICE_NAMES]

    def post(
        self,
        query: str,
        variables: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> dict[str, Any]:
        """POST one operation over HTTP; the JSON body of a 200 answer."""
        payload: dict[str, Any] = {"query": query}
        if variables is not None:
            payload["variables"] = dict(variables)
        response = httpx.post(self.url, json=payload, headers=dict(headers or {}), timeout=30)
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body


@contextlib.contextmanager
def start_demo(workdir: Path, env: Mapping[str, str] | None = None) -> Iterator[Demo]:
    """``python -m gateway dev`` on six free consecutive ports (gateway first), with its
    SQLite files in ``workdir/data`` (fresh demo data) and its stdout in
    ``workdir/stdout.txt``. Yields once the gateway's ``/health`` answers, which is after
    every service's (``fedgate dev`` starts the gateway last). ``env``: more environment
    variables for it (``PATH`` without nats-server, say)."""
    port = free_port_block(1 + len(SERVICE_NAMES))
    stdout = workdir / "stdout.txt"
    argv = fedgate("dev", "--port", str(port), "--data-dir", str(workdir / "data"))
    with running(
        argv,
        health_url=f"http://127.0.0.1:{port}/health",
        env={**subgraph_url_env(port), **(env or {})},
        stdout=stdout,
        timeout=90,
    ) as process:
        yield Demo(port, process, stdout)
