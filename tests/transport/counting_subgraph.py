"""A tiny subgraph for transport tests: ``uvicorn tests.transport.counting_subgraph:app``.
Every POST answers ``{"data": {"n": <how many POSTs so far>}}``; ``GET /health`` answers UP."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

import orjson

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]

_count = 0


async def app(scope: Scope, receive: Receive, send: Send) -> None:
    global _count
    if scope["type"] != "http":
        return
    while (await receive()).get("more_body", False):
        pass
    if scope["method"] == "POST":
        _count += 1
        peer = scope["client"][1] if scope.get("client") else 0
        body = orjson.dumps({"data": {"n": _count, "peer": peer}})
    else:
        body = b'{"status":"UP"}'
    headers = [(b"content-type", b"application/json")]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def main() -> None:
    """``python -m tests.transport.counting_subgraph PORT KEEP_ALIVE_SECONDS``: uvicorn (whose
    command line takes whole seconds only) with a short keep-alive timeout."""
    import sys

    import uvicorn

    port, keep_alive = int(sys.argv[1]), float(sys.argv[2])
    uvicorn.run(app, port=port, timeout_keep_alive=keep_alive, access_log=False)  # type: ignore[arg-type]


if __name__ == "__main__":
    main()
