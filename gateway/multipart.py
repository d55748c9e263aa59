"""``multipart/mixed`` response bodies, as Apollo Router writes them: every part is
``\\r\\n--graphql\\r\\ncontent-type: application/json\\r\\n\\r\\n`` and one JSON document, the
body ends with ``\\r\\n--graphql--\\r\\n``. One writer for both protocols that use it: Apollo's
multipart subscriptions (``subscriptionSpec="1.0"``, gateway/subscriptions/http.py) and
@defer's incremental delivery (``deferSpec=20220824``, gateway/server/incremental.py).
Clients read the boundary from the ``content-type`` (Apollo Client, Kotlin, iOS and meros do).

A part is complete for a client when the delimiter after it arrives (Apollo Client's reader
splits on ``\\r\\n--graphql``), so each write ends with the next delimiter: the part is read
the moment it is written, not when the next one comes. The bytes are the same either way.
"""

from __future__ import annotations

__all__ = ["BOUNDARY", "DEFER_TYPE", "SUBSCRIPTION_TYPE", "MultipartWriter"]

BOUNDARY = "graphql"
SUBSCRIPTION_TYPE = f'multipart/mixed;boundary="{BOUNDARY}";subscriptionSpec="1.0"'
DEFER_TYPE = f'multipart/mixed;boundary="{BOUNDARY}";deferSpec=20220824'
_DELIMITER = f"\r\n--{BOUNDARY}".encode()
_HEADERS = b"\r\ncontent-type: application/json\r\n\r\n"


class MultipartWriter:
    """The chunks of one body: ``part`` for each JSON document, ``end`` once."""

    __slots__ = ("_open",)

    def __init__(self) -> None:
        self._open = False  # a delimiter was written last

    def part(self, json: bytes) -> bytes:
        head = _HEADERS if self._open else _DELIMITER + _HEADERS
        self._open = True
        return head + json + _DELIMITER

    def end(self) -> bytes:
        return b"--\r\n" if self._open else _DELIMITER + b"--\r\n"
