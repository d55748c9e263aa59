"""What the guards report as it happens, for metrics (``gateway/telemetry``): retries sent,
retries given up, bulkhead refusals, breaker state changes. Reported only on those events
(none on a call that simply succeeds), and only when an observer is given."""

from __future__ import annotations

from typing import Literal, Protocol

__all__ = ["GiveUp", "Observer"]

# why a retryable failure was not retried: attempts used up, the retry budget spent, the
# client's deadline too near, or a Retry-After longer than allowed
GiveUp = Literal["attempts", "budget", "deadline", "retry_after"]


class Observer(Protocol):
    def retried(self, subgraph: str) -> None: ...

    def gave_up(self, subgraph: str, reason: GiveUp) -> None: ...

    def rejected(self, subgraph: str) -> None: ...

    def breaker_started(self, subgraph: str) -> None: ...

    def breaker_moved(self, subgraph: str, state: str) -> None: ...
