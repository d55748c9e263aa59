"""Apollo's ``insert`` header rules that read the request: ``path`` (a JSON path into the
GraphQL request body, with ``default``) and ``from_context`` (a context entry, here set by a
coprocessor), against real processes: ``fedgate serve``, the echo subgraphs, the scripted
coprocessor."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from .test_coprocessor_wire import config_text, copro, script
from .test_headers_e2e import QUERY, seen, serve, subgraphs

__all__ = ["copro", "subgraphs"]

INSERT_YAML = """\
supergraph:
  listen: 127.0.0.1:{port}
headers:
  all:
    request:
      - insert:
          name: x-operation
          path: .operationName
          default: UNKNOWN
      - insert:
          name: x-app
          path: .extensions.metadata[0].app_name
      - insert:
          name: x-limit
          path: .extensions.limit
      - insert:
          name: x-tenant
          from_context: tenant
      - insert:
          name: x-flags
          from_context: flags
coprocessor:
  url: http://127.0.0.1:COPRO/
  router:
    request:
      context: all
"""


@pytest.fixture(scope="module")
def gateway(subgraphs: Path, copro: str) -> Iterator[str]:
    yield from serve(subgraphs, config_text(INSERT_YAML, copro))


def post(url: str, body: dict[str, object]) -> httpx.Response:
    headers = {"content-type": "application/json", "accept": "application/json"}
    return httpx.post(url, json=body, headers=headers, timeout=10)


def test_headers_are_inserted_from_the_request_body_and_the_context(
    gateway: str, copro: str
) -> None:
    script(copro, {"RouterRequest": {"entries": {"tenant": "acme", "flags": {"beta": True}}}})
    body = {
        "query": f"query Both {QUERY}",
        "operationName": "Both",
        "extensions": {"metadata": [{"app_name": "shop-web"}], "limit": 5},
    }
    response = post(gateway, body)
    assert response.status_code == 200, response.text
    for subgraph in ("a", "b"):
        headers = seen(response, subgraph)
        assert headers["x-operation"] == "Both"
        assert headers["x-app"] == "shop-web"
        assert headers["x-limit"] == "5"  # not text: as JSON
        assert headers["x-tenant"] == "acme"
        assert headers["x-flags"] == '{"beta":true}'


def test_a_path_with_nothing_there_uses_its_default_or_sends_nothing(
    gateway: str, copro: str
) -> None:
    script(copro, {})
    response = post(gateway, {"query": QUERY})
    headers = seen(response, "a")
    assert headers["x-operation"] == "UNKNOWN"
    assert "x-app" not in headers and "x-limit" not in headers and "x-tenant" not in headers
