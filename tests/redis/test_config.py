"""The ``redis:`` block: URL schemes, credentials, defaults, and clear errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from gateway.config import load_config
from gateway.errors import ConfigError
from gateway.redis.config import DEFAULT_POOL_SIZE, RedisNode, redis_config


def test_a_server_url_with_credentials_and_database() -> None:
    config = redis_config({"urls": ["rediss://me:s%40cret@cache.example:6380/2"]}, "f:1")
    assert (config.kind, config.tls, config.db) == ("standalone", True, 2)
    assert config.nodes == (RedisNode("cache.example", 6380),)
    assert (config.username, config.password) == ("me", "s@cret")
    assert config.pool_size == DEFAULT_POOL_SIZE and config.ttl is None
    assert "s@cret" not in config.describe()


def test_the_block_s_username_and_password_win_over_the_url_s() -> None:
    raw = {"urls": ["redis://a:b@h"], "username": "u", "password": "p", "ttl": 5.0}
    config = redis_config(raw, "f:1")
    assert (config.username, config.password, config.ttl) == ("u", "p", 5.0)
    assert config.nodes == (RedisNode("h", 6379),)


def test_cluster_nodes_from_urls_and_node_parameters() -> None:
    raw = {"urls": ["redis-cluster://h1:7000?node=h2:7001&node=[::1]:7002", "redis-cluster://h4"]}
    config = redis_config(raw, "f:1")
    assert config.kind == "cluster"
    assert config.nodes == (
        RedisNode("h1", 7000),
        RedisNode("h2", 7001),
        RedisNode("::1", 7002),
        RedisNode("h4", 6379),
    )


def test_sentinels_and_their_service() -> None:
    url = "redis-sentinel://s1:26379,s2:26380/1?sentinelServiceName=main&sentinelPassword=x"
    config = redis_config({"urls": [url]}, "f:1")
    assert (config.kind, config.service_name, config.db) == ("sentinel", "main", 1)
    assert config.sentinel_password == "x"
    assert config.nodes == (RedisNode("s1", 26379), RedisNode("s2", 26380))


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({"urls": []}, "at least one"),
        ({"urls": ["http://h"]}, "not a Redis URL scheme"),
        ({"urls": ["redis://h", "redis-cluster://g"]}, "same scheme"),
        ({"urls": ["redis://h", "redis://g"]}, "redis-cluster://"),
        ({"urls": ["redis-sentinel://s1"]}, "sentinelServiceName"),
        ({"urls": ["redis://h:port"]}, "port must be a number"),
        ({"urls": ["redis://h/zero"]}, "database"),
        ({"urls": ["redis://a,b"]}, "redis-sentinel:// only"),
        ({"urls": ["redis-cluster://h/3"]}, "no database"),
        ({"urls": ["redis://h"], "ttl": 0.0}, "ttl: must be positive"),
    ],
)
def test_invalid_blocks_are_clear_config_errors(raw: dict[str, object], message: str) -> None:
    with pytest.raises(ConfigError, match=message) as info:
        redis_config(raw, "router.yaml:7: apq.router.cache.redis")
    assert str(info.value).startswith("router.yaml:7: apq.router.cache.redis")


def _docs_example() -> str:
    import re

    text = (Path(__file__).parents[2] / "docs" / "redis.md").read_text()
    blocks: list[str] = re.findall(r"```yaml\n(.*?)```", text, re.S)
    return blocks[0]


def test_the_docs_example_loads(tmp_path: Path) -> None:
    path = tmp_path / "router.yaml"
    path.write_text(_docs_example())
    config = load_config(path, environ={})
    shared = config.shared_state
    assert shared is not None and shared.apq is not None and shared.query_plans is not None
    assert shared.apq.namespace == "shop-graph" and shared.apq.ttl == 86400.0
    assert shared.apq.timeout == 0.2
    assert shared.query_plans.ttl == 7 * 86400.0
    assert shared.rate_limits is not None and shared.rate_limits.fail_policy == "fail_open"
    assert config.edge is not None and config.edge.apq.limit == 512


def test_no_block_no_shared_state(tmp_path: Path) -> None:
    path = tmp_path / "router.yaml"
    path.write_text("apq:\n  router:\n    cache:\n      in_memory:\n        limit: 10\n")
    assert load_config(path, environ={}).shared_state is None
    assert load_config(None, environ={}).shared_state is None


@pytest.mark.parametrize(
    ("yaml", "message"),
    [
        ("apq:\n  router:\n    cache:\n      redis:\n        ttl: 1s\n", "urls"),
        (
            "apq:\n  router:\n    cache:\n      redis:\n        urls: [memcached://h]\n",
            "does not match",
        ),
        (
            "fedgate:\n  rate_limit_store:\n    redis: {urls: ['redis://h']}\n"
            "    fail_policy: sometimes\n",
            "fail_policy",
        ),
        (
            "supergraph:\n  query_planning:\n    cache:\n      redis:\n"
            "        urls: ['redis://h']\n        tls:\n          client_authentication: {}\n",
            "client certificates",
        ),
        (
            "supergraph:\n  query_planning:\n    cache:\n      redis:\n"
            "        urls: ['redis-sentinel://h']\n",
            "sentinelServiceName",
        ),
    ],
)
def test_bad_blocks_name_the_file_and_key(tmp_path: Path, yaml: str, message: str) -> None:
    path = tmp_path / "router.yaml"
    path.write_text(yaml)
    with pytest.raises(ConfigError, match=message) as info:
        load_config(path, environ={})
    assert "router.yaml:" in str(info.value)
