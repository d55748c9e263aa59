"""Sharing identical client queries in flight (``fedgate: share_inflight_client_requests``,
opt-in): the answer is computed once for all of them. Nothing of the request but its body,
its media type, the plan-exposure header and (when they may change the answer) its headers
may differ between requests that share."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine, Mapping
from typing import Any

from starlette.responses import Response

from .exchange import EXPOSE_PLAN_HEADER

__all__ = ["SharedAnswers"]

_SharedKey = tuple[bytes, str, str, tuple[tuple[str, str], ...]]


class SharedAnswers:
    __slots__ = ("_by_headers", "_inflight")

    def __init__(self, *, by_headers: bool) -> None:
        # with header rules the answer may depend on any client header (an Authorization
        # propagated to a subgraph), and with authentication or authorization on any
        # credential: then only requests with identical headers share
        self._by_headers = by_headers
        self._inflight: dict[_SharedKey, asyncio.Future[Response]] = {}

    def key(self, raw: bytes, media: str, headers: Mapping[str, str]) -> _SharedKey:
        """``headers``: the request's, read once (a plain mapping, C-level items)."""
        by_headers = tuple(sorted(headers.items())) if self._by_headers else ()
        return (raw, media, headers.get(EXPOSE_PLAN_HEADER, ""), by_headers)

    async def share(self, key: _SharedKey, work: Coroutine[Any, Any, Response]) -> Response:
        """``work``'s answer, or the answer of the identical request already in flight (then
        ``work`` never runs)."""
        leader = self._inflight.get(key)
        if leader is not None:
            work.close()
            shared = await asyncio.shield(leader)
            return Response(shared.body, shared.status_code, headers=dict(shared.headers))
        future: asyncio.Future[Response] = asyncio.get_running_loop().create_future()
        self._inflight[key] = future
        try:
            response = await work
        except BaseException as exc:
            future.set_exception(exc)
            future.exception()
            raise
        finally:
            del self._inflight[key]
        future.set_result(response)
        return response
