"""The deterministic data server: every subgraph of every loaded supergraph over HTTP.

``POST http://127.0.0.1:<port>/<case>/<subgraph>`` answers GraphQL requests with the generic
resolvers of ``resolvers.py`` (value rules: ``data.py``). uvicorn runs it in a daemon thread of
the calling process, so fedgate (in the same process) and the Node references reach it alike.
"""

from __future__ import annotations

import re
import socket
import threading
import time
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

import orjson
import uvicorn

from gateway.errors import SupergraphError
from gateway.supergraph import Supergraph, load_supergraph

from .resolvers import SubgraphData
from .subgraphs import extract_graphs

__all__ = ["DataServer", "lenient_load", "rewrite_urls"]

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]

_JOIN_GRAPH = re.compile(r'@join__graph\(\s*name:\s*"([^"]+)"\s*,\s*url:\s*"[^"]*"\s*\)')


def rewrite_urls(sdl: str, base: str) -> str:
    """The supergraph with every subgraph's routing URL pointing at ``base/<name>``."""
    return _JOIN_GRAPH.sub(lambda m: f'@join__graph(name: "{m[1]}", url: "{base}/{m[1]}")', sdl)


_PURPOSE = re.compile(r'(@link\(url: "(?![^"]*/join/)[^"]*")\s*,\s*for:\s*(SECURITY|EXECUTION)')


def lenient_load(sdl: str, case: str) -> Supergraph:
    """The model the data server serves from. Where fedgate refuses a feature (it is counted
    against fedgate, not here), the data server still serves: the feature's ``for:`` is
    dropped (and @fromContext's contextArguments, read from the SDL by ``extract_graphs``)
    so the loader reads the types and joins."""
    try:
        return load_supergraph(sdl, source=case)
    except SupergraphError:
        lenient = _CONTEXT_ARGUMENTS.sub("", _PURPOSE.sub(r"\1", sdl))
        return load_supergraph(lenient, source=case)


_CONTEXT_ARGUMENTS = re.compile(r',\s*contextArguments:\s*\[(?:[^\[\]"]|"[^"]*")*\]')


class DataServer:
    """Serves the subgraphs of the supergraphs ``add``-ed to it; ``start``/``stop`` the thread."""

    def __init__(self) -> None:
        self.subgraphs: dict[tuple[str, str], SubgraphData] = {}
        self.routed: dict[str, str] = {}  # case → its supergraph SDL routed here
        self.port = 0
        self.requests = 0
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def add(self, case: str, sdl: str) -> tuple[str, Supergraph]:
        """Serve ``case``; returns the supergraph SDL routed here and its loaded model."""
        routed = rewrite_urls(sdl, f"{self.base}/{case}")
        supergraph = lenient_load(routed, case)
        for name, view in extract_graphs(supergraph, routed).items():
            self.subgraphs[(case, name)] = SubgraphData(view)
        self.routed[case] = routed
        return routed, supergraph

    def answer(self, case: str, graph: str, body: bytes) -> tuple[int, bytes]:
        self.requests += 1
        subgraph = self.subgraphs.get((case, graph))
        if subgraph is None:
            return 404, b'{"errors":[{"message":"no such subgraph"}]}'
        try:
            request = orjson.loads(body)
        except orjson.JSONDecodeError:
            return 400, b'{"errors":[{"message":"body is not JSON"}]}'
        result = subgraph.execute(
            request.get("query", ""), request.get("variables"), request.get("operationName")
        )
        return 200, orjson.dumps(result)

    async def app(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        parts = scope["path"].strip("/").split("/")
        status, payload = (404, b"{}") if len(parts) != 2 else self.answer(*parts, body)
        headers = [(b"content-type", b"application/json")]
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": payload})

    def start(self) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        config = uvicorn.Config(
            self.app,
            host="127.0.0.1",
            port=self.port,
            log_level="warning",
            lifespan="off",
            interface="asgi3",
            # Keep idle connections open: uvicorn's 5 s default closes pooled keep-alive
            # connections under the clients while a run shrinks or restarts Node, and the next
            # request on one fails ("Server disconnected"): a flake, not a finding.
            timeout_keep_alive=3600,
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, daemon=True, name="dataserver")
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError("the data server did not start")
            time.sleep(0.01)

    def stop(self) -> None:
        if self._server is not None and self._thread is not None:
            self._server.should_exit = True
            self._thread.join(timeout=10)
        self._server = self._thread = None

    def __enter__(self) -> DataServer:
        self.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.stop()
