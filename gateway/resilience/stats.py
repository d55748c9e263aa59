"""Recent calls per subgraph for the health view: count, error rate, mean latency."""

from __future__ import annotations

from dataclasses import dataclass

from .window import Window

__all__ = ["RecentCalls", "StatsSnapshot"]

RECENT_SECONDS = 30.0


@dataclass(frozen=True, slots=True)
class StatsSnapshot:
    calls: int
    error_rate: float
    mean_latency_ms: float


class RecentCalls:
    __slots__ = ("_window",)

    def __init__(self) -> None:
        self._window = Window(RECENT_SECONDS, 3)  # calls, failures, seconds

    def record(self, ok: bool, seconds: float) -> None:
        self._window.add(1.0, 0.0 if ok else 1.0, seconds)

    def snapshot(self) -> StatsSnapshot:
        calls, failures, seconds = self._window.totals()
        if not calls:
            return StatsSnapshot(0, 0.0, 0.0)
        return StatsSnapshot(int(calls), failures / calls, 1000.0 * seconds / calls)
