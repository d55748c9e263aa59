"""supergraph.yaml loading, including SDL introspection of a running subgraph."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest

from gateway.composition import CompositionSuccess, compose
from gateway.composition.config import ConfigError, load_config, load_sources
from gateway.composition.fetch import FetchError, fetch_sdl

from .helpers import FIXTURES

SDL = (FIXTURES / "bench" / "accounts.graphql").read_text()


class _Handler(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        length = int(self.headers["Content-Length"])
        query = json.loads(self.rfile.read(length))["query"]
        if self.path == "/broken":
            body = {"errors": [{"message": "Cannot query field _service"}]}
        else:
            body = {"data": {"_service": {"sdl": SDL}}, "query": query}
        payload = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format: str, *args: object) -> None:
        return


@pytest.fixture
def server() -> Iterator[str]:
    httpd = HTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_rover_config_with_subgraph_url(tmp_path: Path, server: str) -> None:
    config = tmp_path / "supergraph.yaml"
    config.write_text(
        "federation_version: =2.3.2\nsubgraphs:\n  accounts:\n"
        "    routing_url: http://accounts:4001/graphql\n"
        f"    schema:\n      subgraph_url: {server}/graphql\n"
    )
    loaded = load_config(config)
    assert loaded.federation_version == "=2.3.2"
    [source] = load_sources(loaded)
    assert source.sdl == SDL
    assert source.url == "http://accounts:4001/graphql"
    result = compose([source])
    assert isinstance(result, CompositionSuccess)
    assert 'url: "http://accounts:4001/graphql"' in result.supergraph_sdl


def test_subgraph_url_without_service(server: str) -> None:
    with pytest.raises(FetchError, match=r"did not return _service\.sdl: Cannot query field"):
        fetch_sdl(f"{server}/broken")


def test_routing_url_defaults_to_subgraph_url(tmp_path: Path) -> None:
    config = tmp_path / "supergraph.yaml"
    config.write_text("subgraphs:\n  a:\n    schema:\n      subgraph_url: http://a/graphql\n")
    assert load_config(config).subgraphs[0].routing_url == "http://a/graphql"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("- a\n- b\n", "expected a `subgraphs:` mapping"),
        ("subgraphs:\n  a: 3\n", "subgraph 'a': expected a mapping"),
        ("subgraphs:\n  a:\n    routing_url: http://a\n", "`schema:` with `file:`"),
        (
            "subgraphs:\n  a:\n    routing_url: http://a\n    schema:\n      graphref: g@v\n",
            "graph refs are not supported",
        ),
    ],
)
def test_config_errors(tmp_path: Path, text: str, message: str) -> None:
    config = tmp_path / "supergraph.yaml"
    config.write_text(text)
    with pytest.raises(ConfigError, match=message):
        load_config(config)


def test_env_placeholders_like_rover(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FEDGATE_TEST_HOST", "accounts.internal")
    config = tmp_path / "supergraph.yaml"
    config.write_text(
        "subgraphs:\n  a:\n    routing_url: http://${env.FEDGATE_TEST_HOST}/graphql\n"
        "    schema:\n      file: ./a.graphql\n"
    )
    assert load_config(config).subgraphs[0].routing_url == "http://accounts.internal/graphql"
    monkeypatch.delenv("FEDGATE_TEST_HOST")
    with pytest.raises(ConfigError, match=r"supergraph\.yaml:3: environment variable"):
        load_config(config)
