"""The subgraph side of a subscription over GraphQL over Server-Sent Events, distinct
connections mode (the GraphQL-SSE spec; what the ``graphql-sse`` library and Cosmo's ``sse`` /
``sse_post`` subgraph protocols speak): one HTTP request per subscription — ``POST`` with the
JSON request (``sse_post``) or ``GET`` with it in the query string (``sse``) and
``Accept: text/event-stream`` — answered by ``next`` events (each an execution result) and a
final ``complete``. Read with ``httpx`` and ``httpx-sse``.

``subgraph_sse_events`` yields each ``next`` payload in order and returns at ``complete``.
Anything else — refused connection, a non-2xx or non-SSE answer, a ``next`` that is not JSON,
the stream closed without ``complete`` — raises ``StreamFailed`` with a coded message. The
request is closed on the way out (also when the consumer is cancelled): for the subgraph that
is the client completing the subscription.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from typing import Any

import httpx
import orjson
from httpx_sse import SSEError, aconnect_sse

from .upstream import StreamFailed

__all__ = ["subgraph_sse_events"]

_CONNECT_TIMEOUT = 10.0


async def subgraph_sse_events(
    url: str, method: str, body: Mapping[str, Any], headers: Mapping[str, str]
) -> AsyncIterator[dict[str, Any]]:
    request: dict[str, Any] = {"headers": {**headers, "accept": "text/event-stream"}}
    if method == "POST":
        request["content"] = orjson.dumps(body)
        request["headers"]["content-type"] = "application/json"
    else:
        request["params"] = {
            "query": body["query"],
            "variables": orjson.dumps(body.get("variables") or {}).decode(),
        }
    # no read timeout: a subscription may be quiet for long; the connection is bounded
    timeout = httpx.Timeout(None, connect=_CONNECT_TIMEOUT)
    try:
        async with (
            httpx.AsyncClient(timeout=timeout) as client,
            aconnect_sse(client, method, url, **request) as source,
        ):
            status = source.response.status_code
            if status // 100 != 2:
                raise StreamFailed(f"the subgraph answered the subscription with HTTP {status}")
            async for event in source.aiter_sse():
                if event.event == "complete":
                    return
                if event.event == "next":
                    yield _payload(event.data)
    except SSEError as exc:  # not text/event-stream
        raise StreamFailed(f"the subgraph did not answer with an event stream ({exc})") from None
    except httpx.HTTPError as exc:
        raise StreamFailed(f"the subscription stream to {url} broke: {exc!r}") from None
    raise StreamFailed("the subgraph closed the subscription stream without completing it")


def _payload(data: str) -> dict[str, Any]:
    try:
        payload = orjson.loads(data)
    except orjson.JSONDecodeError:
        raise StreamFailed("the subgraph sent an event that is not JSON") from None
    if not isinstance(payload, dict):
        raise StreamFailed("the subgraph sent an event that is not a JSON object")
    return payload
