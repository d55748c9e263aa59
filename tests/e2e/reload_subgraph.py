"""A subgraph for the hot-reload tests: ``python -m tests.e2e.reload_subgraph --port N
[--slow SECONDS]``. It answers every root field it is asked for with the field's name
(``hello``, ``world``, ...), whatever the supergraph currently says it has, so one running
subgraph serves both the old and the new supergraph; ``slow`` answers after ``--slow``
seconds (a request in flight during a SIGTERM), ``slower`` after three times that.
``GET /health`` for the start-up wait."""

from __future__ import annotations

import argparse
import asyncio

import orjson

from .echo_subgraph import Receive, Scope, Send, _respond, _response_keys

_LINK = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: [])'


def federation_sdl(*fields: str) -> str:
    return f"{_LINK}\ntype Query {{ {' '.join(f'{name}: String' for name in fields)} }}"


class ReloadApp:
    def __init__(self, slow: float) -> None:
        self.slow = slow

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body", False):
                break
        if scope["method"] == "GET":
            await _respond(send, {"status": "UP"})
            return
        query = orjson.loads(body).get("query", "")
        keys = _response_keys(query)
        if "slower" in keys:
            await asyncio.sleep(3 * self.slow)
        elif "slow" in keys:
            await asyncio.sleep(self.slow)
        # the value is the response key: the gateway does not alias a lone root field
        await _respond(send, {"data": {key: key for key in keys}})


def main() -> None:
    import uvicorn

    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--slow", type=float, default=2.0)
    args = parser.parse_args()
    uvicorn.run(ReloadApp(args.slow), host="127.0.0.1", port=args.port, log_level="warning")


if __name__ == "__main__":
    main()
