"""One subgraph's guarded call: bulkhead → circuit breaker → the call → retries.

Only the parts its policy turns on exist; a subgraph with no policy has no guard at all (the
``ResilientClient`` passes its calls straight through).
"""

from __future__ import annotations

import asyncio
import logging
import time

from gateway.transport.base import (
    SubgraphClient,
    SubgraphRequest,
    SubgraphResponse,
    TransportError,
    drop_frames,
)

from .backoff import backoff, retry_after
from .breaker import CircuitBreaker
from .budget import RetryBudget
from .bulkhead import Bulkhead
from .events import GiveUp, Observer
from .policy import SubgraphPolicy
from .stats import RecentCalls

__all__ = ["Guard"]

log = logging.getLogger("fedgate.resilience")

CIRCUIT_OPEN = "SUBGRAPH_CIRCUIT_OPEN"
BULKHEAD_FULL = "SUBGRAPH_BULKHEAD_FULL"
# answered, but worth another try: the subgraph (or a proxy in front of it) is briefly unwell
_RETRY_STATUSES = frozenset({502, 503, 504})
# transport failures before any byte of an answer: connection errors and timeouts
_RETRY_CODES = frozenset({"SUBREQUEST_HTTP_ERROR", "GATEWAY_TIMEOUT"})

_Outcome = SubgraphResponse | TransportError


class Guard:
    __slots__ = ("breaker", "budget", "bulkhead", "calls", "name", "observer", "policy", "retries")

    def __init__(self, name: str, policy: SubgraphPolicy, observer: Observer | None = None) -> None:
        self.name = name
        self.policy = policy
        self.observer = observer  # metrics, when on: told of retries, refusals, give-ups
        self.breaker = CircuitBreaker(name, policy.breaker, observer) if policy.breaker else None
        self.bulkhead = Bulkhead(policy.bulkhead) if policy.bulkhead else None
        self.budget = RetryBudget(policy.retry) if policy.retry else None
        self.calls = RecentCalls()
        self.retries = 0  # retries sent (observable)

    async def fetch(self, inner: SubgraphClient, request: SubgraphRequest) -> SubgraphResponse:
        retry = self.policy.retry
        if retry is None or not (request.shareable or retry.retry_mutations):
            return _result(await self._once(inner, request))
        assert self.budget is not None
        self.budget.deposit()
        attempt = 1
        while True:
            outcome = await self._once(inner, request)
            delay = self._retry_delay(outcome, attempt, request)
            if delay is None:
                return _result(outcome)
            if isinstance(outcome, TransportError):
                drop_frames(outcome)  # replaced by the retry's outcome: no cycle left behind
            await asyncio.sleep(delay)
            attempt += 1
            self.retries += 1
            if self.observer is not None:
                self.observer.retried(self.name)

    def _retry_delay(
        self, outcome: _Outcome, attempt: int, request: SubgraphRequest
    ) -> float | None:
        """Seconds to wait before the next try, or None: no retry."""
        if not _retryable(outcome):
            return None
        delay, given_up = self._delay(outcome, attempt, request)
        if given_up is not None and self.observer is not None:
            self.observer.gave_up(self.name, given_up)
        return delay

    def _delay(
        self, outcome: _Outcome, attempt: int, request: SubgraphRequest
    ) -> tuple[float | None, GiveUp | None]:
        """The delay before the next try of a retryable failure, or why there is none."""
        retry = self.policy.retry
        assert retry is not None and self.budget is not None
        if attempt >= retry.max_attempts:
            return None, "attempts"
        delay = backoff(attempt, retry.initial_backoff, retry.max_backoff)
        if isinstance(outcome, SubgraphResponse):
            asked = retry_after(outcome.headers)
            if asked is not None:
                if asked > retry.max_retry_after:
                    return None, "retry_after"
                delay = asked
        context = request.context
        left = context.remaining() if context is not None else None
        if left is not None and left <= delay:
            return None, "deadline"  # the client's deadline would pass first
        if not self.budget.withdraw():
            log.info("subgraph %s: retry budget spent; not retrying", self.name)
            return None, "budget"
        return delay, None

    async def _once(self, inner: SubgraphClient, request: SubgraphRequest) -> _Outcome:
        breaker, bulkhead = self.breaker, self.bulkhead
        if breaker is not None and not breaker.allow():
            return TransportError(
                self.name,
                f"HTTP fetch failed from '{self.name}': circuit open (the subgraph is failing; "
                "calls resume after a pause)",
                code=CIRCUIT_OPEN,
                answered=True,  # never retried: no call was made, and none should be
            )
        if bulkhead is not None and not await bulkhead.acquire():
            if breaker is not None:
                breaker.cancel()  # no verdict on the subgraph: frees a half-open probe
            if self.observer is not None:
                self.observer.rejected(self.name)
            return TransportError(
                self.name,
                f"HTTP fetch failed from '{self.name}': too many requests in flight to it",
                code=BULKHEAD_FULL,
                answered=True,
            )
        started = time.monotonic()
        try:
            outcome: _Outcome = await inner.fetch(request)
        except TransportError as exc:
            outcome = exc
        except asyncio.CancelledError:
            if breaker is not None:
                breaker.cancel()  # the client left: no verdict either
            raise
        finally:
            if bulkhead is not None:
                bulkhead.release()
        ok = isinstance(outcome, SubgraphResponse) and outcome.status < 500
        self.calls.record(ok, time.monotonic() - started)
        if breaker is not None:
            breaker.record(ok)
        return outcome


def _retryable(outcome: _Outcome) -> bool:
    if isinstance(outcome, SubgraphResponse):
        return outcome.status in _RETRY_STATUSES
    return not outcome.answered and outcome.code in _RETRY_CODES


def _result(outcome: _Outcome) -> SubgraphResponse:
    if isinstance(outcome, TransportError):
        raise outcome
    return outcome
