"""The resilience guards' metrics (gateway/resilience): breaker state per subgraph, retries
sent and given up, bulkhead refusals. The guards report each event as it happens
(``gateway.resilience.events.Observer``, matched by shape: telemetry does not import
resilience); a call that simply succeeds reports nothing, so
these cost nothing until a subgraph fails. Listed in docs/observability.md."""

from __future__ import annotations

from .instruments import Instruments

__all__ = ["ResilienceMetrics"]

STATES = ("closed", "open", "half_open")


class ResilienceMetrics:
    """A ``gateway.resilience.events.Observer`` writing the metrics' instruments
    (Prometheus, OTLP or both: ``instruments``)."""

    __slots__ = ("breaker_state", "bulkhead_rejections", "gave_up_total", "retries", "transitions")

    def __init__(self, instruments: Instruments) -> None:
        # a state set (OpenMetrics' pattern): 1 on the current state's series, 0 on the others;
        # with --workers N the largest over workers (an open breaker in any worker shows)
        self.breaker_state = instruments.gauge(
            "fedgate_subgraph_circuit_breaker_state",
            "circuit breaker state per subgraph: 1 for the current state",
            ("subgraph", "state"),
            mode="livemax",
        )
        self.transitions = instruments.counter(
            "fedgate_subgraph_circuit_breaker_transitions",
            "circuit breaker state changes, by the state entered",
            ("subgraph", "state"),
        )
        self.retries = instruments.counter(
            "fedgate_subgraph_retries",
            "subgraph calls sent again after a retryable failure",
            ("subgraph",),
        )
        self.gave_up_total = instruments.counter(
            "fedgate_subgraph_retries_exhausted",
            "retryable failures not retried, by reason (attempts, budget, deadline, retry_after)",
            ("subgraph", "reason"),
        )
        self.bulkhead_rejections = instruments.counter(
            "fedgate_subgraph_bulkhead_rejections",
            "subgraph calls refused because the subgraph's bulkhead was full",
            ("subgraph",),
        )

    def retried(self, subgraph: str) -> None:
        self.retries.labels(subgraph).inc()

    def gave_up(self, subgraph: str, reason: str) -> None:
        self.gave_up_total.labels(subgraph, reason).inc()

    def rejected(self, subgraph: str) -> None:
        self.bulkhead_rejections.labels(subgraph).inc()

    def breaker_started(self, subgraph: str) -> None:
        self._state(subgraph, "closed")

    def breaker_moved(self, subgraph: str, state: str) -> None:
        self._state(subgraph, state)
        self.transitions.labels(subgraph, state).inc()

    def _state(self, subgraph: str, state: str) -> None:
        for each in STATES:
            self.breaker_state.labels(subgraph, each).set(1.0 if each == state else 0.0)
