"""A subgraph whose answers break its own schema on purpose, for result coercion tests:
``python -m tests.e2e.leaf_subgraph --port N --name items|scores``. Served by uvicorn, like
a real subgraph; ``GET /health`` for the start-up wait.

``items`` has ``Query.items`` and most of ``Item``'s leaves; ``scores`` resolves ``Item``
entities (``score: Int!``, ``tags: [String!]``). The values in ``ITEMS`` and ``SCORES`` are
what they send, wrong types included (a JSON answer can carry any of them)."""

from __future__ import annotations

import argparse
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

import orjson

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]

_LINK = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])'
SDL = {
    "items": f"""{_LINK}
scalar JSON
enum Kind {{ BOOK FILM }}
type Query {{ items: [Item] }}
type Item @key(fields: "id") {{
  id: ID!  name: String  count: Int  ratio: Float  flag: Boolean  kind: Kind  data: JSON
}}
""",
    "scores": f"""{_LINK}
type Item @key(fields: "id") {{ id: ID!  score: Int!  tags: [String!] }}
""",
}
ITEMS: list[dict[str, Any]] = [
    {"id": "1", "name": "ok", "count": 3, "ratio": 1, "flag": True, "kind": "BOOK", "data": [1]},
    {
        "id": 2,  # an ID as an int: its decimal string
        "name": 12,
        "count": 2**31,
        "ratio": "x",
        "flag": "yes",
        "kind": "OPERA",
        "data": "anything",
    },
    {
        "id": "3",
        "name": None,
        "count": 4.0,
        "ratio": 2.5,
        "flag": False,
        "kind": None,
        "data": None,
    },
]
SCORES: dict[str, dict[str, Any]] = {
    "1": {"score": 10, "tags": ["a", 5]},
    "2": {"score": -(2**31), "tags": None},
    "3": {"score": "high", "tags": []},  # a wrong non-null leaf: the item is null
}


class LeafApp:
    def __init__(self, name: str) -> None:
        self.name = name

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
        request = orjson.loads(body)
        query: str = request.get("query", "")
        if "_service" in query:
            await _respond(send, {"data": {"_service": {"sdl": SDL[self.name]}}})
        elif "_entities" in query:
            # whatever variable holds the representations (the gateway names it)
            reps = next(iter((request.get("variables") or {}).values()), [])
            entities = [{"__typename": "Item", **SCORES[str(r["id"])]} for r in reps]
            await _respond(send, {"data": {"_entities": entities}})
        else:
            items = [{"__typename": "Item", **item} for item in ITEMS]
            await _respond(send, {"data": {"items": items}})


async def _respond(send: Send, payload: dict[str, Any]) -> None:
    data = orjson.dumps(payload)
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(data)).encode())]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": data})


def main() -> None:
    import uvicorn

    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--name", choices=sorted(SDL), required=True)
    args = parser.parse_args()
    uvicorn.run(LeafApp(args.name), host="127.0.0.1", port=args.port, log_level="warning")


if __name__ == "__main__":
    main()
