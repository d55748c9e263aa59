"""``EntityCache``: one app's entity cache, built once from ``preview_entity_cache`` /
``response_cache`` and the supergraph: the per-subgraph settings, the tiers, the operation
shapes and schema facts, the private partitions seen, hit and miss counts.

``wrap_call`` puts it in the executor's fetch path (``call.py``); ``open``/``close`` run in
the app's lifespan (the Redis client, the pub/sub subscriber that applies the other replicas'
invalidations). Keys: ``entry.py``."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from gateway.context import CONTEXT_ENTRIES, RequestContext

from .analysis import Shapes, digest
from .entry import VERSION
from .facts import SchemaFacts
from .memory import MemoryTier
from .requests import entity_digest
from .store import CHANNEL, Store

if TYPE_CHECKING:
    from gateway.config.entity_cache import EntityCacheConfig
    from gateway.execution.executor import SubgraphCall
    from gateway.redis.pubsub import Subscriber

__all__ = ["EntityCache", "SubgraphSettings"]

log = logging.getLogger("fedgate.entity_cache")
_KEY_MEMO = 50_000


@dataclass(frozen=True, slots=True)
class SubgraphSettings:
    """What the cache needs per call for one subgraph it caches."""

    ttl: float
    private_id: str | None = None
    private_id_header: str | None = None


class EntityCache:
    def __init__(self, config: EntityCacheConfig, supergraph: Any = None) -> None:
        self.config = config
        self.shapes = Shapes()
        self.facts = SchemaFacts.of(supergraph)
        self._query_type = str(getattr(supergraph, "query_type", "Query"))
        self._settings: dict[str, SubgraphSettings | None] = {}
        self._private: set[tuple[str, str]] = set()
        redis = None
        if config.redis is not None:
            from gateway.redis.client import RedisClient

            redis = RedisClient(config.redis, "entity cache")
        memory = MemoryTier(config.memory_entries, config.memory_ttl if redis else None)
        self.store = Store(memory if config.memory_entries > 0 else None, redis)
        self._subscriber: Subscriber | None = None
        # (subgraph, selection, variables, private id, *representation items) → key
        self.key_memo: dict[tuple[Any, ...], str] = {}
        self.hits = 0
        self.misses = 0

    def retarget(self, supergraph: Any) -> None:
        """A reload's new supergraph: its keys and tags (entries stay: their keys name the
        subgraph and the selection, which a new schema does not change the meaning of)."""
        self.facts = SchemaFacts.of(supergraph)

    def wrap_call(self, inner: SubgraphCall) -> SubgraphCall:
        from .call import CachingCall

        return CachingCall(inner, self)

    # ---- lifecycle -----------------------------------------------------------------------

    async def open(self) -> None:
        redis = self.store.redis
        if redis is None:
            return
        await redis.start()
        from gateway.redis.pubsub import Subscriber

        self._subscriber = Subscriber(redis, CHANNEL, self.store.remote, self.store.reconnected)
        self._subscriber.start()

    async def close(self) -> None:
        if self._subscriber is not None:
            await self._subscriber.stop()
            self._subscriber = None
        if self.store.redis is not None:
            await self.store.redis.close()

    # ---- per call ------------------------------------------------------------------------

    def settings(self, subgraph: str) -> SubgraphSettings | None:
        """None for a subgraph the cache leaves alone (``enabled: false``)."""
        try:
            return self._settings[subgraph]
        except KeyError:
            pass
        own = self.config.for_subgraph(subgraph)
        found = (
            SubgraphSettings(own.ttl, own.private_id, own.private_id_header)
            if own.enabled
            else None
        )
        self._settings[subgraph] = found
        return found

    def private_id(self, settings: SubgraphSettings, context: RequestContext | None) -> str | None:
        """The user the request is for: the configured header, or the claim / context entry
        ``private_id`` names; None when there is none (private data is then not kept)."""
        if context is None:
            return None
        if settings.private_id_header is not None:
            value: Any = context.headers.get(settings.private_id_header)
        elif settings.private_id is not None:
            value = _context_value(context, settings.private_id)
        else:
            return None
        if value is None or value == "":
            return None
        return str(value)

    def seen_private(self, subgraph: str, selection: str) -> bool:
        return (subgraph, selection) in self._private

    def mark_private(self, subgraph: str, selection: str) -> None:
        self._private.add((subgraph, selection))

    def entity_key(
        self,
        subgraph: str,
        rep: Mapping[str, Any],
        selection: str,
        where: str,
        private_id: str | None,
    ) -> str:
        typename = rep.get("__typename")
        entity = entity_digest(self.facts.entity_key(subgraph, rep))
        key = f"{VERSION}:{subgraph}:{typename}:{entity}:{selection}:{where}"
        return key if private_id is None else f"{key}:p{digest(private_id)}"

    def remember_key(self, known: tuple[Any, ...], key: str) -> None:
        if len(self.key_memo) >= _KEY_MEMO:
            self.key_memo.clear()  # a bound: cheaper than an LRU, and refilled at once
        self.key_memo[known] = key

    def root_key(self, subgraph: str, selection: str, where: str, private_id: str | None) -> str:
        key = f"{VERSION}:{subgraph}:{self._query_type}:root:{selection}:{where}"
        return key if private_id is None else f"{key}:p{digest(private_id)}"

    def facts_entity_tags(self, subgraph: str, typename: Any) -> tuple[str, ...]:
        return self.facts.entity_tags.get((subgraph, str(typename)), ())

    def facts_root_tags(self, subgraph: str) -> dict[str, tuple[str, ...]]:
        return {f: t for (s, f), t in self.facts.root_tags.items() if s == subgraph}

    @property
    def hit_rate(self) -> float:
        total = self.hits + self.misses
        return self.hits / total if total else 0.0


def _context_value(context: RequestContext, name: str) -> Any:
    entries = context.scratch.get(CONTEXT_ENTRIES)
    if entries and name in entries:
        return entries[name]
    claims = context.claims
    return claims.get(name) if claims is not None else None
