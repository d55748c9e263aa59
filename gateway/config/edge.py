"""The edge sections of ``router.yaml``: Apollo Router's ``demand_control``, ``apq``,
``persisted_queries`` and ``traffic_shaping.*.global_rate_limit``, and fedgate's own
``fedgate.rate_limit`` (per-client limits: Apollo has none), ``fedgate.client_access`` (an IP
allow-list) and ``fedgate.demand_control`` (costs in the response). Their schema and the
``EdgeConfig`` they make."""

from __future__ import annotations

import ipaddress
from typing import Any

from gateway.errors import ConfigError

from .edge_model import (
    AccessConfig,
    ApqConfig,
    ClientKey,
    ClientRateLimit,
    DemandControlConfig,
    EdgeConfig,
    Network,
    PersistedQueriesConfig,
    RateLimit,
    SubgraphCostLimits,
)
from .schema import Bool, Duration, Int, Kind, ListOf, MapOf, Obj, OneKey, Str, Unsupported
from .shared_state import APQ_REDIS
from .source import Source

__all__ = [
    "APQ",
    "DEMAND_CONTROL",
    "FEDGATE_EDGE_KEYS",
    "GLOBAL_RATE_LIMIT",
    "PERSISTED_QUERIES",
    "edge_config",
]

GLOBAL_RATE_LIMIT = Obj(
    {
        "capacity": Int("requests allowed per interval", minimum=1),
        "interval": Duration("the interval (e.g. 1s)"),
    },
    "a token bucket refilled with capacity tokens per interval",
    required=("capacity", "interval"),
)

SUBGRAPH_COST = Obj(
    {
        "max": Int("the highest estimated cost of the subgraph's fetches", minimum=0),
        "list_size": Int("assumed list size in the subgraph's fetches", minimum=0),
    },
    "a subgraph's cost limit (a subgraph's own keys win over all's)",
)

DEMAND_CONTROL = Obj(
    {
        "enabled": Bool("compute each operation's cost (default false)"),
        "mode": Str("measure (log only) or enforce (reject over max)", pattern="measure|enforce"),
        "strategy": Obj(
            {
                "static_estimated": Obj(
                    {
                        "list_size": Int("assumed size of a list without @listSize", minimum=0),
                        "max": Int("the highest estimated cost allowed", minimum=0),
                        "actual_cost_mode": Str(
                            "by_subgraph (default: the subgraph responses scored) or "
                            "by_response_shape (the client's response scored)",
                            pattern="by_subgraph|by_response_shape",
                        ),
                        "subgraph": Obj(
                            {
                                "all": SUBGRAPH_COST,
                                "subgraphs": MapOf(SUBGRAPH_COST, "by subgraph name"),
                            },
                            "limits on each subgraph's estimated cost (its fetches in the plan)",
                        ),
                    },
                    required=("list_size", "max"),
                ),
                "test": Unsupported("Apollo's test strategy"),
            }
        ),
    },
    "Apollo Router's demand control (docs/demand-control.md)",
)

APQ = Obj(
    {
        "enabled": Bool("automatic persisted queries (default true, as in Apollo Router)"),
        "router": Obj(
            {
                "cache": Obj(
                    {
                        "in_memory": Obj({"limit": Int("queries kept (LRU)", minimum=1)}),
                        "redis": APQ_REDIS,  # shared state (gateway/config/shared_state.py)
                    }
                )
            }
        ),
        "subgraph": Unsupported("APQ towards subgraphs"),
    },
    "Apollo's automatic persisted queries (docs/persisted-queries.md)",
)

PERSISTED_QUERIES = Obj(
    {
        "enabled": Bool("resolve persisted query ids from the manifests"),
        "log_unknown": Bool("log operations that are not in the manifests"),
        "safelist": Obj(
            {
                "enabled": Bool("refuse operations that are not in the manifests"),
                "require_id": Bool("refuse operations sent as text, even listed ones"),
            }
        ),
        "local_manifests": ListOf(Str(), "manifest files (Apollo's format or Relay's JSON)"),
        "hot_reload": Bool("reload the manifests when they change"),
        "experimental_prewarm_query_plan_cache": Unsupported("plan cache prewarming"),
    },
    "persisted queries and safelisting (docs/persisted-queries.md)",
)

_CLIENT_KEY = OneKey(
    {
        "header": Str("a request header's value"),
        "claim": Str("a JWT claim of the authenticated client"),
        "client_address": Bool("the client's address (after trusted proxies)"),
    },
    "what tells clients apart (missing header or claim: the client address)",
)
FEDGATE_EDGE_KEYS: dict[str, Kind] = {
    "rate_limit": Obj(
        {
            "per_client": Obj(
                {
                    "key": _CLIENT_KEY,
                    "capacity": Int("requests per interval, per client", minimum=1),
                    "interval": Duration(),
                    "burst": Int("bucket size (default: capacity)", minimum=1),
                    "max_clients": Int("client buckets kept (LRU)", minimum=1),
                },
                required=("capacity", "interval"),
            )
        },
        "per-client rate limits (Apollo has global ones only: traffic_shaping)",
    ),
    "client_access": Obj(
        {
            "allow": ListOf(Str(), "CIDRs allowed to call the GraphQL endpoint"),
            "trusted_proxies": ListOf(Str(), "CIDRs whose X-Forwarded-For is believed"),
        },
        "an IP allow-list for the GraphQL endpoint",
        required=("allow",),
    ),
    "demand_control": Obj(
        {"expose_in_extensions": Bool("report the costs in extensions.cost")},
        "fedgate's additions to demand_control",
    ),
}


def edge_config(checked: dict[str, Any], source: Source) -> EdgeConfig | None:
    """The edge record, or ``None`` when the file configures none of it (APQ then keeps
    Apollo's default: on, 512 entries)."""
    fedgate = checked.get("fedgate", {})
    shaping = checked.get("traffic_shaping", {})
    keys = ("demand_control", "apq", "persisted_queries")
    configured = any(k in checked for k in keys) or "client_access" in fedgate
    if not configured and not _any_rate_limit(shaping, fedgate):
        return None
    pq = _persisted(checked.get("persisted_queries", {}))
    apq = _apq(checked.get("apq", {}))
    if pq.safelist and apq.enabled:
        where = source.where(("persisted_queries", "safelist", "enabled"))
        raise ConfigError(
            f"{where}: persisted_queries.safelist.enabled needs apq.enabled: false "
            "(APQ would let any operation in; Apollo Router refuses this combination too)"
        )
    subgraphs = shaping.get("subgraphs", {})
    return EdgeConfig(
        demand_control=_demand(checked.get("demand_control", {}), fedgate),
        apq=apq,
        persisted_queries=pq,
        router_rate_limit=_rate(shaping.get("router", {}).get("global_rate_limit")),
        client_rate_limit=_client_limit(fedgate.get("rate_limit", {}).get("per_client")),
        subgraph_rate_limits=tuple(
            (name, limit)
            for name, entry in sorted(subgraphs.items())
            if (limit := _rate(entry.get("global_rate_limit"))) is not None
        ),
        all_subgraphs_rate_limit=_rate(shaping.get("all", {}).get("global_rate_limit")),
        access=_access(fedgate.get("client_access"), source),
    )


def _any_rate_limit(shaping: dict[str, Any], fedgate: dict[str, Any]) -> bool:
    sections = [shaping.get("router", {}), shaping.get("all", {})]
    sections += list(shaping.get("subgraphs", {}).values())
    return "rate_limit" in fedgate or any("global_rate_limit" in s for s in sections)


def _demand(raw: dict[str, Any], fedgate: dict[str, Any]) -> DemandControlConfig | None:
    if not raw.get("enabled", False):
        return None
    static = raw.get("strategy", {}).get("static_estimated")
    if static is None:
        raise ConfigError("demand_control.strategy.static_estimated is required when enabled")
    expose = fedgate.get("demand_control", {}).get("expose_in_extensions", False)
    return DemandControlConfig(
        mode=raw.get("mode", "measure"),
        list_size=static["list_size"],
        max=float(static["max"]),
        actual_cost_mode=static.get("actual_cost_mode", "by_subgraph"),
        expose_in_extensions=expose,
        subgraph=_subgraph_costs(static.get("subgraph")),
    )


def _subgraph_costs(raw: dict[str, Any] | None) -> SubgraphCostLimits | None:
    if raw is None:
        return None
    every = raw.get("all", {})
    named = raw.get("subgraphs", {})

    def limit(entry: dict[str, Any]) -> float | None:
        return None if entry.get("max") is None else float(entry["max"])

    return SubgraphCostLimits(
        all_max=limit(every),
        all_list_size=every.get("list_size"),
        subgraphs=tuple(
            (name, limit(entry), entry.get("list_size")) for name, entry in sorted(named.items())
        ),
    )


def _apq(raw: dict[str, Any]) -> ApqConfig:
    limit = raw.get("router", {}).get("cache", {}).get("in_memory", {}).get("limit", 512)
    return ApqConfig(raw.get("enabled", True), limit)


def _persisted(raw: dict[str, Any]) -> PersistedQueriesConfig:
    safelist = raw.get("safelist", {})
    enabled = raw.get("enabled", False)
    if not enabled and (safelist.get("enabled") or raw.get("local_manifests")):
        raise ConfigError("persisted_queries: safelist and local_manifests need enabled: true")
    if enabled and not raw.get("local_manifests"):
        raise ConfigError(
            "persisted_queries.enabled needs local_manifests (GraphOS uplink is not supported)"
        )
    if safelist.get("require_id") and not safelist.get("enabled"):
        raise ConfigError("persisted_queries.safelist.require_id needs safelist.enabled: true")
    return PersistedQueriesConfig(
        enabled=enabled,
        log_unknown=raw.get("log_unknown", False),
        safelist=safelist.get("enabled", False),
        require_id=safelist.get("require_id", False),
        manifests=tuple(raw.get("local_manifests", ())),
        hot_reload=raw.get("hot_reload", False),
    )


def _rate(raw: dict[str, Any] | None) -> RateLimit | None:
    if raw is None:
        return None
    return RateLimit(raw["capacity"], raw["interval"])


def _client_limit(raw: dict[str, Any] | None) -> ClientRateLimit | None:
    if raw is None:
        return None
    key = raw.get("key", {"client_address": True})
    [(kind, value)] = key.items()
    name = value.lower() if kind == "header" else (value if kind == "claim" else "")
    limit = RateLimit(raw["capacity"], raw["interval"], raw.get("burst", 0))
    return ClientRateLimit(ClientKey(kind, name), limit, raw.get("max_clients", 100_000))


def _access(raw: dict[str, Any] | None, source: Source) -> AccessConfig | None:
    if raw is None:
        return None
    return AccessConfig(
        _networks(raw["allow"], ("fedgate", "client_access", "allow"), source),
        _networks(
            raw.get("trusted_proxies", ()), ("fedgate", "client_access", "trusted_proxies"), source
        ),
    )


def _networks(items: list[str], path: tuple[str, ...], source: Source) -> tuple[Network, ...]:
    out: list[Network] = []
    for i, item in enumerate(items):
        try:
            out.append(ipaddress.ip_network(item, strict=False))
        except ValueError:
            raise ConfigError(
                f"{source.where((*path, i))}: {'.'.join(path)}[{i}]: {item!r} is not an "
                "address or CIDR"
            ) from None
    return tuple(out)
