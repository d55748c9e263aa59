"""``ResilientClient``: the ``SubgraphClient`` wrapper that guards each subgraph's calls.

Built only when some policy is on (or the health view wants recent stats); a subgraph whose
policy is empty and with no stats wanted is passed straight through. ``view`` is the read API
for the health endpoint and, later, metrics.
"""

from __future__ import annotations

from dataclasses import dataclass

from gateway.transport.base import SubgraphClient, SubgraphRequest, SubgraphResponse

from .breaker import BreakerSnapshot
from .events import Observer
from .guard import Guard
from .policy import ResiliencePolicies
from .stats import StatsSnapshot

__all__ = ["ResilientClient", "SubgraphView"]


@dataclass(frozen=True, slots=True)
class SubgraphView:
    """One subgraph's state as of now."""

    name: str
    breaker: BreakerSnapshot | None
    recent: StatsSnapshot
    retries: int
    retries_denied: int
    in_flight: int | None
    bulkhead_rejected: int

    def as_json(self) -> dict[str, object]:
        breaker = self.breaker
        return {
            "breaker": None
            if breaker is None
            else {"state": breaker.state, "opened": breaker.opened, "retry_in": breaker.retry_in},
            "calls": self.recent.calls,
            "error_rate": round(self.recent.error_rate, 4),
            "mean_latency_ms": round(self.recent.mean_latency_ms, 2),
            "retries": self.retries,
            "retries_denied": self.retries_denied,
            "in_flight": self.in_flight,
            "bulkhead_rejected": self.bulkhead_rejected,
        }


class ResilientClient:
    __slots__ = ("_guards", "_pass", "inner", "observer", "policies")

    def __init__(
        self, inner: SubgraphClient, policies: ResiliencePolicies, observer: Observer | None = None
    ) -> None:
        self.inner = inner
        self.policies = policies
        self.observer = observer  # metrics (telemetry), when on
        self._guards: dict[str, Guard] = {}
        self._pass: set[str] = set()  # subgraphs with nothing to guard

    async def fetch(self, request: SubgraphRequest) -> SubgraphResponse:
        name = request.subgraph
        guard = self._guards.get(name)
        if guard is None:
            if name in self._pass:
                return await self.inner.fetch(request)
            guard = self._guard(name)
            if guard is None:
                return await self.inner.fetch(request)
        return await guard.fetch(self.inner, request)

    def _guard(self, name: str) -> Guard | None:
        policy = self.policies.for_subgraph(name)
        if policy.empty and not self.policies.stats:
            self._pass.add(name)
            return None
        guard = self._guards[name] = Guard(name, policy, self.observer)
        return guard

    def view(self, names: list[str] | None = None) -> list[SubgraphView]:
        """Each subgraph's breaker, recent calls, retries and bulkhead (``names``: these, even
        before their first call)."""
        for name in names or ():
            if name not in self._guards and name not in self._pass:
                self._guard(name)
        return [_view(guard) for _, guard in sorted(self._guards.items())]


def _view(guard: Guard) -> SubgraphView:
    bulkhead = guard.bulkhead
    return SubgraphView(
        guard.name,
        guard.breaker.snapshot() if guard.breaker else None,
        guard.calls.snapshot(),
        guard.retries,
        guard.budget.denied if guard.budget else 0,
        bulkhead.in_flight if bulkhead else None,
        bulkhead.rejected if bulkhead else 0,
    )
