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

from .base import DEFAULT_HEADERS, SubgraphClient, SubgraphRequest, SubgraphResponse

__all__ = ["SharingClient"]

_Key = tuple[str, bytes, tuple[tuple[str, str], ...]]
_DEFAULT_KEY = tuple(sorted(DEFAULT_HEADERS.items()))


class SharingClient:
    __slots__ = ("_inflight", "inner", "shared")

    def __init__(self, inner: SubgraphClient) -> None:
        self.inner = inner
        self._inflight: dict[_Key, asyncio.Future[SubgraphResponse]] = {}
        self.shared = 0  # how many requests were answered by another's call (for metrics)

    async def fetch(self, request: SubgraphRequest) -> SubgraphResponse:
        if not request.shareable:
            return await self.inner.fetch(request)
        body = request.body_bytes()
        headers = request.headers
        # the shared default mapping (no header rules) needs no sorting per request
        names = _DEFAULT_KEY if headers is DEFAULT_HEADERS else tuple(sorted(headers.items()))
        key = (request.url, body, names)
        leader = self._inflight.get(key)
        if leader is not None:
            self.shared += 1
            try:
                # shield: a waiter that is cancelled must not cancel the call others wait for
                return await asyncio.shield(leader)
            except asyncio.CancelledError:
                # The leader's request was cancelled (its client left, or its deadline
                # passed): that is no failure of ours, so make the call ourselves.
                task = asyncio.current_task()
                if leader.cancelled() and task is not None and not task.cancelling():
                    return await self.fetch(request)
                raise
        future: asyncio.Future[SubgraphResponse] = asyncio.get_running_loop().create_future()
        self._inflight[key] = future
        try:
            # the constructor, not dataclasses.replace (a field loop per call)
            encoded = SubgraphRequest(
                request.subgraph, request.url, body, headers, True, request.context
            )
            response = await self.inner.fetch(encoded)
        except asyncio.CancelledError:
            future.cancel()
            raise
        except BaseException as exc:
            future.set_exception(exc)
            future.exception()  # retrieved: no "never retrieved" warning when nobody waited
            raise
        finally:
            del self._inflight[key]
        future.set_result(response)
        return response
