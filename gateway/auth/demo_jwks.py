"""The demo's JWKS endpoint (``fedgate dev``): the public half of the demo key, served over
HTTP on loopback at ``/.well-known/jwks.json`` so the gateway fetches it the way it fetches an
identity provider's. A stdlib server in a daemon thread of the dev process: it must answer
before the gateway starts (the gateway fetches its keys at start, so it cannot serve them
itself), and it must not add a process for Ctrl-C to stop."""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import orjson

__all__ = ["JWKS_PATH", "serve_jwks"]

JWKS_PATH = "/.well-known/jwks.json"


@contextlib.contextmanager
def serve_jwks(host: str, jwks: dict[str, Any], port: int = 0) -> Iterator[str]:
    """Serve ``jwks`` on ``host:port`` (0: a free port) until the block ends; yields its URL.
    Raises ``OSError`` when the port cannot be bound."""
    body = orjson.dumps(jwks)
    server = _server(host, port, body)
    thread = threading.Thread(target=server.serve_forever, name="fedgate-dev-jwks", daemon=True)
    thread.start()
    try:
        bound = server.server_address[1]
        shown = f"[{host}]" if ":" in host else host
        yield f"http://{shown}:{bound}{JWKS_PATH}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def _server(host: str, port: int, body: bytes) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if self.path.split("?", 1)[0] != JWKS_PATH:
                self.send_error(404)
                return
            self.send_response(200)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(body)))
            self.send_header("cache-control", "no-store")  # a fresh key every start
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass  # the gateway's own log says when a JWKS fetch fails

    class Server(ThreadingHTTPServer):
        address_family = socket.AF_INET6 if ":" in host else socket.AF_INET
        daemon_threads = True

    return Server((host, port), Handler)
