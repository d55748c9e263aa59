"""``SharedState``: the app's Redis clients and the stores built on them, made once per app
from ``GatewayConfig.shared_state`` (and only when it is set: this module imports redis-py).

One ``RedisClient`` per distinct connection (blocks that differ only in namespace or TTL
share the pool: ``client_for``); the clients live as long as the app (a reload keeps them:
a new generation asks ``client_for`` again and gets the same one when its block is the
same). ``start`` checks ``required_to_start`` at start-up; ``close`` at shutdown.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from gateway.config.shared_state import SharedStateConfig
from gateway.edge.store import BucketStore, MemoryQueries, QueryStore
from gateway.supergraph import Supergraph

from .client import RedisClient, RedisUnavailable
from .config import RedisConfig
from .plans import SharedPlans
from .stores import RedisBuckets, TieredQueries

if TYPE_CHECKING:
    from gateway.config import GatewayConfig

__all__ = ["SharedState", "unreachable"]


class SharedState:
    def __init__(self) -> None:
        self._clients: dict[tuple[object, ...], RedisClient] = {}
        self._buckets: dict[object, RedisBuckets] = {}
        self._queries: dict[object, TieredQueries] = {}

    def client_for(self, config: RedisConfig, name: str) -> RedisClient:
        """The client for ``config``: one per distinct block (namespace, TTL and
        ``reset_ttl`` included: they shape the keys), created on first ask."""
        key = (config.connection, config.namespace, config.ttl, config.reset_ttl)
        client = self._clients.get(key)
        if client is None:
            client = self._clients[key] = RedisClient(config, name)
        return client

    def queries(self, config: SharedStateConfig | None, limit: int) -> QueryStore | None:
        """APQ's store: the LRU of ``limit`` texts, then Redis; None without a Redis block."""
        if config is None or config.apq is None:
            return None
        key = (config.apq, limit)  # the same store across reloads that keep the settings
        store = self._queries.get(key)
        if store is None:
            client = self.client_for(config.apq, "apq")
            store = self._queries[key] = TieredQueries(MemoryQueries(limit), client)
        return store

    def buckets(self, config: SharedStateConfig | None) -> BucketStore | None:
        """The rate limits' buckets in Redis; None without ``fedgate.rate_limit_store``."""
        if config is None or config.rate_limits is None:
            return None
        store = config.rate_limits
        buckets = self._buckets.get(store)
        if buckets is None:
            client = self.client_for(store.redis, "rate limits")
            buckets = self._buckets[store] = RedisBuckets(client, store.fail_policy)
        return buckets

    def plans(self, config: GatewayConfig, supergraph: object) -> SharedPlans | None:
        """The plan cache's Redis tier for one generation; None without its block (or with
        a supergraph that is not fedgate's loaded model: no SDL to key the plans by)."""
        shared = config.shared_state
        if shared is None or shared.query_plans is None or not isinstance(supergraph, Supergraph):
            return None
        client = self.client_for(shared.query_plans, "query plans")
        settings = (config.batch_fetches, config.limits, config.defer.enabled)
        return SharedPlans(client, supergraph.sdl, settings)

    async def start(self) -> None:
        """Every client once: ``required_to_start`` blocks refuse to start without Redis
        (``RedisUnavailable``), the others log and come up when Redis does."""
        for client in list(self._clients.values()):
            await client.start()

    async def close(self) -> None:
        for client in list(self._clients.values()):
            await client.close()
        self._clients.clear()
        self._buckets.clear()
        self._queries.clear()


def unreachable(config: SharedStateConfig) -> str | None:
    """Before serving (``fedgate serve``, outside any loop): why a ``required_to_start``
    block's Redis cannot be used, or None. The lifespan checks again, per worker."""

    async def check() -> str | None:
        state = SharedState()
        store = config.rate_limits.redis if config.rate_limits is not None else None
        blocks = [config.apq, config.query_plans, store]
        for block in blocks:
            if block is not None and block.required_to_start:
                state.client_for(block, "redis")
        try:
            await state.start()
        except RedisUnavailable as exc:
            return f"{exc} (required_to_start)"
        finally:
            await state.close()
        return None

    return asyncio.run(check())
