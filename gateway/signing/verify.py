"""ASGI middleware for Python subgraphs: refuse any request that does not carry a valid
fedgate HMAC signature (``gateway.signing.scheme``, docs/signing.md).

Put it outermost, before anything that decodes the body (the signature covers the bytes on
the wire)::

    app = VerifySignatures(app, keys={"gw-2026": os.environ["FEDGATE_SIGNING_SECRET"]})

A refusal is a 401 with a GraphQL error (``UNAUTHENTICATED``) that says what was wrong, but
never which key would have matched. Requests older or newer than ``max_skew`` seconds are
refused, which bounds how long a captured request can be replayed.
"""

from __future__ import annotations

import hmac
import time
from collections.abc import Collection, Mapping

from gateway.transport.asgi import ASGIApp, Receive, Scope, Send, header, read_body, refuse, replay

from .scheme import KEY_ID_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, signature, signed_text

__all__ = ["VerifySignatures"]


class VerifySignatures:
    def __init__(
        self,
        app: ASGIApp,
        *,
        keys: Mapping[str, str],
        max_skew: float = 300.0,
        max_body_bytes: int = 2_000_000,
        exempt_paths: Collection[str] = (),
    ) -> None:
        """``keys``: key id → secret (several during a rotation). ``exempt_paths``: served
        unsigned (a load balancer's health check)."""
        if not keys:
            raise ValueError("VerifySignatures needs at least one key")
        self.app = app
        self._keys = {key_id: secret.encode() for key_id, secret in keys.items()}
        self.max_skew = max_skew
        self.max_body_bytes = max_body_bytes
        self.exempt_paths = frozenset(exempt_paths)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] in self.exempt_paths:
            await self.app(scope, receive, send)
            return
        body = await read_body(receive, self.max_body_bytes)
        if body is None:
            await refuse(send, 413, "the request body is too large", "PAYLOAD_TOO_LARGE")
            return
        problem = self._problem(scope, body)
        if problem is not None:
            await refuse(send, 401, f"request signature: {problem}", "UNAUTHENTICATED")
            return
        await self.app(scope, replay(body, receive), send)

    def _problem(self, scope: Scope, body: bytes) -> str | None:
        """Why the request's signature does not hold, or ``None`` when it does."""
        key_id = header(scope, KEY_ID_HEADER.encode())
        timestamp = header(scope, TIMESTAMP_HEADER.encode())
        sent = header(scope, SIGNATURE_HEADER.encode())
        if key_id is None or timestamp is None or sent is None:
            return "missing (x-fedgate-key-id, x-fedgate-timestamp, x-fedgate-signature)"
        secret = self._keys.get(key_id)
        if secret is None:
            return "unknown key id"
        if not timestamp.isdigit() or abs(time.time() - int(timestamp)) > self.max_skew:
            return "timestamp outside the allowed window"
        target = scope.get("raw_path") or scope["path"].encode()
        query = scope.get("query_string", b"")
        path = bytes(target).decode("latin-1") + (f"?{query.decode('latin-1')}" if query else "")
        text = signed_text(key_id, scope["method"], path, timestamp, body)
        expected = "v1=" + signature(secret, text)
        # constant time: the comparison must not tell an attacker how much of it matched
        if not hmac.compare_digest(expected.encode(), sent.encode("latin-1")):
            return "does not match"
        return None
