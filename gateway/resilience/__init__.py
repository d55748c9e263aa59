"""Resilience for subgraph calls: retries with backoff and a budget, circuit breakers,
bulkheads, and the recent stats the health view shows (docs/resilience.md)."""

from .breaker import BreakerSnapshot, CircuitBreaker
from .budget import RetryBudget
from .bulkhead import Bulkhead
from .client import ResilientClient, SubgraphView
from .policy import (
    BreakerPolicy,
    BulkheadPolicy,
    ResiliencePolicies,
    RetryPolicy,
    SubgraphPolicy,
)

__all__ = [
    "BreakerPolicy",
    "BreakerSnapshot",
    "Bulkhead",
    "BulkheadPolicy",
    "CircuitBreaker",
    "ResiliencePolicies",
    "ResilientClient",
    "RetryBudget",
    "RetryPolicy",
    "SubgraphPolicy",
    "SubgraphView",
]
