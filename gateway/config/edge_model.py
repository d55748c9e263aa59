"""The edge features' configuration records: demand control, APQ, persisted queries, rate
limits and the client address allow-list. Built by ``gateway/config/edge.py``; each is
``None`` (or off) when not configured, so the runtime builds nothing for it."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from typing import Literal

from gateway.errors import ConfigError

__all__ = [
    "AccessConfig",
    "ApqConfig",
    "ClientKey",
    "ClientRateLimit",
    "DemandControlConfig",
    "EdgeConfig",
    "Network",
    "PersistedQueriesConfig",
    "RateLimit",
    "SubgraphCostLimits",
]

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@dataclass(frozen=True, slots=True)
class DemandControlConfig:
    """Apollo's ``demand_control`` with the ``static_estimated`` strategy."""

    mode: Literal["measure", "enforce"] = "measure"
    list_size: int = 0
    max: float = float("inf")
    # Apollo's default: each subgraph response scored; by_response_shape scores the client's
    actual_cost_mode: Literal["by_subgraph", "by_response_shape"] = "by_subgraph"
    # fedgate.demand_control.expose_in_extensions: the costs in ``extensions.cost``
    expose_in_extensions: bool = False
    # static_estimated.subgraph: limits on each subgraph's estimated cost (None: not set)
    subgraph: SubgraphCostLimits | None = None


@dataclass(frozen=True, slots=True)
class SubgraphCostLimits:
    """Apollo's ``static_estimated.subgraph``: ``all`` and ``subgraphs.<name>``, each with an
    optional ``max`` and ``list_size``; a subgraph's own value wins over ``all``'s."""

    all_max: float | None = None
    all_list_size: int | None = None
    # (name, max, list_size) per subgraph named: a tuple keeps the record hashable
    subgraphs: tuple[tuple[str, float | None, int | None], ...] = ()

    def max_for(self, name: str) -> float | None:
        for subgraph, limit, _ in self.subgraphs:
            if subgraph == name and limit is not None:
                return limit
        return self.all_max

    def list_size_for(self, name: str, default: int) -> int:
        for subgraph, _, size in self.subgraphs:
            if subgraph == name and size is not None:
                return size
        return default if self.all_list_size is None else self.all_list_size


@dataclass(frozen=True, slots=True)
class ApqConfig:
    """Apollo's ``apq``: on by default, as in Apollo Router; ``limit`` entries in memory."""

    enabled: bool = True
    limit: int = 512


@dataclass(frozen=True, slots=True)
class PersistedQueriesConfig:
    """Apollo's ``persisted_queries`` with ``local_manifests`` (Apollo's manifest format or
    Relay's id → text JSON)."""

    enabled: bool = False
    log_unknown: bool = False
    safelist: bool = False
    require_id: bool = False
    manifests: tuple[str, ...] = ()
    hot_reload: bool = False


@dataclass(frozen=True, slots=True)
class RateLimit:
    """``global_rate_limit``: ``capacity`` requests per ``interval`` seconds (token bucket,
    ``burst`` tokens at most; Apollo's has no burst setting, so it is ``capacity``)."""

    capacity: int
    interval: float
    burst: int = 0

    def __post_init__(self) -> None:
        if self.interval <= 0 or self.capacity < 1 or self.burst < 0:
            raise ConfigError(
                "global_rate_limit: capacity must be at least 1 and interval positive"
            )

    @property
    def size(self) -> int:
        return self.burst or self.capacity

    @property
    def per_second(self) -> float:
        return self.capacity / self.interval


@dataclass(frozen=True, slots=True)
class ClientKey:
    """What tells clients apart: a header, a JWT claim, or (default, and the fallback when
    the header or claim is missing) the client address."""

    kind: Literal["header", "claim", "client_address"]
    name: str = ""


@dataclass(frozen=True, slots=True)
class ClientRateLimit:
    """``fedgate.rate_limit.per_client``: one token bucket per client key."""

    key: ClientKey
    limit: RateLimit
    max_clients: int = 100_000


@dataclass(frozen=True, slots=True)
class AccessConfig:
    """``fedgate.client_access``: the networks allowed to call the GraphQL endpoint, and the
    proxies whose ``X-Forwarded-For`` is believed."""

    allow: tuple[Network, ...] = ()
    trusted_proxies: tuple[Network, ...] = ()


@dataclass(frozen=True, slots=True)
class EdgeConfig:
    demand_control: DemandControlConfig | None = None
    apq: ApqConfig = ApqConfig()
    persisted_queries: PersistedQueriesConfig = PersistedQueriesConfig()
    router_rate_limit: RateLimit | None = None
    client_rate_limit: ClientRateLimit | None = None
    # per subgraph (name, limit) pairs: a tuple keeps the record hashable
    subgraph_rate_limits: tuple[tuple[str, RateLimit], ...] = ()
    all_subgraphs_rate_limit: RateLimit | None = None
    access: AccessConfig | None = None

    @property
    def admits(self) -> bool:
        """Whether a request must pass an admission check before the pipeline."""
        return bool(self.router_rate_limit or self.client_rate_limit or self.access)

    @property
    def limits_subgraphs(self) -> bool:
        return bool(self.subgraph_rate_limits or self.all_subgraphs_rate_limit)

    def subgraph_limit(self, name: str) -> RateLimit | None:
        for subgraph, limit in self.subgraph_rate_limits:
            if subgraph == name:
                return limit
        return self.all_subgraphs_rate_limit
