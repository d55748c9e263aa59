"""GraphiQL in a real browser: headless Chromium loads ``GET /graphql`` from the gateway
serving the example graph, a query is put in the editor, the run button clicked, and the
result read from the page.

Chromium is driven through chromedriver's W3C WebDriver HTTP API with httpx (a dozen
commands; no selenium dependency). Both come from Debian's ``chromium`` and
``chromium-driver`` packages, which ``scripts/install-browser.sh`` installs (``make test``
runs it first). Without them the test skips and says why, or fails when
``FEDGATE_REQUIRE_BROWSER=1``.

The gateway is the real HTTP server (``gateway.server.create_app`` under uvicorn, on a
loopback port) in a thread of this process, with the five example services in-process
(``LocalClient``) on fresh in-memory databases: starting them as processes is what
``test_demo.py`` covers, and takes seconds.
"""

from __future__ import annotations

import json
import os
import shutil
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pytest
import uvicorn

from gateway.config import GatewayConfig
from gateway.server import create_app
from gateway.supergraph import load_supergraph
from gateway.transport import LocalClient
from subgraphs import SERVICE_NAMES
from subgraphs.common.service import create_app as create_subgraph_app
from subgraphs.services import SERVICES

from .processes import ROOT, free_port, running

pytestmark = pytest.mark.browser

T = TypeVar("T")

INSTALL_REASON_FILE = ROOT / ".venv" / "browser-install-reason.txt"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--window-size=1280,1024",
]
ELEMENT = "element-6066-11e4-a52e-4f735466cecf"  # the W3C web element reference key
WAIT = 30.0  # seconds to wait for the page to get somewhere before giving up

QUERY = """query TwoProducts {
  topProducts(first: 2) {
    name
    price
    inStock
    reviews { author { name } }
  }
}"""
EXPECTED = {
    "data": {
        "topProducts": [
            {
                "name": "Table",
                "price": 89900,
                "inStock": True,
                "reviews": [
                    {"author": {"name": "Ada Lovelace"}},
                    {"author": {"name": "Alan Turing"}},
                ],
            },
            {
                "name": "Couch",
                "price": 129900,
                "inStock": True,
                "reviews": [{"author": {"name": "Grace Hopper"}}],
            },
        ]
    }
}


def browser_unavailable() -> str | None:
    """Why the browser test cannot run here, or ``None``."""
    if shutil.which("chromium") and shutil.which("chromedriver"):
        return None
    reason = "chromium and chromedriver are not on PATH"
    if INSTALL_REASON_FILE.is_file():
        why = INSTALL_REASON_FILE.read_text().strip()
        return f"{reason}: scripts/install-browser.sh could not install them ({why})"
    return (
        f"{reason}: run scripts/install-browser.sh (as `make test` does) to install Debian's "
        "chromium and chromium-driver with apt-get"
    )


@pytest.fixture(scope="module")
def browser_tools() -> tuple[str, str]:
    reason = browser_unavailable()
    if reason is not None:
        if os.environ.get("FEDGATE_REQUIRE_BROWSER") == "1":
            pytest.fail(reason + " (and FEDGATE_REQUIRE_BROWSER=1)")
        pytest.skip(reason)
    chromium, chromedriver = shutil.which("chromium"), shutil.which("chromedriver")
    assert chromium is not None and chromedriver is not None
    return chromium, chromedriver


@pytest.fixture(scope="module")
def gateway_url() -> Iterator[str]:
    """The gateway over the committed supergraph and the in-process example services,
    served over HTTP on a loopback port from a background thread."""
    dbs = {name: SERVICES[name].open_database(":memory:") for name in SERVICE_NAMES}
    apps = {name: create_subgraph_app(SERVICES[name], db) for name, db in dbs.items()}
    supergraph = load_supergraph((ROOT / "schema" / "supergraph.graphql").read_text())
    # GraphiQL needs `fedgate dev`'s settings: both are off in production
    config = GatewayConfig(graphiql=True, introspection=True)
    app = create_app(supergraph, config=config, client=LocalClient(apps))
    port = free_port()
    config = uvicorn.Config(
        app, host="127.0.0.1", port=port, ws="none", log_level="warning", access_log=False
    )
    server = uvicorn.Server(config)  # in a thread, it installs no signal handlers
    thread = threading.Thread(target=server.run, name="gateway", daemon=True)
    thread.start()
    try:
        wait_for(lambda: server.started or not thread.is_alive(), "the gateway to start")
        assert thread.is_alive(), "the gateway's server thread died while starting"
        yield f"http://127.0.0.1:{port}/graphql"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        for db in dbs.values():
            db.close()


def wait_for(check: Callable[[], T | None], what: str, timeout: float = WAIT) -> T:
    """Poll ``check`` until it returns something truthy; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"gave up after {timeout:.0f} s waiting for {what}")
        time.sleep(0.1)


class WebDriverError(AssertionError):
    pass


class Browser:
    """The few W3C WebDriver commands the test needs, over HTTP."""

    def __init__(self, driver_url: str, chromium: str, profile: Path) -> None:
        self.http = httpx.Client(base_url=driver_url, timeout=60)
        options = {"binary": chromium, "args": [*CHROMIUM_FLAGS, f"--user-data-dir={profile}"]}
        capabilities = {
            "browserName": "chrome",
            "goog:chromeOptions": options,
            "goog:loggingPrefs": {"browser": "ALL"},
        }
        session = self._call("POST", "/session", {"capabilities": {"alwaysMatch": capabilities}})
        self.session = f"/session/{session['sessionId']}"

    def _call(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        response = self.http.request(method, path, json=body if method == "POST" else None)
        value = response.json().get("value")
        if response.status_code != 200:
            error = value.get("error") if isinstance(value, dict) else value
            message = value.get("message") if isinstance(value, dict) else ""
            raise WebDriverError(f"{method} {path}: {error}: {message}")
        return value

    def command(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        return self._call(method, self.session + path, body if body is not None else {})

    def open(self, url: str) -> None:
        self.command("POST", "/url", {"url": url})

    def find(self, css: str) -> dict[str, str] | None:
        """The first element matching ``css`` (a reference for ``execute``), or ``None``."""
        try:
            element = self.command("POST", "/element", {"using": "css selector", "value": css})
        except WebDriverError as error:
            if "no such element" in str(error):
                return None
            raise
        return {ELEMENT: element[ELEMENT]}

    def wait_for_element(self, css: str) -> dict[str, str]:
        return wait_for(lambda: self.find(css), f"{css!r} on the page; {self.console()}")

    def click(self, element: dict[str, str]) -> None:
        self.command("POST", f"/element/{element[ELEMENT]}/click")

    def text(self, element: dict[str, str]) -> str:
        text: str = self.command("GET", f"/element/{element[ELEMENT]}/text")
        return text

    def execute(self, script: str, *args: Any) -> Any:
        return self.command("POST", "/execute/sync", {"script": script, "args": list(args)})

    def console(self) -> str:
        """The browser console so far (chromedriver's log endpoint), to explain failures."""
        try:
            entries = self._call("POST", self.session + "/se/log", {"type": "browser"})
        except (WebDriverError, httpx.HTTPError, ValueError):
            return "browser console unavailable"
        lines = [f"{entry.get('level')}: {entry.get('message')}" for entry in entries or []]
        return "browser console: " + ("; ".join(lines) or "empty")

    def quit(self) -> None:
        try:
            self._call("DELETE", self.session)
        finally:
            self.http.close()


@pytest.fixture
def browser(browser_tools: tuple[str, str], tmp_path: Path) -> Iterator[Browser]:
    chromium, chromedriver = browser_tools
    port = free_port()
    driver_url = f"http://127.0.0.1:{port}"
    with running([chromedriver, f"--port={port}"], health_url=f"{driver_url}/status"):
        browser = Browser(driver_url, chromium, tmp_path / "profile")
        try:
            yield browser
        finally:
            browser.quit()


def test_graphiql_runs_a_query_and_shows_the_result(browser: Browser, gateway_url: str) -> None:
    browser.open(gateway_url)  # a browser's GET accepts text/html: the gateway serves GraphiQL
    assert browser.execute("return document.title") == "fedgate · GraphiQL"

    editor = browser.wait_for_element(".graphiql-query-editor .CodeMirror")
    browser.execute("arguments[0].CodeMirror.setValue(arguments[1])", editor, QUERY)
    assert browser.execute("return arguments[0].CodeMirror.getValue()", editor) == QUERY
    browser.click(browser.wait_for_element("button.graphiql-execute-button"))

    result_pane = browser.wait_for_element(".graphiql-response .result-window")

    def shown_result() -> Any:
        text = browser.text(result_pane)
        if "Grace Hopper" not in text:
            return None
        return json.loads(text)

    result = wait_for(shown_result, f"the result on the page; {browser.console()}")
    assert result == EXPECTED

    # Every asset came from the gateway itself (no CDN), and the queries went to it.
    origin = gateway_url.removesuffix("/graphql")
    loaded = browser.execute(
        "return performance.getEntriesByType('resource').map(entry => entry.name)"
    )
    assert loaded, "no resources loaded"
    assert [url for url in loaded if not url.startswith(origin + "/")] == []
    assert f"{origin}/graphiql/static/graphiql.min.js" in loaded
    assert gateway_url in loaded  # the introspection and the query
