"""A circuit breaker per subgraph: closed, open (fail at once), half-open (a few probes).

State changes are logged (``fedgate.resilience``) and counted, and ``snapshot`` gives the
current state for the health view (and, later, metrics).
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import Literal

from .events import Observer
from .policy import BreakerPolicy
from .window import Window

__all__ = ["BreakerSnapshot", "CircuitBreaker", "State"]

log = logging.getLogger("fedgate.resilience")

State = Literal["closed", "open", "half_open"]


@dataclass(frozen=True, slots=True)
class BreakerSnapshot:
    state: State
    # how many times it opened since start (a flapping subgraph shows here)
    opened: int
    # seconds until an open breaker lets probes through (0 otherwise)
    retry_in: float


class CircuitBreaker:
    __slots__ = (
        "_consecutive",
        "_open_until",
        "_policy",
        "_probes",
        "_successes",
        "_window",
        "name",
        "observer",
        "opened",
        "state",
    )

    def __init__(self, name: str, policy: BreakerPolicy, observer: Observer | None = None) -> None:
        self.name = name
        self.observer = observer
        self._policy = policy
        self._window = Window(policy.window, 2)  # calls, failures
        self.state: State = "closed"
        self._consecutive = 0
        self._open_until = 0.0
        self._probes = 0  # half-open calls in flight
        self._successes = 0  # half-open calls that succeeded
        self.opened = 0
        if observer is not None:
            observer.breaker_started(name)  # its state's series exists before any change

    def allow(self) -> bool:
        """Whether a call may go out now (a half-open probe counts as in flight until
        ``record``)."""
        if self.state == "closed":
            return True
        if self.state == "open":
            if time.monotonic() < self._open_until:
                return False
            self._move("half_open")
        if self._probes + self._successes >= self._policy.half_open_probes:
            return False
        self._probes += 1
        return True

    def cancel(self) -> None:
        """A call ``allow`` let through ended without a verdict (cancelled, or refused by
        the bulkhead): its half-open probe slot is free again."""
        if self.state == "half_open":
            self._probes = max(0, self._probes - 1)

    def record(self, ok: bool) -> None:
        if self.state == "half_open":
            self._probes = max(0, self._probes - 1)
            if not ok:
                self._trip("a probe failed")
            else:
                self._successes += 1
                if self._successes >= self._policy.half_open_probes:
                    self._move("closed")
            return
        if self.state == "open":
            return  # a call that started before it opened
        self._window.add(1.0, 0.0 if ok else 1.0)
        self._consecutive = 0 if ok else self._consecutive + 1
        if not ok:
            self._check()

    def _check(self) -> None:
        policy = self._policy
        if policy.consecutive_failures and self._consecutive >= policy.consecutive_failures:
            self._trip(f"{self._consecutive} consecutive failures")
            return
        calls, failures = self._window.totals()
        if calls >= policy.minimum_calls and failures / calls >= policy.failure_rate:
            self._trip(f"{failures:.0f} of {calls:.0f} calls failed in {policy.window:g} s")

    def _trip(self, why: str) -> None:
        self._open_until = time.monotonic() + self._policy.open_duration
        self.opened += 1
        self._move("open", why)

    def _move(self, state: State, why: str = "") -> None:
        previous, self.state = self.state, state
        self._probes = self._successes = 0
        if state == "closed":
            self._window.clear()
            self._consecutive = 0
        if self.observer is not None:
            self.observer.breaker_moved(self.name, state)
        level = logging.WARNING if state == "open" else logging.INFO
        log.log(
            level,
            "subgraph %s: circuit breaker %s -> %s%s",
            self.name,
            previous,
            state,
            f" ({why})" if why else "",
        )

    def snapshot(self) -> BreakerSnapshot:
        retry_in = max(0.0, self._open_until - time.monotonic()) if self.state == "open" else 0.0
        return BreakerSnapshot(self.state, self.opened, retry_in)
