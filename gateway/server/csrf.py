"""CSRF prevention as Apollo Router (and Apollo Server) do it.

A browser sends a "simple" request (GET, or POST with a form or text content type) to any
origin without asking first; everything else needs a CORS preflight, which the CORS policy
answers. So a request is let through only when a browser could not have sent it without a
preflight: a ``Content-Type`` other than the simple ones, or a non-empty value in one of
``csrf.required_headers`` (by default ``x-apollo-operation-name`` and
``apollo-require-preflight``). ``csrf.unsafe_disabled: true`` turns the check off.
"""

from __future__ import annotations

from collections.abc import Mapping

from gateway.config import CsrfConfig

__all__ = ["CSRF_CODE", "Csrf"]

CSRF_CODE = "CSRF_ERROR"
_SIMPLE_TYPES = frozenset(
    {"application/x-www-form-urlencoded", "multipart/form-data", "text/plain"}
)


class Csrf:
    __slots__ = ("_required", "enabled", "message")

    def __init__(self, config: CsrfConfig) -> None:
        self.enabled = not config.unsafe_disabled
        self._required = config.required_headers
        self.message = (
            "This operation has been blocked as a potential Cross-Site Request Forgery (CSRF). "
            "Please either specify a 'content-type' header (with a mime-type that is not one of "
            "application/x-www-form-urlencoded, multipart/form-data, text/plain) or provide one "
            f"of the following headers: {', '.join(self._required)}"
        )

    def allows(self, headers: Mapping[str, str]) -> bool:
        if not self.enabled:
            return True
        content_type = headers.get("content-type")
        if content_type is not None:
            essence = content_type.partition(";")[0].strip().lower()
            # An unparsable type cannot come from a simple request either.
            if essence not in _SIMPLE_TYPES:
                return True
        return any(headers.get(name) for name in self._required)
