"""The retry budget: retries may be at most a share of recent traffic (plus a floor)."""

from __future__ import annotations

from .policy import RetryPolicy
from .window import Window

__all__ = ["RetryBudget"]


class RetryBudget:
    """Each call deposits one token living ``ttl`` seconds; a retry spends one. Allowed while
    ``spent < min_per_sec * ttl + retry_percent * deposited`` over the last ``ttl``."""

    __slots__ = ("_floor", "_percent", "_window", "denied")

    def __init__(self, policy: RetryPolicy) -> None:
        self._floor = policy.min_per_sec * policy.ttl
        self._percent = policy.retry_percent
        self._window = Window(policy.ttl, 2)  # deposits, withdrawals
        self.denied = 0  # retries refused by the budget (observable)

    def deposit(self) -> None:
        self._window.add(1.0, 0.0)

    def withdraw(self) -> bool:
        deposited, spent = self._window.totals()
        if spent + 1 > self._floor + self._percent * deposited:
            self.denied += 1
            return False
        self._window.add(0.0, 1.0)
        return True
