"""uvicorn-served HTTPS subgraphs for the tests, with certificates trustme makes: one that
requires a client certificate (mutual TLS), one whose certificate no configured CA signed."""

from __future__ import annotations

import ssl
from collections.abc import AsyncIterator, Awaitable, Callable, MutableMapping
from contextlib import ExitStack, asynccontextmanager
from typing import Any

import orjson
import trustme

from tests.e2e.trust_servers import uvicorn_server

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]


async def hello(scope: Scope, receive: Receive, send: Send) -> None:
    """A subgraph that answers every request with ``{"hello": "over tls"}``."""
    if scope["type"] != "http":
        return
    while (await receive()).get("more_body", False):
        pass
    body = orjson.dumps({"data": {"hello": "over tls"}})
    headers = [(b"content-type", b"application/json")]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": body})


@asynccontextmanager
async def https_server(
    cert: trustme.LeafCert, *, client_ca: trustme.CA | None = None, app: Any = hello
) -> AsyncIterator[str]:
    """Serve ``app`` over TLS with ``cert``; with ``client_ca``, a client certificate signed
    by it is required (``ssl.CERT_REQUIRED``). Yields the URL."""
    with ExitStack() as files:
        pem = files.enter_context(cert.private_key_and_cert_chain_pem.tempfile())
        options: dict[str, Any] = {"ssl_certfile": pem, "ssl_keyfile": pem}
        if client_ca is not None:
            ca_file = files.enter_context(client_ca.cert_pem.tempfile())
            options |= {"ssl_ca_certs": ca_file, "ssl_cert_reqs": ssl.CERT_REQUIRED}
        async with uvicorn_server(app, **options) as port:
            yield f"https://127.0.0.1:{port}/graphql"
