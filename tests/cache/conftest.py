"""Fixtures of the entity cache's tests: the two counting subgraphs (one uvicorn process),
the supergraph composed from them, and ``fedgate serve`` processes with a router.yaml."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from gateway.composition import compose
from gateway.composition.model import CompositionSuccess, SubgraphSource
from tests.e2e.processes import fedgate, free_port, running

from .subgraph_app import ACCOUNTS_SDL, PRODUCTS_SDL

SHARED_KEY = "s3cret"


@dataclass
class Subgraphs:
    url: str
    supergraph: Path

    def calls(self) -> dict[str, int]:
        found: dict[str, int] = httpx.get(f"{self.url}/calls").json()
        return found

    def control(self, **change: Any) -> None:
        httpx.post(f"{self.url}/control", json=change).raise_for_status()


@dataclass
class Gateway:
    url: str
    invalidation: str

    def query(self, query: str, **headers: str) -> httpx.Response:
        response = httpx.post(self.url, json={"query": query}, headers=headers, timeout=10)
        assert response.status_code == 200, response.text
        return response

    def data(self, query: str, **headers: str) -> Any:
        body = self.query(query, **headers).json()
        assert "errors" not in body, body
        return body["data"]

    def invalidate(self, requests: Any, key: str = SHARED_KEY) -> httpx.Response:
        return httpx.post(self.invalidation, json=requests, headers={"authorization": key})


@pytest.fixture(scope="module")
def subgraphs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Subgraphs]:
    work = tmp_path_factory.mktemp("entity-cache")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    sources = [
        SubgraphSource("accounts", f"{base}/accounts", ACCOUNTS_SDL),
        SubgraphSource("products", f"{base}/products", PRODUCTS_SDL),
    ]
    result = compose(sources)
    assert isinstance(result, CompositionSuccess), result
    supergraph = work / "supergraph.graphql"
    supergraph.write_text(result.supergraph_sdl)
    argv = [sys.executable, "-m", "tests.cache.subgraph_app", "--port", str(port)]
    with running(argv, health_url=f"{base}/health"):
        yield Subgraphs(base, supergraph)


@contextmanager
def serve(subgraphs: Subgraphs, config_text: str, **values: Any) -> Iterator[Gateway]:
    """``fedgate serve`` with ``config_text`` (``{port}``, ``{iport}`` and ``values`` filled)."""
    port, iport = free_port(), free_port()
    config = subgraphs.supergraph.parent / f"router-{port}.yaml"
    config.write_text(config_text.format(port=port, iport=iport, key=SHARED_KEY, **values))
    argv = fedgate("serve", "--supergraph", str(subgraphs.supergraph), "--config", str(config))
    with running(argv, health_url=f"http://127.0.0.1:{port}/health"):
        yield Gateway(f"http://127.0.0.1:{port}/graphql", f"http://127.0.0.1:{iport}/invalidation")
