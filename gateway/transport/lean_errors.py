"""The lean client's failures (``lean_http``): ``http.py`` turns each into a
``TransportError`` with its ``reason`` (words for clients: no host, port or path) and logs
``str()`` (the detail, with the address, for operators)."""

from __future__ import annotations

__all__ = [
    "CannotConnect",
    "CutShort",
    "Disconnected",
    "InvalidRequest",
    "InvalidResponse",
    "LeanFailure",
    "Stop",
]


class LeanFailure(Exception):
    """No usable answer; ``reason`` is for clients (no host, port or path), ``str()`` for the
    log."""

    reason = "connection error"
    answered = False


class CannotConnect(LeanFailure):
    reason = "cannot connect"


class Disconnected(LeanFailure):
    """The connection closed (or reset) before the answer's head was complete: safe to send
    again on a new connection when the request is idempotent or the connection was reused."""

    reason = "the connection closed before a response"

    def __init__(self, detail: str, *, reused: bool, got_bytes: bool) -> None:
        super().__init__(detail)
        self.reused = reused
        self.got_bytes = got_bytes


class CutShort(LeanFailure):
    """The status and headers arrived, the body did not (all of it, or decodable)."""

    reason = "the response body was cut short"
    answered = True


class InvalidRequest(LeanFailure):
    """Header rules produced a header that cannot be sent (a line break in it)."""

    reason = "invalid request headers"


class InvalidResponse(LeanFailure):
    """Not HTTP, or HTTP that llhttp refuses (or a head over the limits)."""

    reason = "invalid response"


class Stop(Exception):
    """Raised in a parser callback that has already failed the exchange: stops llhttp."""
