"""CORS from a real headless Chromium page on another origin: the page's ``fetch`` to the
gateway (JSON plus ``Authorization``, so the browser sends a preflight first) succeeds from an
origin the ``cors.policies`` allow and is refused by the browser from one they do not.

The page is served by a plain HTTP server on its own port (``http://127.0.0.1:<page>`` is
allowed; ``http://localhost:<page>``, the same server under another origin, is not). The
gateway is the real ASGI app under uvicorn in a thread, as in ``test_graphiql_browser.py``,
whose WebDriver helpers and skip rules this test shares.
"""

from __future__ import annotations

import functools
import http.server
import json
import threading
from collections.abc import Iterator, MutableMapping
from typing import Any

import pytest
import uvicorn

from gateway.config import CorsConfig, CorsPolicy, GatewayConfig
from gateway.server import create_app
from gateway.supergraph import load_supergraph
from gateway.transport import LocalClient
from gateway.transport.headers import HeaderRules, Propagate
from subgraphs import SERVICE_NAMES
from subgraphs.common.service import create_app as create_subgraph_app
from subgraphs.services import SERVICES

from .processes import ROOT, free_port
from .test_graphiql_browser import Browser, browser, browser_tools, wait_for

__all__ = ["browser", "browser_tools"]  # fixtures shared with the GraphiQL browser test

pytestmark = pytest.mark.browser

QUERY = "{ topProducts(first: 1) { name } }"
FETCH = """
const [url, query, done] = arguments;
fetch(url, {
  method: "POST",
  headers: {"content-type": "application/json", "authorization": "Bearer page"},
  body: JSON.stringify({query}),
}).then(r => r.text()).then(text => done("OK " + text), error => done("FAILED " + error));
"""


class Methods:
    """ASGI wrapper that records each request's method and Origin (to see the preflight)."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.seen: list[tuple[str, str | None]] = []

    async def __call__(self, scope: MutableMapping[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            headers = dict(scope["headers"])
            origin = headers.get(b"origin")
            self.seen.append((scope["method"], origin.decode() if origin else None))
        await self.app(scope, receive, send)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def page_port(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    root = tmp_path_factory.mktemp("page")
    (root / "index.html").write_text("<!doctype html><title>app</title><p>an app</p>")
    handler = functools.partial(_QuietHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@pytest.fixture(scope="module")
def gateway(page_port: int) -> Iterator[tuple[str, Methods]]:
    dbs = {name: SERVICES[name].open_database(":memory:") for name in SERVICE_NAMES}
    apps = {name: create_subgraph_app(SERVICES[name], db) for name, db in dbs.items()}
    supergraph = load_supergraph((ROOT / "schema" / "supergraph.graphql").read_text())
    policy = CorsPolicy(origins=(f"http://127.0.0.1:{page_port}",), allow_credentials=True)
    config = GatewayConfig(
        cors=CorsConfig(policies=(policy,)),
        headers=HeaderRules([Propagate(named="authorization")]),
    )
    app = Methods(create_app(supergraph, config=config, client=LocalClient(apps)))
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)
    )
    thread = threading.Thread(target=server.run, name="gateway", daemon=True)
    thread.start()
    try:
        wait_for(lambda: server.started or not thread.is_alive(), "the gateway to start")
        yield f"http://127.0.0.1:{port}/graphql", app
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        for db in dbs.values():
            db.close()


def fetch_from(browser: Browser, page: str, gateway_url: str) -> str:
    browser.open(page)
    wait_for(lambda: browser.execute("return document.title") == "app", f"the page {page}")
    result: str = browser.command(
        "POST", "/execute/async", {"script": FETCH, "args": [gateway_url, QUERY]}
    )
    return result


def test_allowed_origin_passes_the_preflight_and_reads_the_answer(
    browser: Browser, gateway: tuple[str, Methods], page_port: int
) -> None:
    url, methods = gateway
    origin = f"http://127.0.0.1:{page_port}"
    methods.seen.clear()
    result = fetch_from(browser, f"{origin}/index.html", url)
    assert result.startswith("OK "), f"{result}; {browser.console()}"
    assert json.loads(result[3:]) == {"data": {"topProducts": [{"name": "Table"}]}}
    # the browser asked first (OPTIONS), then sent the query, both from the page's origin
    assert methods.seen == [("OPTIONS", origin), ("POST", origin)]


def test_other_origin_is_refused_by_the_browser(
    browser: Browser, gateway: tuple[str, Methods], page_port: int
) -> None:
    url, methods = gateway
    origin = f"http://localhost:{page_port}"
    methods.seen.clear()
    result = fetch_from(browser, f"{origin}/index.html", url)
    assert result.startswith("FAILED TypeError"), result
    # the preflight got no CORS headers, so the browser never sent the query itself
    assert methods.seen == [("OPTIONS", origin)]
