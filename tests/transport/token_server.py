"""A real OAuth2 token endpoint for the tests (aiohttp on a loopback port): issues ``tok-N``
for the right client credentials, counts its calls, and can be told to fail or hang."""

from __future__ import annotations

import asyncio
import base64
import ssl
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from urllib.parse import unquote

from aiohttp import web

CLIENT_ID = "gateway"
CLIENT_SECRET = "s3cret:with/odd chars"


@dataclass
class TokenServer:
    url: str = ""
    calls: int = 0
    issued: list[str] = field(default_factory=list)
    forms: list[dict[str, str]] = field(default_factory=list)
    expires_in: int = 3600
    mode: str = "ok"  # ok, error, hang, garbage
    delay: float = 0.0

    async def handle(self, request: web.Request) -> web.Response:
        self.calls += 1
        form = {k: str(v) for k, v in (await request.post()).items()}
        self.forms.append(form)
        if self.delay:
            await asyncio.sleep(self.delay)
        if self.mode == "hang":
            await asyncio.sleep(3600)
        if self.mode == "error":
            return web.json_response({"error": "temporarily_unavailable"}, status=503)
        if self.mode == "garbage":
            return web.Response(text="<html>oops</html>", content_type="text/html")
        if form.get("grant_type") != "client_credentials" or not _authorized(request, form):
            return web.json_response({"error": "invalid_client"}, status=401)
        token = f"tok-{len(self.issued) + 1}"
        self.issued.append(token)
        return web.json_response(
            {"access_token": token, "token_type": "Bearer", "expires_in": self.expires_in}
        )


def _authorized(request: web.Request, form: dict[str, str]) -> bool:
    header = request.headers.get("authorization", "")
    if header.startswith("Basic "):
        user, _, password = base64.b64decode(header[6:]).decode().partition(":")
        return (unquote(user), unquote(password)) == (CLIENT_ID, CLIENT_SECRET)
    return (form.get("client_id"), form.get("client_secret")) == (CLIENT_ID, CLIENT_SECRET)


@asynccontextmanager
async def token_server(tls: ssl.SSLContext | None = None) -> AsyncIterator[TokenServer]:
    """The endpoint on a free port (HTTPS with ``tls``, a server context)."""
    server = TokenServer()
    app = web.Application()
    app.router.add_post("/oauth/token", server.handle)
    runner = web.AppRunner(app, shutdown_timeout=0.1)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0, ssl_context=tls)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    server.url = f"{'https' if tls else 'http'}://127.0.0.1:{port}/oauth/token"
    try:
        yield server
    finally:
        await runner.cleanup()
