"""A redis-py asyncio client for one ``RedisConfig``, by URL scheme: a server (``redis://``,
``rediss://``), a Redis Cluster (``redis-cluster://``) or the master behind Sentinels
(``redis-sentinel://``). Only ``client.py`` calls it, on the serving loop, at the first
command (redis-py binds its connections to the loop that opens them)."""

from __future__ import annotations

from typing import Any

from redis.asyncio import BlockingConnectionPool, Redis, RedisCluster, SSLConnection
from redis.asyncio.cluster import ClusterNode
from redis.asyncio.retry import Retry
from redis.asyncio.sentinel import Sentinel
from redis.backoff import NoBackoff

from .config import RedisConfig

__all__ = ["Opened", "open_redis"]


def _no_retries() -> Retry:
    # our client fails fast and reconnects in the background: a retry inside redis-py would
    # make every request wait on a Redis that is down
    return Retry(NoBackoff(), 0)


def _common(config: RedisConfig) -> dict[str, Any]:
    return {
        "username": config.username,
        "password": config.password,
        "socket_timeout": config.timeout,
        "socket_connect_timeout": config.timeout,
        "retry": _no_retries(),
        "decode_responses": False,
        "client_name": "fedgate",
    }


def _tls(config: RedisConfig) -> dict[str, Any]:
    if not config.tls:
        return {}
    return {"ssl_ca_data": config.certificate_authorities} if config.certificate_authorities else {}


Opened = tuple[Redis | RedisCluster, tuple[Redis, ...]]


def open_redis(config: RedisConfig) -> Opened:
    """The client, and the other clients to close with it (a Sentinel's connections)."""
    match config.kind:
        case "standalone":
            return _standalone(config), ()
        case "cluster":
            return _cluster(config), ()
        case "sentinel":
            return _sentinel(config)


def _standalone(config: RedisConfig) -> Redis:
    node = config.nodes[0]
    extra: dict[str, Any] = (
        {"connection_class": SSLConnection, **_tls(config)} if config.tls else {}
    )
    pool = BlockingConnectionPool(
        max_connections=config.pool_size,
        timeout=config.timeout,  # waiting for a free connection counts as the command's time
        host=node.host,
        port=node.port,
        db=config.db,
        **_common(config),
        **extra,
    )
    return Redis.from_pool(pool)  # closing the client closes its pool


def _cluster(config: RedisConfig) -> RedisCluster:
    return RedisCluster(
        startup_nodes=[ClusterNode(n.host, n.port) for n in config.nodes],
        max_connections=config.pool_size,
        ssl=config.tls,
        **_tls(config),
        **_common(config),
    )


def _sentinel(config: RedisConfig) -> Opened:
    assert config.service_name is not None  # redis_config requires it
    sentinel_kwargs: dict[str, Any] = {
        "username": config.sentinel_username,
        "password": config.sentinel_password,
        "socket_timeout": config.timeout,
        "socket_connect_timeout": config.timeout,
        "retry": _no_retries(),
    }
    if config.tls:
        sentinel_kwargs.update(ssl=True, **_tls(config))
    sentinel = Sentinel(  # type: ignore[no-untyped-call]
        [(n.host, n.port) for n in config.nodes],
        sentinel_kwargs=sentinel_kwargs,
        **_common(config),
    )
    extra: dict[str, Any] = {"ssl": True, **_tls(config)} if config.tls else {}
    master: Redis = sentinel.master_for(
        config.service_name, max_connections=config.pool_size, db=config.db, **extra
    )
    return master, tuple(sentinel.sentinels)
