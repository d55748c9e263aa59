"""The edge features of one server generation, built once from the config: the query
resolver (APQ, persisted queries, safelist) and the admission checks (allow-list, rate
limits); the subgraph rate limits wrap the subgraph client (``RateLimitedClient``). Stores
go on to the next generation when its settings are the same, so a reload neither forgets
APQ texts nor refills the buckets. Shared state: with Redis blocks configured the app hands
in the Redis-backed ``queries`` and ``buckets`` (gateway/redis/stores.py)."""

from __future__ import annotations

from gateway.config.edge_model import ApqConfig, EdgeConfig, PersistedQueriesConfig

from .admission import Admission
from .persisted import QueryResolver
from .store import BucketStore, QueryStore

__all__ = ["EdgeServer"]


class EdgeServer:
    __slots__ = ("admission", "config", "resolver")

    def __init__(
        self,
        config: EdgeConfig | None,
        previous: EdgeServer | None = None,
        queries: QueryStore | None = None,
        buckets: BucketStore | None = None,
    ) -> None:
        self.config = config
        apq = config.apq if config else ApqConfig()
        persisted = config.persisted_queries if config else PersistedQueriesConfig()
        store: QueryStore | None = queries
        if store is None and previous is not None and previous.resolver.apq == apq:
            store = previous.resolver.store
        self.resolver: QueryResolver = QueryResolver(apq, persisted, store)
        self.admission: Admission | None = None
        if config is not None and config.admits:
            old = previous.admission if previous is not None else None
            same = previous is not None and previous.config == config
            if buckets is None and old is not None and same:
                buckets = old.buckets
            self.admission = Admission(config, buckets)
