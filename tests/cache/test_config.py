"""``preview_entity_cache`` / ``response_cache`` and ``fedgate.entity_cache``: the documented
example loads, and what cannot work is refused at start-up with the key's place."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from gateway.config import load_config
from gateway.config.entity_cache import EntityCacheConfig
from gateway.errors import ConfigError

DOC = Path(__file__).resolve().parents[2] / "docs" / "entity-cache.md"


def _load(tmp_path: Path, text: str, **env: str) -> EntityCacheConfig | None:
    path = tmp_path / "router.yaml"
    path.write_text(text)
    return load_config(path, environ=env).entity_cache


def test_the_documented_example_loads(tmp_path: Path) -> None:
    example = re.search(r"```yaml\n(.*?)```", DOC.read_text(), re.S)
    assert example is not None
    config = _load(tmp_path, example.group(1), INVALIDATION_KEY="k")
    assert config is not None
    assert config.redis is not None and config.redis.namespace == "my-graph"
    assert config.listen_host_port == ("127.0.0.1", 4001)
    accounts = config.for_subgraph("accounts")
    assert (accounts.ttl, accounts.private_id, accounts.shared_key) == (60.0, "sub", "k")
    assert not config.for_subgraph("inventory").enabled
    assert config.for_subgraph("products").enabled
    assert (config.memory_entries, config.memory_ttl) == (10000, 5.0)


def test_off_unless_enabled(tmp_path: Path) -> None:
    assert _load(tmp_path, "preview_entity_cache:\n  enabled: false\n") is None
    assert _load(tmp_path, "supergraph:\n  introspection: true\n") is None


def test_response_cache_is_the_same_section(tmp_path: Path) -> None:
    text = "response_cache:\n  enabled: true\n  subgraph:\n    all:\n      ttl: 30s\n"
    config = _load(tmp_path, text)
    assert config is not None and config.all.ttl == 30.0


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("preview_entity_cache:\n  enabled: true\n", "a TTL is needed"),
        (
            "preview_entity_cache:\n  enabled: true\nresponse_cache:\n  enabled: true\n",
            "keep one",
        ),
        (
            "preview_entity_cache:\n  enabled: true\n  subgraph:\n    all:\n      ttl: 1m\n"
            "      invalidation:\n        enabled: true\n        shared_key: k\n",
            "needs invalidation.listen",
        ),
        (
            "preview_entity_cache:\n  enabled: true\n  invalidation:\n    listen: 127.0.0.1:9\n"
            "  subgraph:\n    all:\n      ttl: 1m\n      invalidation:\n        enabled: true\n",
            "needs a shared_key",
        ),
        (
            "preview_entity_cache:\n  enabled: true\n  subgraph:\n    all:\n      ttl: 1m\n"
            "fedgate:\n  entity_cache:\n    memory:\n      max_entries: 0\n",
            "the only tier",
        ),
        (
            "preview_entity_cache:\n  enabled: true\n  subgraph:\n    subgraphs:\n      a:\n"
            "        redis:\n          urls: [redis://x]\n",
            "a Redis per subgraph",
        ),
    ],
)
def test_refused(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        _load(tmp_path, text)
