"""@defer's incremental delivery over HTTP: ``multipart/mixed;deferSpec=20220824`` (what
Apollo Client, Kotlin and iOS ask for with ``Accept: multipart/mixed;deferSpec=20220824,
application/json``), written with the one multipart writer (``gateway.multipart``).

The first part has gone through the response hooks and the error redaction like any
response; each later part's errors (inside its ``incremental`` entries) are redacted too.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Mapping
from typing import Any

import orjson
from starlette.responses import StreamingResponse

from gateway import multipart

__all__ = ["accepts_multipart", "incremental_response"]

Redact = Callable[[list[dict[str, Any]], str], None] | None
_STREAM_HEADERS = {"cache-control": "no-cache", "x-accel-buffering": "no"}


def accepts_multipart(headers: Mapping[str, str]) -> bool:
    """Does the client take a ``multipart/mixed`` answer (Apollo's clients' ``Accept``)?"""
    return "multipart/mixed" in headers.get("accept", "").lower()


def incremental_response(
    first: dict[str, Any],
    status: int,
    rest: AsyncIterator[dict[str, Any]],
    headers: Mapping[str, str],
    redact: Redact,
    request_id: str,
) -> StreamingResponse:
    body = _parts(first, rest, redact, request_id)
    out = {**_STREAM_HEADERS, **headers, "content-type": multipart.DEFER_TYPE}
    return StreamingResponse(body, status, headers=out)


async def _parts(
    first: dict[str, Any], rest: AsyncIterator[dict[str, Any]], redact: Redact, request_id: str
) -> AsyncIterator[bytes]:
    writer = multipart.MultipartWriter()
    try:
        yield writer.part(orjson.dumps(first))
        async for part in rest:
            if redact is not None:
                for entry in part.get("incremental", ()):
                    errors = entry.get("errors")
                    if errors:
                        redact(errors, request_id)
            yield writer.part(orjson.dumps(part))
        yield writer.end()
    finally:
        # the client went away (or the stream ended): no deferred fetch keeps running
        closing = getattr(rest, "aclose", None)
        if closing is not None:
            await closing()
