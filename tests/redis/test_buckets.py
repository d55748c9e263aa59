"""The Lua token bucket against a real redis-server: one bucket for every client of the same
Redis (the replicas), atomic under concurrency, refilled by Redis's clock, and the
fail-open / fail-closed policy while Redis is down."""

from __future__ import annotations

import asyncio

import pytest

from gateway.edge.store import MemoryBuckets
from gateway.redis.client import RedisClient
from gateway.redis.config import redis_config
from gateway.redis.stores import RedisBuckets

from .server import RedisServer

pytestmark = pytest.mark.anyio


def _buckets(url: str, policy: str = "fail_open") -> RedisBuckets:
    # a generous timeout: this is about atomicity, not latency, on a busy machine
    raw = {"urls": [url], "namespace": "rl", "timeout": 2.0}
    client = RedisClient(redis_config(raw, "t"))
    return RedisBuckets(client, policy)  # type: ignore[arg-type]


async def test_a_full_bucket_admits_its_size_then_says_how_long_to_wait(
    redis_server: RedisServer,
) -> None:
    buckets = _buckets(redis_server.url)
    try:
        waits = [await buckets.take("router", 5, 0.5) for _ in range(7)]
        assert waits[:5] == [0.0] * 5
        # empty: one token comes in 1 / 0.5 = 2 seconds (less what trickled in meanwhile)
        assert all(1.5 < w <= 2.0 for w in waits[5:]), waits
        assert await buckets.take("other", 5, 0.5) == 0.0  # buckets are per key
    finally:
        await buckets.client.close()


async def test_it_refills_at_the_rate(redis_server: RedisServer) -> None:
    buckets = _buckets(redis_server.url)
    try:
        # one token a second: a loaded machine's delays between the takes (under 0.5 s) do not
        # refill one
        for _ in range(2):
            assert await buckets.take("k", 2, 1.0) == 0.0
        assert await buckets.take("k", 2, 1.0) > 0
        await asyncio.sleep(1.5)  # 1.5 tokens back
        assert await buckets.take("k", 2, 1.0) == 0.0
        assert await buckets.take("k", 2, 1.0) > 0
    finally:
        await buckets.client.close()


async def test_replicas_share_one_bucket_under_concurrency(redis_server: RedisServer) -> None:
    replicas = [_buckets(redis_server.url) for _ in range(4)]
    try:
        takes = [r.take("router", 50, 0.001) for r in replicas for _ in range(60)]
        waits = await asyncio.gather(*takes)
        assert sum(1 for w in waits if w == 0.0) == 50  # 240 tries, one bucket of 50
        # the same through memory buckets would admit 50 per replica
        memory = [MemoryBuckets() for _ in range(4)]
        local = await asyncio.gather(
            *(m.take("router", 50, 0.001) for m in memory for _ in range(60))
        )
        assert sum(1 for w in local if w == 0.0) == 200
    finally:
        for r in replicas:
            await r.client.close()


async def test_the_bucket_expires_once_it_would_be_full(redis_server: RedisServer) -> None:
    buckets = _buckets(redis_server.url)
    try:
        await buckets.take("short", 3, 100.0)
        ttl = await buckets.client._connection().pttl("rl:ratelimit:{short}")
        assert 0 < ttl <= 1100  # refilled in 10ms, plus a second of slack
    finally:
        await buckets.client.close()


@pytest.mark.parametrize(("policy", "wait"), [("fail_open", 0.0), ("fail_closed", 1.0)])
async def test_redis_down_follows_the_policy(
    redis_server: RedisServer, policy: str, wait: float
) -> None:
    buckets = _buckets(redis_server.url, policy)
    try:
        assert await buckets.take("k", 1, 0.001) == 0.0
        assert await buckets.take("k", 1, 0.001) > 0  # the limit holds while Redis is up
        redis_server.stop()
        assert [await buckets.take("k", 1, 0.001) for _ in range(3)] == [wait] * 3
        redis_server.start()  # empty: the bucket starts full again
        for _ in range(100):
            if buckets.client.available:
                break
            await asyncio.sleep(0.05)
        assert await buckets.take("k", 1, 0.001) == 0.0
        assert await buckets.take("k", 1, 0.001) > 0
    finally:
        await buckets.client.close()
