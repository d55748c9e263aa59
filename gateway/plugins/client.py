"""Subgraph hooks as a ``SubgraphClient`` wrapper, so the executor never knows about plugins.

Only made when some plugin has a subgraph hook. It sits outside in-flight sharing: a hook's
headers are part of the sharing key, so two clients share a call only when their hooked
requests are identical. A hook that stops a subgraph request answers for the subgraph: the
executor sees a GraphQL error response and reports it at the fetch's path, as for any
subgraph error.
"""

from __future__ import annotations

import os
from dataclasses import replace
from typing import Any

import orjson

from gateway.transport.base import SubgraphClient, SubgraphRequest, SubgraphResponse

from .api import PluginRejection, SubgraphCall, SubgraphResult
from .hooks import Hooks, PluginFailure, run_hooks

__all__ = ["HookedClient"]


class HookedClient:
    __slots__ = ("_hooks", "_inner")

    def __init__(self, inner: SubgraphClient, hooks: Hooks) -> None:
        self._inner = inner
        self._hooks = hooks

    async def fetch(self, request: SubgraphRequest) -> SubgraphResponse:
        call_id = os.urandom(8).hex()
        try:
            if self._hooks.on_subgraph_request:
                request = await self._before(request, call_id)
            response = await self._inner.fetch(request)
            if self._hooks.on_subgraph_response:
                response = await self._after(request, response, call_id)
        except PluginRejection as exc:
            return _answer(request.subgraph, exc.status, exc.response_body(), exc.headers)
        except PluginFailure as exc:
            return _answer(request.subgraph, 200, exc.response_body(), {})
        return response

    async def _before(self, request: SubgraphRequest, call_id: str) -> SubgraphRequest:
        body = (
            request.body if isinstance(request.body, dict) else orjson.loads(request.body_bytes())
        )
        call = SubgraphCall(
            request.subgraph,
            request.url,
            dict(request.headers),
            dict(body),
            request.context,
            call_id,
        )
        await run_hooks(self._hooks.on_subgraph_request, call)
        return replace(request, url=call.url, headers=call.headers, body=call.body)

    async def _after(
        self, request: SubgraphRequest, response: SubgraphResponse, call_id: str
    ) -> SubgraphResponse:
        try:
            body: Any = orjson.loads(response.body)
        except orjson.JSONDecodeError:
            body = None
        result = SubgraphResult(
            response.subgraph,
            response.status,
            dict(response.headers),
            body,
            request.context,
            call_id,
        )
        before = orjson.dumps(body) if body is not None else None
        await run_hooks(self._hooks.on_subgraph_response, result)
        changed = result.body is not None and orjson.dumps(result.body) != before
        return SubgraphResponse(
            response.subgraph,
            result.status,
            orjson.dumps(result.body) if changed else response.body,
            result.headers,
        )


def _answer(
    subgraph: str, status: int, body: dict[str, Any], headers: dict[str, str]
) -> SubgraphResponse:
    return SubgraphResponse(subgraph, status, orjson.dumps(body), headers)
