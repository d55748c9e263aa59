"""Who may send a request, before any GraphQL work: the client address allow-list
(``fedgate.client_access``), the router's global rate limit
(``traffic_shaping.router.global_rate_limit``) and the per-client limits
(``fedgate.rate_limit.per_client``: a header, a JWT claim or the client address).

A refused request gets ``403`` (``CLIENT_ADDRESS_NOT_ALLOWED``) or ``429`` with
``Retry-After`` (``REQUEST_RATE_LIMITED``, Apollo Router's code). Per-client limits keyed by a
claim run after authentication has put the claims in the request context.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from gateway.config.edge_model import ClientRateLimit, EdgeConfig, RateLimit
from gateway.context import RequestContext

from .access import allowed, client_address
from .store import BucketStore, MemoryBuckets

__all__ = ["JWT_CLAIMS_KEY", "Admission", "Refusal"]

# where Apollo Router (and fedgate's authentication) keeps a request's JWT claims
JWT_CLAIMS_KEY = "apollo::authentication::jwt_claims"
RATE_LIMITED = "REQUEST_RATE_LIMITED"
NOT_ALLOWED = "CLIENT_ADDRESS_NOT_ALLOWED"


@dataclass(frozen=True, slots=True)
class Refusal:
    status: int
    body: dict[str, Any]
    headers: Mapping[str, str]


def _rate_limited(wait: float) -> Refusal:
    body = {
        "errors": [
            {"message": "Your request has been rate limited", "extensions": {"code": RATE_LIMITED}}
        ]
    }
    return Refusal(429, body, {"retry-after": str(max(1, math.ceil(wait)))})


_FORBIDDEN = Refusal(
    403,
    {
        "errors": [
            {
                "message": "The client address is not allowed to call this endpoint",
                "extensions": {"code": NOT_ALLOWED},
            }
        ]
    },
    {},
)


class Admission:
    """Built once per generation; ``buckets`` may outlive it (kept across reloads)."""

    def __init__(self, config: EdgeConfig, buckets: BucketStore | None = None) -> None:
        self.access = config.access
        self.router_limit: RateLimit | None = config.router_rate_limit
        self.client_limit: ClientRateLimit | None = config.client_rate_limit
        max_keys = self.client_limit.max_clients if self.client_limit else 1
        self.buckets = buckets if buckets is not None else MemoryBuckets(max_keys + 1)
        self.trusted = config.access.trusted_proxies if config.access else ()

    async def at_the_door(self, peer: str | None, headers: Mapping[str, str]) -> Refusal | None:
        """The checks that need no GraphQL: address allow-list, global limit."""
        if self.access is not None:
            address = client_address(peer, headers, self.trusted)
            if not allowed(self.access, address):
                return _FORBIDDEN
        limit = self.router_limit
        if limit is not None:
            wait = await self.buckets.take("router", limit.size, limit.per_second)
            if wait > 0:
                return _rate_limited(wait)
        return None

    async def per_client(self, context: RequestContext) -> Refusal | None:
        """The per-client limit (after authentication: a claim may be the key)."""
        limit = self.client_limit
        if limit is None:
            return None
        key = self.client_key(limit, context)
        wait = await self.buckets.take(key, limit.limit.size, limit.limit.per_second)
        return _rate_limited(wait) if wait > 0 else None

    def client_key(self, limit: ClientRateLimit, context: RequestContext) -> str:
        kind, name = limit.key.kind, limit.key.name
        if kind == "header":
            value = context.headers.get(name)
            if value:
                return f"header:{value}"
        elif kind == "claim":
            claim = _claim(context, name)
            if claim is not None:
                return f"claim:{claim}"
        peer = context.client[0] if context.client else None
        return f"address:{client_address(peer, context.headers, self.trusted)}"


def _claim(context: RequestContext, name: str) -> str | None:
    claims: Any = context.claims
    if claims is None:
        # authentication may keep them as Apollo does, in the context's entries
        entries = getattr(context, "entries", None)
        if isinstance(entries, Mapping):
            claims = entries.get(JWT_CLAIMS_KEY)
    if not isinstance(claims, Mapping) or claims.get(name) is None:
        return None
    return str(claims[name])
