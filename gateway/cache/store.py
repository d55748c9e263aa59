"""The tiers together: memory first, then Redis (when configured) for what memory missed; a
Redis hit is copied into memory. Redis trouble is a miss, never an error: the client fails
fast while Redis is down and comes back by itself (``gateway/redis/client.py``).

Invalidation removes matching entries from this replica's memory, from Redis (a ``SCAN``
per key prefix, the tagged keys' sets for cache tags) and tells the other replicas over pub/sub,
which drop the same entries from their memory (``remote``)."""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING

import orjson

from .entry import Entry, decode, encode, prefix
from .memory import FetchMemo, MemoryTier
from .requests import Invalidation

if TYPE_CHECKING:
    from gateway.redis.client import RedisClient

__all__ = ["CHANNEL", "Store", "Unavailable"]

log = logging.getLogger("fedgate.entity_cache")
CHANNEL = "fedgate:entity-cache:invalidations"
_TAG = "ec1-tag:"


class Unavailable(Exception):
    """Invalidation could not reach Redis (the entries there stay until their TTL)."""


class Store:
    __slots__ = ("fetches", "memory", "redis")

    def __init__(self, memory: MemoryTier | None, redis: RedisClient | None = None) -> None:
        self.memory = memory
        self.redis = redis
        self.fetches = FetchMemo(max(memory.max_entries // 4, 16)) if memory is not None else None

    async def get_many(self, keys: Sequence[str]) -> list[Entry | None]:
        now = time.time()
        memory = self.memory
        found: list[Entry | None] = (
            [memory.get(k, now) for k in keys] if memory is not None else [None] * len(keys)
        )
        if self.redis is None:
            return found
        missing = [i for i, e in enumerate(found) if e is None]
        if not missing:
            return found
        from gateway.redis.client import RedisUnavailable

        try:
            raw = await self.redis.get_many([keys[i] for i in missing], renew=False)
        except RedisUnavailable:
            return found  # misses: the subgraph answers
        for i, value in zip(missing, raw, strict=True):
            entry = decode(value) if value is not None else None
            if entry is not None and entry.expires > now:
                found[i] = entry
                if memory is not None:
                    memory.put(keys[i], entry, now)
        return found

    async def put_many(self, items: Sequence[tuple[str, Entry]], ttl: float) -> None:
        if self.memory is not None:
            for key, entry in items:
                self.memory.put(key, entry)
        if self.redis is None or not items:
            return
        from gateway.redis.client import RedisUnavailable

        try:
            await self.redis.set_many({k: encode(e) for k, e in items}, ttl)
            tagged: dict[str, list[str]] = {}
            for key, entry in items:
                for tag in entry.tags:
                    tagged.setdefault(tag, []).append(key)
            for tag, keys in tagged.items():
                await self.redis.tag(_TAG + tag, keys, ttl)
        except RedisUnavailable:
            pass  # not stored: the next request asks the subgraph again

    async def invalidate(self, requests: Sequence[Invalidation]) -> int:
        """Remove what ``requests`` match, here, in Redis and on the other replicas; the
        number of entries removed (Redis's count when there is Redis)."""
        dropped = self.drop_local(requests)
        if self.redis is None:
            return dropped
        from gateway.redis.client import RedisUnavailable

        try:
            count = 0
            for request in requests:
                for prefix in request.prefixes():
                    count += await self.redis.delete_matching(prefix + "*")
                if request.cache_tag is not None:
                    count += await self._delete_tagged(request)
            message = orjson.dumps([r.to_json() for r in requests])
            await self.redis.publish(CHANNEL, message)
        except RedisUnavailable as exc:
            raise Unavailable(str(exc)) from None
        return count

    async def _delete_tagged(self, request: Invalidation) -> int:
        assert self.redis is not None and request.cache_tag is not None
        tag = _TAG + request.cache_tag
        members = await self.redis.tagged(tag)
        starts = tuple(prefix(s) for s in request.subgraphs)
        keys = [k for k in members if k.startswith(starts)]
        deleted = await self.redis.delete(keys)
        if len(keys) == len(members):  # the tag's set names other subgraphs' keys otherwise
            await self.redis.delete([tag])
        return deleted

    def drop_local(self, requests: Sequence[Invalidation]) -> int:
        if self.fetches is not None:
            self.fetches.clear()
        if self.memory is None:
            return 0
        return sum(self.memory.drop(r.matches) for r in requests)

    def remote(self, message: bytes) -> None:
        """Another replica's invalidation (pub/sub): drop the same entries from memory."""
        try:
            requests = [Invalidation.from_json(r) for r in orjson.loads(message)]
        except (orjson.JSONDecodeError, KeyError, TypeError):
            log.warning("fedgate: entity cache: an invalidation message could not be read")
            return
        self.drop_local(requests)

    def reconnected(self) -> None:
        """Pub/sub (re)subscribed: invalidations sent meanwhile are lost, so memory goes."""
        if self.fetches is not None:
            self.fetches.clear()
        if self.memory is not None:
            self.memory.clear()
