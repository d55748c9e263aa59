"""Shared state in Redis (docs/redis.md): Apollo Router's ``apq.router.cache.redis`` and
``supergraph.query_planning.cache.redis``, and fedgate's ``fedgate.rate_limit_store`` (Apollo
Router keeps its rate limits per instance and has no key for a shared store). Their schema
and the ``SharedStateConfig`` they make; ``None`` when no block is set, so nothing of Redis
is built or imported.

``fedgate.rate_limit_store``: ``redis`` (the same block) and ``fail_policy``: what a rate
limit does while Redis cannot answer, ``fail_open`` (default: admit, the gateway keeps
serving) or ``fail_closed`` (refuse with 429, for limits that protect something fragile).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from gateway.redis.config import (
    DEFAULT_POOL_SIZE,
    DEFAULT_TIMEOUT,
    URL_PATTERN,
    RedisConfig,
    redis_config,
)

from .schema import Bool, Duration, Int, Kind, ListOf, Obj, Str, Unsupported
from .source import Source

__all__ = [
    "APQ_REDIS",
    "FEDGATE_SHARED_STATE_KEYS",
    "PLANS_REDIS",
    "RateLimitStore",
    "SharedStateConfig",
    "redis_schema",
    "shared_state_config",
]


def redis_schema(doc: str, ttl_doc: str = "how long an entry lives") -> Obj:
    """Apollo Router's ``redis:`` block (built by ``gateway.redis.config.redis_config``);
    ``ttl_doc`` says what the TTL means (and its default) where the block is."""
    return Obj(
        {
            "urls": ListOf(
                Str("redis[s][-cluster|-sentinel]://[[user:]pass@]host[:port][/db]", URL_PATTERN),
                "the Redis server, cluster nodes or sentinels",
            ),
            "username": Str("over the URL's username"),
            "password": Str("over the URL's password"),
            "timeout": Duration(f"per Redis command (default {int(DEFAULT_TIMEOUT * 1000)}ms)"),
            "ttl": Duration(ttl_doc),
            "namespace": Str("a prefix for every key (replicas of one graph share it)"),
            "required_to_start": Bool("refuse to start when Redis cannot be reached"),
            "reset_ttl": Bool("a read renews the entry's TTL (default true)"),
            "pool_size": Int(f"connections (default {DEFAULT_POOL_SIZE})", minimum=1),
            "metrics_interval": Duration("accepted for Apollo compatibility (no pool metrics)"),
            "tls": Obj(
                {
                    "certificate_authorities": Str("CA bundle (PEM text) for rediss:// servers"),
                    "client_authentication": Unsupported("client certificates towards Redis"),
                }
            ),
        },
        doc,
        required=("urls",),
    )


# Apollo Router's default TTL for both caches: 30 days
DEFAULT_TTL = 30 * 86400.0
APQ_REDIS = redis_schema(
    "APQ texts in Redis, shared by the replicas (docs/redis.md)",
    "how long a registered query is kept (default 30 days)",
)
PLANS_REDIS = redis_schema(
    "query plans in Redis: a new replica or a reload starts warm (docs/redis.md)",
    "how long a plan is kept (default 30 days)",
)
FEDGATE_SHARED_STATE_KEYS: dict[str, Kind] = {
    "rate_limit_store": Obj(
        {
            "redis": redis_schema(
                "the token buckets in Redis: one limit across the replicas",
                "unused (a bucket expires once it would be full again)",
            ),
            "fail_policy": Str(
                "while Redis cannot answer: fail_open (admit, default) or fail_closed (429)",
                pattern="fail_open|fail_closed",
            ),
        },
        "where the rate limits keep their buckets (default: in each replica's memory)",
        required=("redis",),
    )
}


@dataclass(frozen=True, slots=True)
class RateLimitStore:
    redis: RedisConfig
    fail_policy: Literal["fail_open", "fail_closed"] = "fail_open"


@dataclass(frozen=True, slots=True)
class SharedStateConfig:
    """What lives in Redis; each ``None`` stays in the replica's memory."""

    apq: RedisConfig | None = None
    query_plans: RedisConfig | None = None
    rate_limits: RateLimitStore | None = None


def shared_state_config(checked: dict[str, Any], source: Source) -> SharedStateConfig | None:
    apq_path = ("apq", "router", "cache", "redis")
    plans_path = ("supergraph", "query_planning", "cache", "redis")
    store_path = ("fedgate", "rate_limit_store")
    apq = _block(checked, apq_path, source)
    plans = _block(checked, plans_path, source)
    store = _at(checked, store_path)
    rate_limits = None
    if store is not None:
        redis = redis_config(store["redis"], _where(source, (*store_path, "redis")))
        rate_limits = RateLimitStore(redis, store.get("fail_policy", "fail_open"))
    if apq is None and plans is None and rate_limits is None:
        return None
    return SharedStateConfig(apq, plans, rate_limits)


def _block(checked: dict[str, Any], path: tuple[str, ...], source: Source) -> RedisConfig | None:
    raw = _at(checked, path)
    return None if raw is None else redis_config(raw, _where(source, path), DEFAULT_TTL)


def _at(checked: dict[str, Any], path: tuple[str, ...]) -> Any:
    value: Any = checked
    for key in path:
        if not isinstance(value, dict) or key not in value:
            return None
        value = value[key]
    return value


def _where(source: Source, path: tuple[str, ...]) -> str:
    return f"{source.where(path)}: {'.'.join(path)}"
