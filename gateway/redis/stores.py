"""The edge stores in Redis (``gateway/edge/store.py``'s interfaces): APQ texts in two tiers
and token buckets shared by the replicas.

``TieredQueries``: the replica's LRU first, Redis second (a text found there is kept in the
LRU); a registration goes to both. Redis unavailable: a miss (the client sends the text
again, as Apollo's protocol expects), a registration stays local.

``RedisBuckets``: one token bucket per key in a Redis hash, taken atomically by a Lua script
with Redis's clock (the replicas' clocks do not matter). Redis unavailable: ``fail_open``
admits, ``fail_closed`` refuses (a one-second wait).
"""

from __future__ import annotations

import contextlib
from typing import Literal

from gateway.edge.store import MemoryQueries

from .client import RedisClient, RedisUnavailable

__all__ = ["BUCKET_SCRIPT", "RedisBuckets", "TieredQueries"]


class TieredQueries:
    """APQ texts by sha256: ``memory`` first, then Redis under ``apq:<hash>``."""

    __slots__ = ("client", "memory")

    def __init__(self, memory: MemoryQueries, client: RedisClient) -> None:
        self.memory = memory
        self.client = client

    async def get(self, key: str) -> str | None:
        query = await self.memory.get(key)
        if query is not None:
            return query
        try:
            stored = await self.client.get(f"apq:{key}")
        except RedisUnavailable:
            return None
        if stored is None:
            return None
        query = stored.decode()
        await self.memory.set(key, query)
        return query

    async def set(self, key: str, query: str) -> None:
        await self.memory.set(key, query)
        # unavailable: kept here; another replica asks the client for the text again
        with contextlib.suppress(RedisUnavailable):
            await self.client.set(f"apq:{key}", query.encode())


# KEYS[1]: the bucket; ARGV: size, tokens per second. Returns the wait in seconds as a string
# (a Lua number would come back as an integer). Redis's TIME, not the caller's clock; the
# hash expires once the bucket would be full again (a forgotten client costs nothing).
BUCKET_SCRIPT = """
local size = tonumber(ARGV[1])
local rate = tonumber(ARGV[2])
local clock = redis.call('TIME')
local now = tonumber(clock[1]) + tonumber(clock[2]) / 1000000
local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(state[1])
local at = tonumber(state[2])
if tokens == nil or at == nil then
  tokens = size
  at = now
end
tokens = math.min(size, tokens + math.max(0, now - at) * rate)
local wait = 0
if tokens >= 1 then
  tokens = tokens - 1
else
  wait = (1 - tokens) / rate
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil((size - tokens) / rate * 1000) + 1000)
return tostring(wait)
"""


class RedisBuckets:
    """``BucketStore`` in Redis: ``take`` spends a token of the bucket ``key`` shared by
    every replica."""

    __slots__ = ("_script", "client", "fail_policy")

    def __init__(
        self,
        client: RedisClient,
        fail_policy: Literal["fail_open", "fail_closed"] = "fail_open",
    ) -> None:
        self.client = client
        self.fail_policy = fail_policy
        self._script = client.script(BUCKET_SCRIPT)

    async def take(self, key: str, size: int, per_second: float) -> float:
        # the {braces} are a Cluster hash tag: the whole key in one slot
        try:
            answer = await self.client.run(
                self._script, [f"ratelimit:{{{key}}}"], [size, per_second]
            )
        except RedisUnavailable:
            return 0.0 if self.fail_policy == "fail_open" else 1.0
        return float(answer)
