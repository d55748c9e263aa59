"""The query plan cache's Redis tier (``supergraph.query_planning.cache.redis``): a replica
that meets an operation it has not planned looks for the plan in Redis first, so a new
replica, or one that reloaded onto a supergraph another already serves, starts warm.

Only a local miss reaches Redis (a hit stays a dict lookup). On a Redis hit the operation is
still parsed, validated and authorized here (the text is the client's, the checks are ours);
only planning is skipped. A plan made here is written to Redis in the background, never
delaying the response. The key::

    plan:<planner version>:<supergraph, batch mode, limits, @defer>:<sha256 of document, operation
    name, @override labels, access>

The planner version is a hash of the planner's source and the plan format's version: a fedgate
with another planner never reads these plans. Redis is trusted as the gateway's own config
is: a writer could change what subgraphs are asked (see docs/redis.md).
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import time
from functools import cache
from pathlib import Path
from typing import Any, Protocol

import orjson

from gateway.auth.requirements import Access
from gateway.execution.prepare import Prepared, Rejected
from gateway.planner.plan import QueryPlan

from .client import RedisClient, RedisUnavailable
from .plan_codec import VERSION, decode_plan, encode_plan


class Gateway(Protocol):
    """What the tier asks of ``gateway.pipeline.Gateway`` (the pipeline imports this module,
    not the other way round)."""

    def cached(
        self, query: str, operation_name: str | None, labels: frozenset[str], access: Access | None
    ) -> bool: ...

    def prepare(
        self, query: str, operation_name: str | None, labels: frozenset[str], access: Access | None
    ) -> Prepared | Rejected: ...

    def prepare_planned(
        self,
        query: str,
        operation_name: str | None,
        labels: frozenset[str],
        access: Access | None,
        plan: QueryPlan,
    ) -> Prepared | Rejected: ...


__all__ = ["SharedPlans", "planner_version"]

log = logging.getLogger("fedgate.redis")
REPORT_INTERVAL = 10.0  # seconds between "plans from Redis" summary lines


@cache
def planner_version() -> str:
    """The planner's source and the plan format, hashed (once per process)."""
    digest = hashlib.sha256(f"plan-format-{VERSION}".encode())
    planner = Path(__file__).resolve().parent.parent / "planner"
    for path in sorted(planner.glob("*.py")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _sha(value: Any) -> str:
    return hashlib.sha256(orjson.dumps(value)).hexdigest()


class SharedPlans:
    """One gateway generation's view of the shared plans (its supergraph and settings)."""

    def __init__(self, client: RedisClient, sdl: str, settings: tuple[object, ...]) -> None:
        """``settings``: what else the planner's output depends on (batch mode, limits,
        @defer support), hashed by ``repr``."""
        self.client = client
        graph = _sha([sdl, repr(settings)])[:16]
        self._prefix = f"plan:{planner_version()}:{graph}:"
        self.taken = 0  # plans read from Redis
        self.planned = 0  # plans made here (and offered to Redis)
        self._reported = (0, 0)
        self._last_report = -REPORT_INTERVAL
        self._writes: set[asyncio.Task[None]] = set()

    def key(
        self, query: str, operation_name: str | None, labels: frozenset[str], access: Access | None
    ) -> str:
        seen = None
        if access is not None:
            seen = [access.authenticated, sorted(access.scopes), sorted(access.policies)]
        return self._prefix + _sha([query, operation_name, sorted(labels), seen])

    async def prepare(
        self,
        gateway: Gateway,
        query: str,
        operation_name: str | None,
        labels: frozenset[str],
        access: Access | None,
    ) -> Prepared | Rejected:
        """``gateway.prepare``, with Redis asked before planning what is not cached here."""
        if gateway.cached(query, operation_name, labels, access):
            return gateway.prepare(query, operation_name, labels, access)
        key = self.key(query, operation_name, labels, access)
        plan = await self._lookup(key)
        if plan is not None:
            entry = gateway.prepare_planned(query, operation_name, labels, access, plan)
            self.taken += 1
        else:
            entry = gateway.prepare(query, operation_name, labels, access)
            if isinstance(entry, Prepared) and entry.plan is not None and not entry.planning_error:
                self.planned += 1
                self._offer(key, entry.plan)
        self._report()
        return entry

    async def _lookup(self, key: str) -> QueryPlan | None:
        try:
            raw = await self.client.get(key)
        except RedisUnavailable:
            return None
        return decode_plan(raw) if raw is not None else None

    def _offer(self, key: str, plan: QueryPlan) -> None:
        if not self.client.available:
            return
        try:
            raw = encode_plan(plan)
        except TypeError:  # a node type the format does not know yet: kept local
            log.exception("fedgate: query plans: a plan could not be encoded for Redis")
            return
        task = asyncio.get_running_loop().create_task(self._write(key, raw))
        self._writes.add(task)
        task.add_done_callback(self._writes.discard)

    async def _write(self, key: str, raw: bytes) -> None:
        # unavailable: planned again by the next replica that needs it
        with contextlib.suppress(RedisUnavailable):
            await self.client.set(key, raw)

    def _report(self) -> None:
        """One line per interval at most, when the counts changed: how warm the start was."""
        counts = (self.taken, self.planned)
        now = time.monotonic()
        if counts != self._reported and now - self._last_report >= REPORT_INTERVAL:
            self._reported, self._last_report = counts, now
            log.info(
                "fedgate: query plans: %d from Redis, %d planned here (this supergraph)", *counts
            )
