"""``multipart/mixed`` response bodies, as Apollo Router writes them: every part is
``\\r\\n--graphql\\r\\ncontent-type: application/json\\r\\n\\r\\n`` and one JSON document, the
body ends with ``\\r\\n--graphql--\\r\\n``. One writer for both protocols that use it: Apollo's
multipart subscriptions (``subscriptionSpec="1.0"``, gateway/subscriptions/http.py) and
@defer's incremental delivery (``deferSpec=20220824``, gateway/server/incremental.py).
Clients read the boundary from the ``content-type`` (Apollo Client, Kotlin, iOS and meros do).
"""

from __future__ import annotations

__all__ = ["BOUNDARY", "DEFER_TYPE", "END", "SUBSCRIPTION_TYPE", "part"]

BOUNDARY = "graphql"
SUBSCRIPTION_TYPE = f'multipart/mixed;boundary="{BOUNDARY}";subscriptionSpec="1.0"'
DEFER_TYPE = f'multipart/mixed;boundary="{BOUNDARY}";deferSpec=20220824'
_HEAD = f"\r\n--{BOUNDARY}\r\ncontent-type: application/json\r\n\r\n".encode()
END = f"\r\n--{BOUNDARY}--\r\n".encode()


def part(json: bytes) -> bytes:
    """One part holding the JSON document ``json``."""
    return _HEAD + json
