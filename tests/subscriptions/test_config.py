"""The subscription keys: docs/subscriptions.md's example loads to what it says, bad values
are coded config errors naming the key, and everything is off by default."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from gateway.cli import main
from gateway.config import GatewayConfig, load_config
from gateway.config.subscription import PassthroughConfig
from gateway.errors import ConfigError
from gateway.subscriptions.upstream import websocket_url
from tests.e2e.processes import ROOT


def _example() -> str:
    page = (ROOT / "docs" / "subscriptions.md").read_text()
    found = re.search(r"```yaml\n(.*?)```", page, re.S)
    assert found is not None
    return found.group(1)


def test_the_docs_example_loads(tmp_path: Path) -> None:
    path = tmp_path / "router.yaml"
    path.write_text(_example())
    config = load_config(path, environ={}).subscription
    assert config.enabled
    assert config.all == PassthroughConfig("/graphql", "graphql_transport_ws", None)
    assert config.for_subgraph("legacy") == PassthroughConfig(None, "graphql_ws", 10.0)
    assert config.for_subgraph("other") == config.all
    assert (config.max_opened_subscriptions, config.queue_capacity) == (1000, 128)
    assert (config.max_per_connection, config.client_heartbeat) == (20, 5.0)
    assert config.slow_reader == "close"
    assert main(["config", "validate", str(path)]) == 0


def test_off_by_default() -> None:
    config = GatewayConfig().subscription
    assert not config.enabled
    assert config.all.protocol == "graphql_ws"  # Apollo Router's default


@pytest.mark.parametrize(
    ("text", "named"),
    [
        (
            "subscription:\n  mode:\n    passthrough:\n      all:\n"
            "        heartbeat_interval: often\n",
            "heartbeat_interval",
        ),
        (
            "subscription:\n  mode:\n    passthrough:\n      all:\n        protocol: sse\n",
            "protocol",
        ),
        ("subscription:\n  mode:\n    callback:\n      public_url: http://x\n", "callback"),
        ("subscription:\n  queue_capacity: 0\n", "queue_capacity"),
        ("fedgate:\n  subscription:\n    slow_reader: block\n", "slow_reader"),
    ],
)
def test_bad_values_name_the_key(tmp_path: Path, text: str, named: str) -> None:
    path = tmp_path / "router.yaml"
    path.write_text(text)
    with pytest.raises(ConfigError) as caught:
        load_config(path, environ={})
    assert named in caught.value.message


def test_websocket_url() -> None:
    settings = PassthroughConfig("/ws")
    assert (
        websocket_url("https://a.example:8443/graphql?x=1", settings)
        == "wss://a.example:8443/ws?x=1"
    )
    assert websocket_url("http://a/graphql", PassthroughConfig()) == "ws://a/graphql"


def test_sse_subgraphs_are_fedgate_keys(tmp_path: Path) -> None:
    """Apollo's passthrough knows only WebSocket protocols; GraphQL over SSE to a subgraph is
    fedgate.subscription.subgraphs.<name>.protocol (Cosmo's names: sse is GET, sse_post POST)."""
    path = tmp_path / "router.yaml"
    path.write_text(
        "subscription:\n  enabled: true\nfedgate:\n  subscription:\n    subgraphs:\n"
        "      live: {protocol: sse_post, path: /stream}\n      other: {protocol: sse}\n"
    )
    config = load_config(path, environ={}).subscription
    assert config.for_subgraph("live") == PassthroughConfig("/stream", "sse_post")
    assert config.for_subgraph("other") == PassthroughConfig(None, "sse")
    path.write_text("fedgate:\n  subscription:\n    subgraphs:\n      live: {protocol: ws}\n")
    with pytest.raises(ConfigError) as caught:
        load_config(path, environ={})
    assert "protocol" in caught.value.message
