"""The stores behind APQ and the rate limits, as interfaces, with the in-memory ones.

Both are async so that a shared store (Redis, with the scale-out issue) plugs in without
changing the callers; the in-memory ones never wait.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Protocol

__all__ = ["BucketStore", "MemoryBuckets", "MemoryQueries", "QueryStore"]


class QueryStore(Protocol):
    """Query texts by sha256 hash (APQ)."""

    async def get(self, key: str) -> str | None: ...

    async def set(self, key: str, query: str) -> None: ...


class MemoryQueries:
    """An LRU of at most ``limit`` query texts."""

    __slots__ = ("_entries", "limit")

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._entries: OrderedDict[str, str] = OrderedDict()

    async def get(self, key: str) -> str | None:
        query = self._entries.get(key)
        if query is not None:
            self._entries.move_to_end(key)
        return query

    async def set(self, key: str, query: str) -> None:
        self._entries[key] = query
        self._entries.move_to_end(key)
        while len(self._entries) > self.limit:
            self._entries.popitem(last=False)

    def __len__(self) -> int:
        return len(self._entries)


class BucketStore(Protocol):
    """Token buckets by key: ``take`` spends one token, or says how many seconds until one
    is there (0.0: taken)."""

    async def take(self, key: str, size: int, per_second: float) -> float: ...


class MemoryBuckets:
    """Token buckets in this process, at most ``max_keys`` of them (least recently used go:
    a forgotten client starts again with a full bucket, which is what a new one gets)."""

    __slots__ = ("_buckets", "_clock", "max_keys")

    def __init__(
        self, max_keys: int = 100_000, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.max_keys = max_keys
        self._clock = clock
        # key -> (tokens, when they were counted)
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()

    async def take(self, key: str, size: int, per_second: float) -> float:
        now = self._clock()
        tokens, then = self._buckets.get(key, (float(size), now))
        tokens = min(float(size), tokens + (now - then) * per_second)
        if tokens >= 1.0:
            self._buckets[key] = (tokens - 1.0, now)
            wait = 0.0
        else:
            self._buckets[key] = (tokens, now)
            wait = (1.0 - tokens) / per_second
        self._buckets.move_to_end(key)
        if len(self._buckets) > self.max_keys:
            self._buckets.popitem(last=False)
        return wait
