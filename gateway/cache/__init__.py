"""The entity cache (docs/entity-cache.md): subgraph ``_entities`` results per
representation and query root fetches, in memory and in Redis, with Apollo Router's
configuration (``preview_entity_cache`` / ``response_cache``) and invalidation endpoint.

Built only when configured (``gateway/config/entity_cache.py``): ``runtime.EntityCache``
(settings, tiers, keys) → ``call.CachingCall`` (the executor's subgraph-call seam: lookups,
only the misses sent, stores) → ``cache_control`` (TTLs in, the client's ``Cache-Control``
out); ``store`` (memory → Redis, invalidation across replicas by pub/sub), ``endpoint`` +
``listener`` (invalidation over HTTP), ``analysis`` / ``facts`` / ``tags`` / ``entry`` (what
the keys are made of)."""

from __future__ import annotations

from .call import POLICY, client_cache_control
from .runtime import EntityCache

__all__ = ["POLICY", "EntityCache", "client_cache_control"]
