"""What each subgraph's calls are allowed: retries, a circuit breaker, a bulkhead.

Frozen records made once from the config (``gateway/config/resilience.py``); a subgraph's own
block wins over ``all``, key by key. ``None`` means the feature is off for that subgraph, and
then nothing of it runs per request.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

__all__ = [
    "BreakerPolicy",
    "BulkheadPolicy",
    "ResiliencePolicies",
    "RetryPolicy",
    "SubgraphPolicy",
]


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """Retries with exponential backoff and full jitter, within a retry budget.

    The budget (Apollo Router 1.x's ``experimental_retry`` keys, as Finagle's and Tower's):
    every request deposits a token that lives ``ttl`` seconds; retries may spend
    ``retry_percent`` of the live tokens plus ``min_per_sec`` a second, so an outage is never
    multiplied by more than that share."""

    max_attempts: int = 3  # the first try included
    initial_backoff: float = 0.05
    max_backoff: float = 1.0
    # a Retry-After longer than this is not waited for: the call fails at once
    max_retry_after: float = 5.0
    min_per_sec: float = 10.0
    ttl: float = 10.0
    retry_percent: float = 0.2
    retry_mutations: bool = False


@dataclass(frozen=True, slots=True)
class BreakerPolicy:
    """Closed → open when, over the last ``window`` seconds, at least ``minimum_calls`` calls
    were made and ``failure_rate`` of them failed, or after ``consecutive_failures`` in a row
    (0: off); open for ``open_duration``, then ``half_open_probes`` trial calls close it again
    (any failure among them opens it anew)."""

    failure_rate: float = 0.5
    window: float = 10.0
    minimum_calls: int = 20
    consecutive_failures: int = 0
    open_duration: float = 5.0
    half_open_probes: int = 3


@dataclass(frozen=True, slots=True)
class BulkheadPolicy:
    """At most ``max_concurrent`` calls in flight to the subgraph; a call waits at most
    ``max_wait`` seconds for a free slot (0: refused at once when full)."""

    max_concurrent: int = 100
    max_wait: float = 0.0


@dataclass(frozen=True, slots=True)
class SubgraphPolicy:
    retry: RetryPolicy | None = None
    breaker: BreakerPolicy | None = None
    bulkhead: BulkheadPolicy | None = None

    @property
    def empty(self) -> bool:
        return self.retry is None and self.breaker is None and self.bulkhead is None


@dataclass(frozen=True, slots=True)
class ResiliencePolicies:
    """``all`` for every subgraph, ``subgraphs`` where one has its own (already merged over
    ``all``). ``stats``: keep recent error rate and latency per subgraph (the health view)
    even when no policy is on."""

    all: SubgraphPolicy = SubgraphPolicy()
    subgraphs: Mapping[str, SubgraphPolicy] = field(default_factory=lambda: MappingProxyType({}))
    stats: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "subgraphs", MappingProxyType(dict(self.subgraphs)))

    def for_subgraph(self, name: str) -> SubgraphPolicy:
        return self.subgraphs.get(name, self.all)

    @property
    def empty(self) -> bool:
        return (
            not self.stats
            and self.all.empty
            and all(policy.empty for policy in self.subgraphs.values())
        )
