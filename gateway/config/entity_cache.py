"""Apollo Router's entity cache: ``preview_entity_cache`` (Router 1.x/2.x) or its successor
``response_cache`` (Router 2.10+, the same keys), and fedgate's ``fedgate.entity_cache``
extras: their schema and the ``EntityCacheConfig`` they make (docs/entity-cache.md).

Apollo's keys: ``enabled``; ``subgraph.all`` and ``subgraph.subgraphs.<name>`` with
``enabled`` (default true), ``ttl`` (used when a response has no ``Cache-Control`` max-age;
required somewhere, as Apollo requires it), ``private_id`` (the claim or context entry naming
the user, which partitions private data) and ``invalidation.enabled`` / ``shared_key``;
``subgraph.all.redis`` (Apollo's ``redis:`` block; the 1.x ``preview_entity_cache.redis``
too); ``invalidation.listen`` / ``path`` (the invalidation endpoint). fedgate's own:
``memory.max_entries`` (the in-memory tier's bound, default 10000; 0: Redis only) and
``memory.ttl`` (with Redis, how long an entry stays in a replica's memory at most, default
5s) and ``private_id_header`` (all, or ``subgraphs.<name>.private_id_header``: a header set by
a trusted proxy names the user, instead of a claim).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from gateway.errors import ConfigError

from .schema import Bool, Duration, Int, MapOf, Obj, Str, Unsupported
from .shared_state import redis_schema
from .source import Source

if TYPE_CHECKING:
    from gateway.redis.config import RedisConfig

__all__ = [
    "ENTITY_CACHE",
    "FEDGATE_ENTITY_CACHE",
    "EntityCacheConfig",
    "SubgraphCacheConfig",
    "entity_cache_config",
]

DEFAULT_MEMORY_ENTRIES = 10_000
DEFAULT_MEMORY_TTL = 5.0
_INVALIDATION = Obj(
    {
        "enabled": Bool("accept invalidation requests for this subgraph"),
        "shared_key": Str("the Authorization header value invalidation requests must carry"),
    }
)
_SUBGRAPH_KEYS: dict[str, Any] = {
    "enabled": Bool("cache this subgraph's entities and root fields (default true)"),
    "ttl": Duration("how long entries live when Cache-Control gives no max-age"),
    "private_id": Str("the JWT claim or context entry naming the user (private data)"),
    "invalidation": _INVALIDATION,
    "expose_keys_in_context": Unsupported("cache keys in the request context"),
}
_REDIS = redis_schema(
    "entities in Redis, shared by the replicas (docs/entity-cache.md)",
    "a default TTL for entries (subgraph.all.ttl wins)",
)
ENTITY_CACHE = Obj(
    {
        "enabled": Bool("turn the entity cache on"),
        "subgraph": Obj(
            {
                "all": Obj({**_SUBGRAPH_KEYS, "redis": _REDIS}),
                "subgraphs": MapOf(
                    Obj({**_SUBGRAPH_KEYS, "redis": Unsupported("a Redis per subgraph")})
                ),
            }
        ),
        "redis": _REDIS,  # Router 1.x's place for it (moved to subgraph.all.redis)
        "invalidation": Obj(
            {
                "listen": Str("host:port of the invalidation endpoint", pattern=r".+:\d+"),
                "path": Str("its path (default /invalidation)", pattern="/.*"),
            }
        ),
        "metrics": Unsupported("the entity cache's own metrics block"),
        "debug": Unsupported("the cache debugger"),
    },
    "Apollo Router's entity cache (docs/entity-cache.md)",
)
_PRIVATE_HEADER = Str("a header naming the user (set by a trusted proxy), over private_id")
FEDGATE_ENTITY_CACHE = Obj(
    {
        "memory": Obj(
            {
                "max_entries": Int("entries kept in each replica's memory (0: none)", minimum=0),
                "ttl": Duration("with Redis: how long an entry stays in memory at most"),
            }
        ),
        "private_id_header": _PRIVATE_HEADER,
        "subgraphs": MapOf(Obj({"private_id_header": _PRIVATE_HEADER})),
    },
    "fedgate's entity cache extras (docs/entity-cache.md)",
)


@dataclass(frozen=True, slots=True)
class SubgraphCacheConfig:
    enabled: bool = True
    ttl: float = 0.0
    private_id: str | None = None
    private_id_header: str | None = None
    invalidation: bool = False
    shared_key: str | None = None


@dataclass(frozen=True, slots=True)
class EntityCacheConfig:
    """``all``: every subgraph's settings; ``subgraphs``: each named one's, with ``all``'s
    filled in where it says nothing."""

    all: SubgraphCacheConfig
    subgraphs: Mapping[str, SubgraphCacheConfig] = field(
        default_factory=lambda: MappingProxyType({})
    )
    redis: RedisConfig | None = None
    listen: str | None = None
    path: str = "/invalidation"
    memory_entries: int = DEFAULT_MEMORY_ENTRIES
    memory_ttl: float = DEFAULT_MEMORY_TTL

    def for_subgraph(self, name: str) -> SubgraphCacheConfig:
        return self.subgraphs.get(name, self.all)

    @property
    def invalidation(self) -> bool:
        """Whether the invalidation endpoint is served (some subgraph accepts requests)."""
        return self.listen is not None and (
            self.all.invalidation or any(s.invalidation for s in self.subgraphs.values())
        )

    @property
    def listen_host_port(self) -> tuple[str, int] | None:
        if self.listen is None:
            return None
        host, _, port = self.listen.rpartition(":")
        return host.strip("[]") or "127.0.0.1", int(port)


def entity_cache_config(
    checked: dict[str, Any], extras: dict[str, Any], source: Source
) -> EntityCacheConfig | None:
    """None when neither key turns the cache on (nothing of it is then built)."""
    name, raw = _section(checked, source)
    if raw is None or not raw.get("enabled", False):
        return None
    where = source.where((name,))
    subgraph = raw.get("subgraph", {})
    all_raw = subgraph.get("all", {})
    headers = extras.get("subgraphs", {})
    redis_raw = all_raw.get("redis", raw.get("redis"))
    redis = _redis(redis_raw, source, name) if redis_raw is not None else None
    default_ttl = all_raw.get("ttl", redis.ttl if redis is not None else None)
    base = _subgraph(all_raw, SubgraphCacheConfig(), extras.get("private_id_header"))
    per = {
        sub: _subgraph(entry, base, headers.get(sub, {}).get("private_id_header"))
        for sub, entry in subgraph.get("subgraphs", {}).items()
    }
    per.update(
        {
            sub: replace(base, private_id_header=entry["private_id_header"])
            for sub, entry in headers.items()
            if sub not in per and "private_id_header" in entry
        }
    )
    for sub, conf in {"all": base, **per}.items():
        if conf.enabled and conf.ttl <= 0 and default_ttl is None:
            raise ConfigError(
                f"{where}: {name}: a TTL is needed ({name}.subgraph.all.ttl, or {sub}'s ttl): "
                "it applies when a subgraph response has no Cache-Control max-age"
            )
        if conf.invalidation and not conf.shared_key:
            raise ConfigError(f"{where}: {name}: {sub}: invalidation.enabled needs a shared_key")
    if default_ttl is not None:
        base = _with_ttl(base, default_ttl)
        per = {k: _with_ttl(v, default_ttl) for k, v in per.items()}
    memory = extras.get("memory", {})
    invalidation = raw.get("invalidation", {})
    config = EntityCacheConfig(
        all=base,
        subgraphs=MappingProxyType(per),
        redis=redis,
        listen=invalidation.get("listen"),
        path=invalidation.get("path", "/invalidation"),
        memory_entries=memory.get("max_entries", DEFAULT_MEMORY_ENTRIES),
        memory_ttl=memory.get("ttl", DEFAULT_MEMORY_TTL),
    )
    if redis is None and config.memory_entries == 0:
        raise ConfigError(
            f"{where}: {name}: without Redis, fedgate.entity_cache.memory is the only tier"
        )
    if (config.all.invalidation or any(s.invalidation for s in per.values())) and not config.listen:
        raise ConfigError(f"{where}: {name}: invalidation needs invalidation.listen (host:port)")
    return config


def _section(checked: dict[str, Any], source: Source) -> tuple[str, dict[str, Any] | None]:
    old, new = checked.get("preview_entity_cache"), checked.get("response_cache")
    if old is not None and new is not None:
        raise ConfigError(
            f"{source.where(('response_cache',))}: preview_entity_cache and response_cache "
            "are the same cache: keep one"
        )
    return ("response_cache", new) if new is not None else ("preview_entity_cache", old)


def _subgraph(
    raw: dict[str, Any], base: SubgraphCacheConfig, header: str | None
) -> SubgraphCacheConfig:
    invalidation = raw.get("invalidation", {})
    return SubgraphCacheConfig(
        enabled=raw.get("enabled", base.enabled),
        ttl=raw.get("ttl", base.ttl),
        private_id=raw.get("private_id", base.private_id),
        private_id_header=(header or base.private_id_header or "").lower() or None,
        invalidation=invalidation.get("enabled", base.invalidation),
        shared_key=invalidation.get("shared_key", base.shared_key),
    )


def _with_ttl(conf: SubgraphCacheConfig, ttl: float) -> SubgraphCacheConfig:
    return conf if conf.ttl > 0 else replace(conf, ttl=ttl)


def _redis(raw: dict[str, Any], source: Source, name: str) -> RedisConfig:
    from gateway.redis.config import redis_config

    path = (name, "subgraph", "all", "redis")
    return redis_config(raw, f"{source.where(path)}: {'.'.join(path)}")
