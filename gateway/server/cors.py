"""CORS as Apollo Router 2.x does it: ``cors.policies`` (exact ``origins`` or ``match_origins``
regexes, each policy with its own credentials, headers, methods and max age, falling back to
the ``cors`` level), or ``allow_any_origin``.

Compiled once from the config. A request without ``Origin`` (every non-browser client) costs
one header lookup. A preflight (``OPTIONS`` with ``Access-Control-Request-Method``) is answered
here and never reaches GraphQL; an origin no policy allows gets no CORS headers at all, so the
browser refuses the response (as with Apollo Router).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from gateway.config import CorsConfig, CorsPolicy

__all__ = ["Cors"]


@dataclass(frozen=True, slots=True)
class _Resolved:
    """A policy with the ``cors``-level fallbacks filled in, headers pre-joined."""

    policy: CorsPolicy
    credentials: bool
    allow_headers: str  # "" → mirror the preflight's Access-Control-Request-Headers
    expose_headers: str
    methods: str
    max_age: str | None


class Cors:
    __slots__ = ("_any", "_exact", "_patterns")

    def __init__(self, config: CorsConfig) -> None:
        self._any: _Resolved | None = None
        if config.allow_any_origin:
            self._any = _resolve(CorsPolicy(), config)
        self._exact: dict[str, _Resolved] = {}
        self._patterns: list[_Resolved] = []
        for policy in config.policies:
            resolved = _resolve(policy, config)
            for origin in policy.origins:
                self._exact.setdefault(origin, resolved)
            if policy.match_origins:
                self._patterns.append(resolved)

    def _match(self, origin: str) -> _Resolved | None:
        found = self._exact.get(origin)
        if found is not None:
            return found
        for resolved in self._patterns:
            # Apollo Router matches the regex anywhere in the origin: anchor it in the config.
            if any(p.search(origin) for p in resolved.policy.match_origins):
                return resolved
        return None

    def _allow_origin(self, origin: str) -> tuple[str, _Resolved] | None:
        matched = self._match(origin)
        if matched is not None:
            return origin, matched
        if self._any is not None:
            return "*", self._any
        return None

    def response_headers(self, origin: str | None) -> dict[str, str] | None:
        """Headers for an actual (non-preflight) response; None when there are none."""
        if origin is None:
            return None
        allowed = self._allow_origin(origin)
        if allowed is None:
            return {"vary": "origin"}
        value, policy = allowed
        headers = {"access-control-allow-origin": value, "vary": "origin"}
        if policy.credentials:
            headers["access-control-allow-credentials"] = "true"
        if policy.expose_headers:
            headers["access-control-expose-headers"] = policy.expose_headers
        return headers

    def preflight_headers(self, request_headers: Mapping[str, str]) -> dict[str, str]:
        """The answer to a preflight (empty of CORS headers for an origin not allowed)."""
        origin = request_headers.get("origin")
        headers = {"vary": "origin, access-control-request-method, access-control-request-headers"}
        allowed = self._allow_origin(origin) if origin is not None else None
        if allowed is None:
            return headers
        value, policy = allowed
        headers["access-control-allow-origin"] = value
        headers["access-control-allow-methods"] = policy.methods
        asked = request_headers.get("access-control-request-headers", "")
        allow = policy.allow_headers or asked
        if allow:
            headers["access-control-allow-headers"] = allow
        if policy.credentials:
            headers["access-control-allow-credentials"] = "true"
        if policy.max_age is not None:
            headers["access-control-max-age"] = policy.max_age
        return headers


def _resolve(policy: CorsPolicy, config: CorsConfig) -> _Resolved:
    credentials = config.allow_credentials
    if policy.allow_credentials is not None:
        credentials = policy.allow_credentials
    allow = policy.allow_headers if policy.allow_headers is not None else config.allow_headers
    expose = policy.expose_headers if policy.expose_headers is not None else config.expose_headers
    methods = policy.methods if policy.methods is not None else config.methods
    max_age = policy.max_age if policy.max_age is not None else config.max_age
    return _Resolved(
        policy,
        credentials,
        ", ".join(allow),
        ", ".join(expose),
        ", ".join(m.upper() for m in methods),
        None if max_age is None else str(int(max_age)),
    )
