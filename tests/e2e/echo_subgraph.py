"""A subgraph that answers with the headers it received: ``python -m tests.e2e.echo_subgraph
--port N --field NAME``. Its one root field ``NAME: [Header!]!`` lists the request's headers
(name and value), so a client of the gateway sees exactly what the subgraph got. Served by
uvicorn, like a real subgraph; ``GET /health`` for the start-up wait."""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

import orjson

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]


_LINK = (
    'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@shareable"])'
)


def federation_sdl(field: str) -> str:
    header = "type Header @shareable { name: String! value: String! }"
    return f"{_LINK}\ntype Query {{ {field}: [Header!]! }}\n{header}"


class EchoApp:
    def __init__(self, field: str, cache_control: str | None = None) -> None:
        self.field = field
        # response headers for the gateway's response rules: two cookies, a cache policy
        self.extra = [
            (b"set-cookie", f"{field}=1; Path=/".encode()),
            (b"set-cookie", f"seen-{field}=yes".encode()),
            (b"x-echo-from", field.encode()),
        ]
        if cache_control:
            self.extra.append((b"cache-control", cache_control.encode()))

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
        if "_service" in query:
            await _respond(send, {"data": {"_service": {"sdl": federation_sdl(self.field)}}})
            return
        headers = [{"name": k.decode(), "value": v.decode()} for k, v in scope["headers"]]
        delay = dict(scope["headers"]).get(b"x-trace-delay")
        if delay:
            # slow on request, so that concurrent gateway requests overlap in flight
            await asyncio.sleep(float(delay))
        payload = {"data": {key: headers for key in _response_keys(query)}}
        await _respond(send, payload, self.extra)


def _response_keys(query: str) -> list[str]:
    """The root fields' response keys (the gateway may alias them)."""
    from graphql import FieldNode, OperationDefinitionNode, parse

    [operation] = [d for d in parse(query).definitions if isinstance(d, OperationDefinitionNode)]
    fields = [s for s in operation.selection_set.selections if isinstance(s, FieldNode)]
    return [(f.alias or f.name).value for f in fields if f.name.value != "__typename"]


async def _respond(
    send: Send, payload: Any, extra: list[tuple[bytes, bytes]] | None = None
) -> None:
    data = orjson.dumps(payload)
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(data)).encode())]
    headers += extra or []
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": data})


def main() -> None:
    import uvicorn

    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--field", required=True)
    parser.add_argument("--cache-control", default=None)
    args = parser.parse_args()
    app = EchoApp(args.field, args.cache_control)
    uvicorn.run(app, host="127.0.0.1", port=args.port, log_level="warning")


if __name__ == "__main__":
    main()
