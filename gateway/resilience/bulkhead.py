"""A bulkhead per subgraph: a bound on its calls in flight, with a bounded wait for a slot.

One slow subgraph then holds at most its own share of the gateway's connections and
memory; calls beyond it fail at once with a coded error instead of queueing without end.
"""

from __future__ import annotations

import asyncio

from .policy import BulkheadPolicy

__all__ = ["Bulkhead"]


class Bulkhead:
    __slots__ = ("_semaphore", "in_flight", "max_concurrent", "max_wait", "rejected")

    def __init__(self, policy: BulkheadPolicy) -> None:
        self._semaphore = asyncio.Semaphore(policy.max_concurrent)
        self.max_concurrent = policy.max_concurrent
        self.max_wait = policy.max_wait
        self.in_flight = 0
        self.rejected = 0  # calls refused because it was full (observable)

    async def acquire(self) -> bool:
        """True with a slot held (``release`` it), False when none came free in time."""
        semaphore = self._semaphore
        if not semaphore.locked():
            await semaphore.acquire()  # a free slot: returns without suspending
        elif self.max_wait > 0:
            try:
                async with asyncio.timeout(self.max_wait):
                    await semaphore.acquire()
            except TimeoutError:
                self.rejected += 1
                return False
        else:
            self.rejected += 1
            return False
        self.in_flight += 1
        return True

    def release(self) -> None:
        self.in_flight -= 1
        self._semaphore.release()
