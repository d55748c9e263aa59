"""The subgraph health view: the detail endpoint (off by default) and readiness that asks
every subgraph to answer.

The detail shows, per subgraph, its circuit breaker's state, the recent error rate and mean
latency (last 30 s), retries and bulkhead rejections: what an operator asks first when a
subgraph misbehaves. Readiness with ``fedgate.health.require_subgraphs`` sends each subgraph
``{ __typename }`` (straight to it, past the breaker, so a probe sees the subgraph as it is)
and is DOWN while any fails to answer in time. Neither names a subgraph's URL.
"""

from __future__ import annotations

import asyncio
from typing import Any

import orjson
from starlette.responses import Response

from gateway.transport.base import SubgraphClient, SubgraphRequest, TransportError, drop_frames

__all__ = ["health_detail", "subgraphs_ready"]

_JSON = "application/json"
_PROBE = orjson.dumps({"query": "query FedgateHealthProbe { __typename }"})


def health_detail(generation: Any) -> Response:
    resilient = generation.stack.resilient
    names = sorted(generation.gateway.urls)
    subgraphs: dict[str, object] = {name: None for name in names}
    if resilient is not None:
        for view in resilient.view(names):
            subgraphs[view.name] = view.as_json()
    body = {"status": "UP", "subgraphs": subgraphs}
    return Response(orjson.dumps(body), 200, media_type=_JSON)


async def subgraphs_ready(generation: Any) -> Response:
    client: SubgraphClient = generation.stack.owned or generation.stack.client
    timeout = generation.config.resilience.health.probe_timeout
    urls: dict[str, str] = dict(generation.gateway.urls)
    names = sorted(urls)
    answers = await asyncio.gather(*(_probe(client, n, urls[n], timeout) for n in names))
    status = dict(zip(names, answers, strict=True))
    up = all(answer == "UP" for answer in answers)
    body = {"status": "UP" if up else "DOWN", "subgraphs": status}
    return Response(orjson.dumps(body), 200 if up else 503, media_type=_JSON)


async def _probe(client: SubgraphClient, name: str, url: str, timeout: float) -> str:
    try:
        async with asyncio.timeout(timeout):
            response = await client.fetch(SubgraphRequest(name, url, _PROBE))
    except (TransportError, TimeoutError) as exc:
        drop_frames(exc)  # a subgraph that stays down is probed again and again: no cycles
        return "DOWN"
    if response.status != 200:
        return "DOWN"
    try:
        answer = orjson.loads(response.body)
    except orjson.JSONDecodeError:
        return "DOWN"
    ok = isinstance(answer, dict) and isinstance(answer.get("data"), dict)
    return "UP" if ok else "DOWN"
