"""A default strawberry federation subgraph (it links federation v2.11) composes and serves, as
a strawberry user runs it: two subgraphs under uvicorn, ``fedgate compose`` introspecting them
through ``subgraph_url`` (``{ _service { sdl } }``), ``fedgate serve`` on the output, and a
query over HTTP that needs both subgraphs."""

from __future__ import annotations

import contextlib
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx

from .processes import fedgate, free_port, running

MODULE = "tests.e2e.strawberry_subgraphs"


def _uvicorn(app: str, port: int) -> list[str]:
    return [
        sys.executable,
        "-m",
        "uvicorn",
        f"{MODULE}:{app}",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--log-level",
        "warning",
    ]


@contextlib.contextmanager
def _subgraphs() -> Iterator[dict[str, str]]:
    urls: dict[str, str] = {}
    with contextlib.ExitStack() as stack:
        for name in ("books", "shelves"):
            port = free_port()
            url = f"http://127.0.0.1:{port}/graphql"
            stack.enter_context(
                running(_uvicorn(f"{name}_app", port), health_url=url + "?query=%7B__typename%7D")
            )
            urls[name] = url
        yield urls


def _config(tmp_path: Path, urls: dict[str, str]) -> Path:
    lines = ["federation_version: =2.11.0", "subgraphs:"]
    for name, url in urls.items():
        lines += [
            f"  {name}:",
            f"    routing_url: {url}",
            "    schema:",
            f"      subgraph_url: {url}",
        ]
    config = tmp_path / "supergraph.yaml"
    config.write_text("\n".join(lines) + "\n")
    return config


def test_default_strawberry_subgraphs_compose_and_serve(tmp_path: Path) -> None:
    with _subgraphs() as urls:
        supergraph = tmp_path / "supergraph.graphql"
        config = _config(tmp_path, urls)
        composed = subprocess.run(
            fedgate("compose", "--config", str(config), "--output", str(supergraph)),
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert composed.returncode == 0, composed.stderr
        sdl = supergraph.read_text()
        assert '@link(url: "https://specs.apollo.dev/join/v0.5", for: EXECUTION)' in sdl
        assert f'SHELVES @join__graph(name: "shelves", url: "{urls["shelves"]}")' in sdl
        port = free_port()
        serve = fedgate("serve", "--supergraph", str(supergraph), "--port", str(port))
        with running(serve, health_url=f"http://127.0.0.1:{port}/health"):
            query = "{ shelves { name books { title } } books { title shelf { name } } }"
            response = httpx.post(
                f"http://127.0.0.1:{port}/graphql", json={"query": query}, timeout=30
            )
    assert response.status_code == 200, response.text
    assert response.json() == {
        "data": {
            "shelves": [
                {"name": "Fiction", "books": [{"title": "Dune"}, {"title": "Emma"}]},
                {"name": "Classics", "books": [{"title": "Ulysses"}]},
            ],
            "books": [
                {"title": "Dune", "shelf": {"name": "Fiction"}},
                {"title": "Emma", "shelf": {"name": "Fiction"}},
                {"title": "Ulysses", "shelf": {"name": "Classics"}},
            ],
        }
    }
