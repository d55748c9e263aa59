"""OAuth2 client credentials (RFC 6749 section 4.4) for subgraph calls: one cached token per
setting, refreshed shortly before it expires by one request that every waiting call shares.

The token endpoint is called with its own short-lived aiohttp session (a refresh happens once
per token lifetime, so pooling buys nothing) and its own timeout, so a token endpoint that is
down or hangs gives ``TokenError`` within ``timeout`` seconds, never a stuck request. What the
endpoint said goes to the log; the caller gets a reason that names no URL or secret.
"""

from __future__ import annotations

import asyncio
import base64
import logging
import ssl
import time
from dataclasses import dataclass, field
from urllib.parse import quote

import aiohttp
import orjson

from .tls import tls_failure

log = logging.getLogger("fedgate.transport")

__all__ = ["OAuth2Settings", "TokenError", "TokenSource"]

_MAX_TOKEN_RESPONSE = 64 * 1024
_DEFAULT_LIFETIME = 300.0  # when the endpoint gives no expires_in


@dataclass(frozen=True, slots=True)
class OAuth2Settings:
    """``fedgate.subgraph_auth.*.oauth2``."""

    token_url: str
    client_id: str
    client_secret: str = field(repr=False)
    scopes: tuple[str, ...] = ()
    audience: str | None = None
    # client_secret_basic (RFC 6749's must-support) or client_secret_post
    auth_method: str = "basic"
    timeout: float = 5.0
    # refresh this long before expiry (at most half the token's lifetime)
    refresh_before: float = 30.0
    # after a failed refresh, calls fail at once for this long (the endpoint is not hammered)
    retry_after_failure: float = 1.0
    # PEM CA bundle for an https token endpoint with a private CA (default: the system's)
    certificate_authorities: str | None = field(default=None, repr=False)


class TokenError(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class TokenSource:
    __slots__ = (
        "_expires",
        "_failed",
        "_failed_until",
        "_refreshing",
        "_ssl",
        "_token",
        "refreshes",
        "settings",
    )

    def __init__(self, settings: OAuth2Settings) -> None:
        self.settings = settings
        self._token: str | None = None
        self._expires = 0.0  # monotonic time to refresh at
        self._refreshing: asyncio.Future[str] | None = None
        self._failed: TokenError | None = None
        self._failed_until = 0.0
        self.refreshes = 0  # token endpoint calls made (for logs and tests)
        self._ssl: ssl.SSLContext | bool = True
        if settings.certificate_authorities is not None:
            self._ssl = ssl.create_default_context(cadata=settings.certificate_authorities)

    async def token(self) -> str:
        now = time.monotonic()
        if self._token is not None and now < self._expires:
            return self._token
        if self._failed is not None and now < self._failed_until:
            raise TokenError(self._failed.reason)
        if self._refreshing is None:
            self._refreshing = asyncio.ensure_future(self._refresh())
            self._refreshing.add_done_callback(self._done)
        # shield: one caller's cancellation must not cancel the refresh the others wait for
        return await asyncio.shield(self._refreshing)

    def invalidate(self, token: str) -> None:
        """A subgraph refused ``token``: the next call fetches another (once, however many
        concurrent calls saw the refusal)."""
        if self._token == token:
            self._token = None

    def _done(self, future: asyncio.Future[str]) -> None:
        if self._refreshing is future:
            self._refreshing = None
        failure = None if future.cancelled() else future.exception()
        if isinstance(failure, TokenError):
            self._failed = failure
            self._failed_until = time.monotonic() + self.settings.retry_after_failure
        else:
            self._failed = None

    async def _refresh(self) -> str:
        self.refreshes += 1
        s = self.settings
        started = time.monotonic()
        try:
            async with asyncio.timeout(s.timeout):
                payload = await self._call()
        except TimeoutError as exc:
            log.warning("oauth2: token endpoint timed out after %ss", s.timeout)
            raise TokenError("the token endpoint timed out") from exc
        except (aiohttp.ClientError, OSError) as exc:
            log.warning("oauth2: token endpoint: %s: %s", type(exc).__name__, exc)
            tls = tls_failure(exc)  # "the subgraph's TLS certificate ..." names the wrong peer
            reason = "the token endpoint could not be reached"
            if tls is not None:
                reason = "the token endpoint's TLS certificate did not verify"
            raise TokenError(reason) from exc
        token = payload.get("access_token")
        if not isinstance(token, str) or not token:
            raise TokenError("the token endpoint's answer has no access_token")
        lifetime = payload.get("expires_in", _DEFAULT_LIFETIME)
        if not isinstance(lifetime, int | float) or lifetime <= 0:
            lifetime = _DEFAULT_LIFETIME
        early = min(s.refresh_before, lifetime / 2)
        self._token = token
        self._expires = started + lifetime - early
        return token

    async def _call(self) -> dict[str, object]:
        s = self.settings
        form = {"grant_type": "client_credentials"}
        if s.scopes:
            form["scope"] = " ".join(s.scopes)
        if s.audience is not None:
            form["audience"] = s.audience
        headers = {"accept": "application/json"}
        if s.auth_method == "post":
            form |= {"client_id": s.client_id, "client_secret": s.client_secret}
        else:
            # RFC 6749 2.3.1: form-encode both before the Basic scheme's base64
            pair = f"{quote(s.client_id, safe='')}:{quote(s.client_secret, safe='')}"
            headers["authorization"] = "Basic " + base64.b64encode(pair.encode()).decode()
        async with (
            aiohttp.ClientSession() as session,
            session.post(s.token_url, data=form, headers=headers, ssl=self._ssl) as resp,
        ):
            body = await _bounded(resp)
            if resp.status != 200:
                _log_refusal(resp.status, body)
                raise TokenError(f"the token endpoint answered {resp.status}")
        try:
            payload = orjson.loads(body)
        except orjson.JSONDecodeError as exc:
            raise TokenError("the token endpoint's answer is not JSON") from exc
        if not isinstance(payload, dict):
            raise TokenError("the token endpoint's answer is not a JSON object")
        return payload


async def _bounded(resp: aiohttp.ClientResponse) -> bytes:
    parts: list[bytes] = []
    size = 0
    async for chunk in resp.content.iter_chunked(1 << 14):
        size += len(chunk)
        if size > _MAX_TOKEN_RESPONSE:
            raise TokenError("the token endpoint's answer is too large")
        parts.append(chunk)
    return b"".join(parts)


def _log_refusal(status: int, body: bytes) -> None:
    # RFC 6749 5.2: `error` is a fixed code (invalid_client, ...), safe to log; nothing else is
    try:
        error = orjson.loads(body).get("error")
    except (orjson.JSONDecodeError, AttributeError):
        error = None
    log.warning("oauth2: token endpoint answered %s (error: %s)", status, error or "-")
