"""fedgate's request signature, version 1 (docs/signing.md is the specification).

The signed text is six lines joined by ``\\n``::

    FEDGATE-HMAC-SHA256
    <key id>
    <METHOD>
    <path, with ?query when there is one>
    <timestamp: Unix seconds>
    <hex SHA-256 of the body bytes as sent>

and the signature is the hex HMAC-SHA256 of that text under the shared secret. Headers:
``x-fedgate-key-id``, ``x-fedgate-timestamp``, ``x-fedgate-signature: v1=<hex>``. The key id
lets a subgraph hold several secrets at once, so keys rotate without downtime.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Mapping
from urllib.parse import urlsplit

__all__ = [
    "KEY_ID_HEADER",
    "SIGNATURE_HEADER",
    "TIMESTAMP_HEADER",
    "HmacSigner",
    "signature",
    "signed_text",
]

ALGORITHM = "FEDGATE-HMAC-SHA256"
KEY_ID_HEADER = "x-fedgate-key-id"
TIMESTAMP_HEADER = "x-fedgate-timestamp"
SIGNATURE_HEADER = "x-fedgate-signature"


def signed_text(key_id: str, method: str, target: str, timestamp: str, body: bytes) -> bytes:
    digest = hashlib.sha256(body).hexdigest()
    return "\n".join((ALGORITHM, key_id, method.upper(), target, timestamp, digest)).encode()


def signature(secret: bytes, text: bytes) -> str:
    return hmac.new(secret, text, hashlib.sha256).hexdigest()


def request_target(url: str) -> str:
    """The path and query a server sees for ``url`` (``/`` for an empty path)."""
    parts = urlsplit(url)
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


class HmacSigner:
    __slots__ = ("_secret", "_targets", "key_id")

    def __init__(self, key_id: str, secret: str) -> None:
        self.key_id = key_id
        self._secret = secret.encode()
        self._targets: dict[str, str] = {}  # a subgraph's URL is fixed: parse it once

    def headers(self, method: str, url: str, body: bytes) -> Mapping[str, str]:
        target = self._targets.get(url)
        if target is None:
            target = self._targets[url] = request_target(url)
        timestamp = str(int(time.time()))
        text = signed_text(self.key_id, method, target, timestamp, body)
        return {
            KEY_ID_HEADER: self.key_id,
            TIMESTAMP_HEADER: timestamp,
            SIGNATURE_HEADER: "v1=" + signature(self._secret, text),
        }
