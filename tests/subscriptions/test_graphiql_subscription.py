"""GraphiQL runs a subscription in headless Chromium: with subscriptions on, the page's
fetcher sends subscriptions as GraphQL over SSE and GraphiQL shows each event as it comes;
the last event shown is the subscription's last, completed with the catalog's names."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.test_graphiql_browser import (  # noqa: F401 - fixtures
    Browser,
    browser,
    browser_tools,
    wait_for,
)

from .harness import gateway, subgraph, supergraph

pytestmark = pytest.mark.browser

# `supergraph.introspection` goes under the harness's `supergraph:` (listen) key
CONFIG = """\
  introspection: true
sandbox:
  enabled: true
homepage:
  enabled: false
subscription:
  enabled: true
"""
SUBSCRIPTION = "subscription Ticks { ticks(count: 4, intervalMs: 300) { n items { name } } }"


@pytest.fixture(scope="module")
def gateway_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    work = tmp_path_factory.mktemp("graphiql")
    with subgraph("feed") as feed, subgraph("catalog") as catalog:
        path = work / "supergraph.graphql"
        path.write_text(supergraph(feed, catalog))
        with gateway(work, path, CONFIG) as (url, _, _):
            yield url


def test_graphiql_runs_a_subscription(browser: Browser, gateway_url: str, tmp_path: Path) -> None:  # noqa: F811
    browser.open(gateway_url)
    editor = browser.wait_for_element(".graphiql-query-editor .CodeMirror")
    browser.execute("arguments[0].CodeMirror.setValue(arguments[1])", editor, SUBSCRIPTION)
    browser.click(browser.wait_for_element("button.graphiql-execute-button"))
    result_pane = browser.wait_for_element(".graphiql-response .result-window")

    def last_event() -> Any:
        text = browser.text(result_pane)
        if '"n": 4' not in text:
            return None
        return json.loads(text)

    shown = wait_for(last_event, f"the fourth event in the result pane; {browser.console()}")
    assert shown == {
        "data": {"ticks": {"n": 4, "items": [{"name": "item-4"}, {"name": "item-4b"}]}}
    }
