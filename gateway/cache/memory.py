"""The in-memory tier: a bounded LRU of entries (``fedgate.entity_cache.memory``).

Per replica. With Redis too, it sits in front of it with a short TTL of its own, and every
replica drops matching entries when any replica invalidates (decision record: the
invalidation message on Redis pub/sub, plus the TTL bound for a message missed while
disconnected)."""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable, Iterable

from .entry import Entry

__all__ = ["MemoryTier"]


class MemoryTier:
    __slots__ = ("_entries", "max_entries", "max_ttl")

    def __init__(self, max_entries: int, max_ttl: float | None = None) -> None:
        self.max_entries = max_entries
        self.max_ttl = max_ttl  # a bound on how long an entry stays here (None: its own TTL)
        self._entries: OrderedDict[str, tuple[float, Entry]] = OrderedDict()

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: str, now: float) -> Entry | None:
        found = self._entries.get(key)
        if found is None:
            return None
        until, entry = found
        if until <= now:
            del self._entries[key]
            return None
        self._entries.move_to_end(key)
        return entry

    def put(self, key: str, entry: Entry, now: float | None = None) -> None:
        until = entry.expires
        if self.max_ttl is not None:
            until = min(until, (now if now is not None else time.time()) + self.max_ttl)
        self._entries[key] = (until, entry)
        self._entries.move_to_end(key)
        while len(self._entries) > self.max_entries:
            self._entries.popitem(last=False)

    def drop(self, matches: Callable[[str, Entry], bool]) -> int:
        """Remove the entries ``matches`` picks; how many."""
        gone = [k for k, (_, e) in self._entries.items() if matches(k, e)]
        for key in gone:
            del self._entries[key]
        return len(gone)

    def clear(self) -> None:
        self._entries.clear()

    def keys(self) -> Iterable[str]:
        return self._entries.keys()


class FetchMemo:
    """Whole subgraph answers in front of the entries: (subgraph, operation, variables,
    private id) → the data an all-hit fetch returned, until the first of its entries
    expires. A warm fetch is then one lookup and one decode instead of one per entity.

    Memory only, and emptied by every invalidation (here or another replica's) and by a
    pub/sub resubscription, so it never outlives what its entries would have served."""

    __slots__ = ("_entries", "max_entries")

    def __init__(self, max_entries: int) -> None:
        self.max_entries = max_entries
        self._entries: OrderedDict[tuple[object, ...], tuple[float, bool, bytes]] = OrderedDict()

    def get(self, key: tuple[object, ...], now: float) -> tuple[float, bool, bytes] | None:
        found = self._entries.get(key)
        if found is None:
            return None
        if found[0] <= now:
            del self._entries[key]
            return None
        return found

    def put(self, key: tuple[object, ...], expires: float, private: bool, data: bytes) -> None:
        self._entries[key] = (expires, private, data)
        if len(self._entries) > self.max_entries:
            self._entries.popitem(last=False)

    def clear(self) -> None:
        self._entries.clear()
