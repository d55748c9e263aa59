"""The ``redis:`` block: URL schemes, credentials, defaults, and clear errors."""

from __future__ import annotations

import pytest

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
