from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from aiohttp import web


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


class Scripted:
    """A real HTTP subgraph that counts its calls and answers from a script: each call pops
    the next (status, headers) pair; when the script is empty it answers 200."""

    def __init__(self) -> None:
        self.calls = 0
        self.script: list[tuple[int, dict[str, str]]] = []
        self.delay = 0.0
        self.release: asyncio.Event | None = None
        app = web.Application()
        app.router.add_post("/graphql", self.graphql)
        app.router.add_post("/cut", self.cut)
        self.runner = web.AppRunner(app)
        self.url = ""

    async def graphql(self, request: web.Request) -> web.Response:
        await request.read()
        self.calls += 1
        if self.release is not None:
            await self.release.wait()
        if self.delay:
            await asyncio.sleep(self.delay)
        status, headers = self.script.pop(0) if self.script else (200, {})
        body = b'{"data":{"ok":true}}' if status == 200 else b'{"errors":[{"message":"down"}]}'
        return web.Response(
            status=status, body=body, headers=headers, content_type="application/json"
        )

    async def cut(self, request: web.Request) -> web.StreamResponse:
        """Starts answering (status, headers, a few bytes of body), then drops the line."""
        await request.read()
        self.calls += 1
        response = web.StreamResponse(headers={"content-length": "1000"})
        await response.prepare(request)
        await response.write(b'{"data":{"ok"')
        assert request.transport is not None
        request.transport.abort()
        return response


@pytest.fixture
async def scripted() -> AsyncIterator[Scripted]:
    server = Scripted()
    await server.runner.setup()
    site = web.TCPSite(server.runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    server.url = f"http://127.0.0.1:{port}/graphql"
    yield server
    if server.release is not None:
        server.release.set()
    await server.runner.cleanup()
