"""Identical in-flight subgraph requests share one call.

Under load many client requests plan to the same subgraph requests (the same operation over
the same representations). While one is on the wire, an identical one (same URL, body and
headers) waits for its answer instead of sending again. The headers are part of the key
because header rules make them per client: two clients with different ``Authorization``
never share a call. Mutations are never shared: a request
marked ``shareable=False`` always goes out. The shared answer is the raw response (immutable
bytes); every waiter decodes it itself, so nobody sees another's merged data.
"""

from __future__ import annotations

import asyncio
import sys

from .base import DEFAULT_HEADERS, SubgraphClient, SubgraphRequest, SubgraphResponse

__all__ = ["SharingClient"]

_Key = tuple[str, bytes, tuple[tuple[str, str], ...]]
_DEFAULT_KEY = tuple(sorted(DEFAULT_HEADERS.items()))


class SharingClient:
    """Each call in flight keeps the futures of the identical requests waiting for it: one
    future per waiter (a waiter that is cancelled cancels only its own, never the call the
    others wait for), none at all while nobody waits (the usual case)."""

    __slots__ = ("_inflight", "_only", "_picky", "_room", "_unshared", "inner", "shared")

    def __init__(
        self,
        inner: SubgraphClient,
        *,
        unshared: frozenset[str] = frozenset(),
        only: frozenset[str] | None = None,
        group_limit: int | None = None,
    ) -> None:
        """Per subgraph (``deduplicate_query``): ``unshared`` names the subgraphs whose calls
        are never shared; ``only``, when given, the only ones whose calls are. Neither is set
        unless configured (then a call costs one set lookup more).

        ``group_limit``: at most this many identical requests are answered by one call; the
        next one sends its own, which later ones join (``None``: no limit). Under I/O-bound
        load a single shared call lines every client request up behind it and the core idles
        while they all wait; smaller groups fall out of step, so one group's work fills
        another's wait (docs/benchmarks.md, "In-flight groups")."""
        if group_limit is not None and group_limit < 1:
            raise ValueError("group_limit must be at least 1")
        self.inner = inner
        self._room = sys.maxsize if group_limit is None else group_limit - 1
        self._unshared = unshared
        self._only = only
        self._picky = bool(unshared) or only is not None
        self._inflight: dict[_Key, list[asyncio.Future[SubgraphResponse]]] = {}
        self.shared = 0  # how many requests were answered by another's call (for metrics)

    def shares(self, subgraph: str) -> bool:
        """Whether identical calls to ``subgraph`` share one."""
        if self._only is not None:
            return subgraph in self._only
        return subgraph not in self._unshared

    async def fetch(self, request: SubgraphRequest) -> SubgraphResponse:
        if not request.shareable or (self._picky and not self.shares(request.subgraph)):
            return await self.inner.fetch(request)
        body = request.body_bytes()
        headers = request.headers
        # the shared default mapping (no header rules) needs no sorting per request
        names = _DEFAULT_KEY if headers is DEFAULT_HEADERS else tuple(sorted(headers.items()))
        key = (request.url, body, names)
        waiting = self._inflight.get(key)
        if waiting is not None and len(waiting) < self._room:
            self.shared += 1
            answer: asyncio.Future[SubgraphResponse] = asyncio.get_running_loop().create_future()
            waiting.append(answer)
            try:
                return await answer
            except asyncio.CancelledError:
                # The leader's request was cancelled (its client left, or its deadline
                # passed): that is no failure of ours, so make the call ourselves.
                task = asyncio.current_task()
                if task is not None and not task.cancelling():
                    return await self.fetch(request)
                raise
        waiters: list[asyncio.Future[SubgraphResponse]] = []
        self._inflight[key] = waiters
        try:
            # the constructor, not dataclasses.replace (a field loop per call)
            encoded = SubgraphRequest(
                request.subgraph, request.url, body, headers, True, request.context
            )
            response = await self.inner.fetch(encoded)
        except asyncio.CancelledError:
            for waiter in waiters:
                waiter.cancel()
            raise
        except BaseException as exc:
            for waiter in waiters:
                if not waiter.done():  # a waiter cancelled meanwhile has its own answer
                    waiter.set_exception(exc)
            raise
        finally:
            # a full group's call may have been followed by a newer one for the same key
            if self._inflight.get(key) is waiters:
                del self._inflight[key]
        for waiter in waiters:
            if not waiter.done():
                waiter.set_result(response)
        return response
