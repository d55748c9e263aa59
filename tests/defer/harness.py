"""The gateway over the shop's subgraphs, served by uvicorn on the test's event loop, and a
multipart reader: the test reads the streamed body part by part (httpx's streaming), so it
can check what has arrived before a held subgraph answers."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import httpx
import orjson

from gateway.config import GatewayConfig
from gateway.server import create_app
from gateway.supergraph import load_supergraph

from .shop import served, shop, supergraph_sdl

DEFER_ACCEPT = "multipart/mixed;deferSpec=20220824, application/json"  # Apollo Client's


@dataclass
class Shop:
    url: str  # the gateway's GraphQL endpoint
    subgraphs: dict[str, str]


@asynccontextmanager
async def gateway(config: GatewayConfig | None = None) -> AsyncIterator[Shop]:
    async with shop() as urls:
        supergraph = load_supergraph(supergraph_sdl(urls))
        app = create_app(supergraph, config=config or GatewayConfig())
        async with served(app, lifespan="on") as base:
            yield Shop(f"{base}/graphql", urls)


class Parts:
    """The parts of one ``multipart/mixed`` response, read as they arrive."""

    def __init__(self, response: httpx.Response) -> None:
        self.response = response
        self._chunks = response.aiter_bytes()
        self._buffer = b""
        boundary = _boundary(response.headers["content-type"])
        self._delimiter = b"\r\n--" + boundary.encode()
        self.ended = False

    async def next(self) -> dict[str, Any] | None:
        """The next part's JSON, as soon as the delimiter after it has arrived; None after
        the closing delimiter."""
        while True:
            start = self._buffer.find(self._delimiter)
            if start >= 0:
                after = self._buffer[start + len(self._delimiter) :]
                if after.startswith(b"--"):
                    self.ended = True
                    return None
                end = after.find(self._delimiter)
                if end >= 0:
                    part, self._buffer = after[:end], after[end:]
                    head, _, body = part.partition(b"\r\n\r\n")
                    assert b"content-type: application/json" in head.lower(), head
                    parsed: dict[str, Any] = orjson.loads(body)
                    return parsed
            try:
                self._buffer += await self._chunks.__anext__()
            except StopAsyncIteration:
                raise AssertionError(f"no closing delimiter: {self._buffer!r}") from None

    async def rest(self) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        while (part := await self.next()) is not None:
            out.append(part)
        return out


def _boundary(content_type: str) -> str:
    for param in content_type.split(";")[1:]:
        key, _, value = param.strip().partition("=")
        if key.lower() == "boundary":
            return value.strip('"')
    raise AssertionError(f"no boundary in {content_type!r}")


@asynccontextmanager
async def streamed(
    client: httpx.AsyncClient,
    url: str,
    query: str,
    variables: dict[str, Any] | None = None,
    accept: str = DEFER_ACCEPT,
) -> AsyncIterator[Parts]:
    body = {"query": query, "variables": variables or {}}
    headers = {"accept": accept}
    async with client.stream("POST", url, json=body, headers=headers) as response:
        assert response.status_code == 200, await response.aread()
        assert response.headers["content-type"].startswith("multipart/mixed"), response.headers
        yield Parts(response)


def merged(parts: list[dict[str, Any]]) -> dict[str, Any]:
    """The response the parts add up to (what Apollo Client's cache ends with)."""
    data = parts[0]["data"]
    for part in parts[1:]:
        for entry in part.get("incremental", ()):
            target = data
            for key in entry["path"]:
                target = target[key]
            _merge(target, entry["data"] or {})
    return data  # type: ignore[no-any-return]


def _merge(target: dict[str, Any], source: dict[str, Any]) -> None:
    for key, value in source.items():
        if isinstance(value, dict) and isinstance(target.get(key), dict):
            _merge(target[key], value)
        elif isinstance(value, list) and isinstance(target.get(key), list):
            for old, new in zip(target[key], value, strict=True):
                if isinstance(old, dict) and isinstance(new, dict):
                    _merge(old, new)
        else:
            target[key] = value
