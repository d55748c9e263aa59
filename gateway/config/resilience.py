"""Resilience settings: retries, circuit breakers, bulkheads, per-subgraph connect timeouts,
the pool's idle time and the health view. Their schema and the ``ResilienceConfig`` built
from them.

Apollo Router's keys where it has them: ``traffic_shaping.all|subgraphs.<name>.timeout``
(whole request, elsewhere) and ``experimental_retry`` (Apollo Router 1.x's retry budget:
``min_per_sec``, ``ttl``, ``retry_percent``, ``retry_mutations``; 2.x dropped the key, fedgate
keeps its meaning). Apollo has no breaker, bulkhead or backoff keys: those are fedgate's, under
``fedgate.traffic_shaping.all|subgraphs.<name>``. A subgraph's own block wins over ``all``,
key by key; ``enabled: false`` there turns off what ``all`` turned on.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from types import MappingProxyType
from typing import Any

from gateway.errors import ConfigError
from gateway.resilience.policy import (
    BreakerPolicy,
    BulkheadPolicy,
    ResiliencePolicies,
    RetryPolicy,
    SubgraphPolicy,
)
from gateway.transport.http import POOL_IDLE_TIMEOUT

from .schema import Anything, Bool, Duration, Int, Kind, MapOf, Obj, Str
from .source import Source

__all__ = [
    "EXPERIMENTAL_RETRY",
    "FEDGATE_RESILIENCE_KEYS",
    "HealthView",
    "ResilienceConfig",
    "resilience_config",
]

_NUMBER = "a number"
EXPERIMENTAL_RETRY = Obj(
    {
        "min_per_sec": Anything(f"retries allowed each second whatever the traffic ({_NUMBER})"),
        "ttl": Duration("how long each request's deposit in the retry budget lives"),
        "retry_percent": Anything(f"retries as a share of recent requests ({_NUMBER}, 0.2)"),
        "retry_mutations": Bool("retry mutations too (only if they are idempotent)"),
    },
    "Apollo Router 1.x's retry budget; turns retries on (docs/resilience.md)",
)
_RETRY = Obj(
    {
        "enabled": Bool("false: no retries for this subgraph"),
        "max_attempts": Int("tries in all, the first included (default 3)", minimum=1),
        "initial_backoff": Duration("the first backoff step (default 50ms), full jitter"),
        "max_backoff": Duration("the largest backoff step (default 1s)"),
        "max_retry_after": Duration("a longer Retry-After is not waited for (default 5s)"),
        **EXPERIMENTAL_RETRY.fields,
    },
    "retries with exponential backoff and full jitter; turns retries on",
)
_BREAKER = Obj(
    {
        "enabled": Bool("false: no breaker for this subgraph"),
        "failure_rate": Anything(f"open when this share of recent calls failed ({_NUMBER})"),
        "window": Duration("the sliding window the failure rate is over (default 10s)"),
        "minimum_calls": Int("calls in the window before the rate counts (20)", minimum=1),
        "consecutive_failures": Int("open after this many failures in a row (0: off)", minimum=0),
        "open_duration": Duration("how long it stays open before probing (default 5s)"),
        "half_open_probes": Int("trial calls that must succeed to close it (3)", minimum=1),
    },
    "a circuit breaker: while open, calls fail at once (SUBGRAPH_CIRCUIT_OPEN)",
)
_BULKHEAD = Obj(
    {
        "enabled": Bool("false: no bulkhead for this subgraph"),
        "max_concurrent": Int("calls in flight to the subgraph at most (default 100)", minimum=1),
        "max_wait": Duration("how long a call may wait for a slot (default 0: none)"),
    },
    "a bound on concurrent calls; when full, SUBGRAPH_BULKHEAD_FULL",
)
_PER_SUBGRAPH = Obj(
    {
        "connect_timeout": Duration("seconds to connect (fedgate.connect_timeout otherwise)"),
        "retry": _RETRY,
        "circuit_breaker": _BREAKER,
        "bulkhead": _BULKHEAD,
    }
)
FEDGATE_RESILIENCE_KEYS: dict[str, Kind] = {
    "traffic_shaping": Obj(
        {
            "pool_idle_timeout": Duration(
                "drop pooled connections idle this long (default 4s: below servers' 5 s)"
            ),
            "all": _PER_SUBGRAPH,
            "subgraphs": MapOf(_PER_SUBGRAPH),
        },
        "retries, circuit breakers, bulkheads (docs/resilience.md)",
    ),
    "health": Obj(
        {
            "detail": Bool("serve <health_check.path>/detail: each subgraph's state (false)"),
            "detail_path": Str("where the detail is served", pattern="/.*"),
            "require_subgraphs": Bool("readiness asks every subgraph for { __typename }"),
            "probe_timeout": Duration("how long readiness waits for each subgraph (2s)"),
        },
        "the subgraph health view (docs/resilience.md)",
    ),
}


@dataclass(frozen=True, slots=True)
class HealthView:
    detail: bool = False
    detail_path: str | None = None  # None: <health_check.path>/detail
    require_subgraphs: bool = False
    probe_timeout: float = 2.0


@dataclass(frozen=True, slots=True)
class ResilienceConfig:
    policies: ResiliencePolicies = field(default_factory=ResiliencePolicies)
    connect_timeouts: Mapping[str, float] = field(default_factory=lambda: MappingProxyType({}))
    connect_timeout: float | None = None  # fedgate.traffic_shaping.all.connect_timeout
    pool_idle_timeout: float = POOL_IDLE_TIMEOUT
    health: HealthView = HealthView()

    def __post_init__(self) -> None:
        object.__setattr__(self, "connect_timeouts", MappingProxyType(dict(self.connect_timeouts)))


def resilience_config(checked: dict[str, Any], source: Source) -> ResilienceConfig:
    """From the checked file: Apollo's ``traffic_shaping`` and ``fedgate``'s sections."""
    apollo = checked.get("traffic_shaping", {})
    ours = checked.get("fedgate", {}).get("traffic_shaping", {})
    health = checked.get("fedgate", {}).get("health", {})
    names = set(apollo.get("subgraphs", {})) | set(ours.get("subgraphs", {}))
    all_policy = _policy(apollo.get("all", {}), ours.get("all", {}), {}, {}, source, ("all",))
    per = {
        name: _policy(
            apollo.get("all", {}),
            ours.get("all", {}),
            apollo.get("subgraphs", {}).get(name, {}),
            ours.get("subgraphs", {}).get(name, {}),
            source,
            ("subgraphs", name),
        )
        for name in sorted(names)
    }
    connects = {
        name: entry["connect_timeout"]
        for name, entry in ours.get("subgraphs", {}).items()
        if "connect_timeout" in entry
    }
    stats = bool(health.get("detail", False))
    return ResilienceConfig(
        ResiliencePolicies(all_policy, per, stats),
        connects,
        ours.get("all", {}).get("connect_timeout"),
        ours.get("pool_idle_timeout", POOL_IDLE_TIMEOUT),
        HealthView(
            stats,
            health.get("detail_path"),
            health.get("require_subgraphs", False),
            health.get("probe_timeout", 2.0),
        ),
    )


def _policy(
    apollo_all: dict[str, Any],
    ours_all: dict[str, Any],
    apollo_one: dict[str, Any],
    ours_one: dict[str, Any],
    source: Source,
    at: tuple[str, ...],
) -> SubgraphPolicy:
    retry = {
        **apollo_all.get("experimental_retry", {}),
        **ours_all.get("retry", {}),
        **apollo_one.get("experimental_retry", {}),
        **ours_one.get("retry", {}),
    }
    breaker = {**ours_all.get("circuit_breaker", {}), **ours_one.get("circuit_breaker", {})}
    bulkhead = {**ours_all.get("bulkhead", {}), **ours_one.get("bulkhead", {})}
    where = source.where(("fedgate", "traffic_shaping", *at))
    return SubgraphPolicy(
        _build(RetryPolicy, retry, where, {"retry_percent": (0.0, None), "min_per_sec": (0, None)}),
        _build(BreakerPolicy, breaker, where, {"failure_rate": (0.0, 1.0)}),
        _build(BulkheadPolicy, bulkhead, where, {}),
    )


def _build(
    cls: Any, raw: dict[str, Any], where: str, numbers: dict[str, tuple[float, float | None]]
) -> Any:
    if not raw or raw.get("enabled", True) is False:
        return None
    values = {k: v for k, v in raw.items() if k != "enabled"}
    for key, (low, high) in numbers.items():
        if key in values:
            value = values[key]
            ok = isinstance(value, int | float) and not isinstance(value, bool)
            if not ok or value < low or (high is not None and value > high):
                bound = f"between {low:g} and {high:g}" if high is not None else f">= {low:g}"
                raise ConfigError(f"{where}: {key} must be a number {bound}, got {value!r}")
            values[key] = float(value)
    known = {f.name for f in fields(cls)}
    policy = cls(**{k: v for k, v in values.items() if k in known})
    for f in fields(cls):
        value = getattr(policy, f.name)
        if isinstance(value, float) and value < 0:
            raise ConfigError(f"{where}: {f.name} must not be negative")
    return policy
