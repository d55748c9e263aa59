"""The feed subgraph (``live_subgraphs.py``) serving its subscriptions over GraphQL over SSE,
distinct connections mode — strawberry does not serve that protocol, so this small starlette
endpoint does, on the strawberry schema: ``python -m tests.subscriptions.sse_subgraph --port N``.

``GET|POST /graphql/stream`` with ``Accept: text/event-stream``: ``event: next`` per result,
``event: complete`` at the end. ``ticks(count: 99)`` sends one event, then closes the stream
without ``complete`` (a subgraph that dies). ``GET /stats``: how many streams were asked by
GET and by POST, and how many are open (the gateway closes its request when the client
completes). ``/graphql`` answers queries (strawberry), ``/health`` is health.
"""

from __future__ import annotations

import argparse
import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route
from strawberry.asgi import GraphQL

from .live_subgraphs import FEED

STATS = {"GET": 0, "POST": 0, "open": 0, "accept": ""}


async def stream(request: Request) -> Response:
    if request.method == "POST":
        body = await request.json()
    else:
        params = request.query_params
        body = {
            "query": params.get("query"),
            "variables": json.loads(params.get("variables", "{}")),
        }
    STATS[request.method] = int(STATS[request.method]) + 1
    STATS["accept"] = request.headers.get("accept", "")
    variables = body.get("variables") or {}
    context = {"request": request, "connection_params": {}}
    events = _events(body["query"], variables, context)
    return StreamingResponse(events, media_type="text/event-stream")


async def _events(
    query: str, variables: dict[str, Any], context: dict[str, Any]
) -> AsyncIterator[bytes]:
    STATS["open"] = int(STATS["open"]) + 1
    try:
        results = await FEED.subscribe(query, variable_values=variables, context_value=context)
        async for result in results:  # type: ignore[union-attr]
            payload: dict[str, Any] = {"data": result.data}
            if result.errors:
                payload["errors"] = [e.formatted for e in result.errors]
            yield b"event: next\ndata: " + json.dumps(payload).encode() + b"\n\n"
            if variables.get("c") == 99:
                await asyncio.sleep(0.5)  # the event reaches the client first
                return  # dies: no complete
        yield b"event: complete\ndata:\n\n"
    finally:
        STATS["open"] = int(STATS["open"]) - 1


async def stats(request: Request) -> JSONResponse:
    return JSONResponse(STATS)


async def health(request: Request) -> JSONResponse:
    return JSONResponse({"status": "UP"})


def create_app() -> Starlette:
    return Starlette(
        routes=[
            Route("/health", health),
            Route("/stats", stats),
            Route("/graphql/stream", stream, methods=["GET", "POST"]),
            Route("/graphql", GraphQL(FEED), methods=["GET", "POST"]),
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    uvicorn.run(create_app(), host="127.0.0.1", port=args.port, log_level="warning")


if __name__ == "__main__":
    main()
