"""Trust between the gateway and its subgraphs: what each subgraph call must carry (an OAuth2
token, an HMAC or AWS SigV4 signature, a compressed body) and the client that applies it.

``TrustClient`` wraps the HTTP client; it is only in the stack when something is configured
(``TrustConfig.active``), and a subgraph with nothing configured passes through after one dict
lookup. Order per request: compress the body, add the bearer token, sign (signatures cover the
bytes on the wire). A 401 from a subgraph with OAuth2 is retried once with a fresh token.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType

from gateway.signing.scheme import HmacSigner

from .base import SubgraphClient, SubgraphRequest, SubgraphResponse, TransportError
from .compression import compress
from .oauth2 import OAuth2Settings, TokenError, TokenSource
from .tls import TlsContexts

log = logging.getLogger("fedgate.transport")

__all__ = ["HmacSettings", "SigV4Settings", "SubgraphTrust", "TrustClient", "TrustConfig"]


@dataclass(frozen=True, slots=True)
class HmacSettings:
    """``fedgate.subgraph_auth.*.hmac``: the key id sent and the shared secret (docs/signing.md)."""

    key_id: str
    secret: str = field(repr=False)


@dataclass(frozen=True, slots=True)
class SigV4Settings:
    """Apollo Router's ``aws_sig_v4``: ``hardcoded`` keys, or the default credential chain
    (environment, shared files with ``profile_name``, container and instance roles)."""

    region: str
    service_name: str
    profile_name: str | None = None
    access_key_id: str | None = None
    secret_access_key: str | None = field(default=None, repr=False)


@dataclass(frozen=True, slots=True)
class SubgraphTrust:
    """What one subgraph's calls carry (all ``None``: nothing)."""

    oauth2: OAuth2Settings | None = None
    hmac: HmacSettings | None = None
    sigv4: SigV4Settings | None = None
    compression: str | None = None  # gzip, br, deflate (identity: None)

    @property
    def active(self) -> bool:
        return any((self.oauth2, self.hmac, self.sigv4, self.compression))


NOTHING = SubgraphTrust()


@dataclass(frozen=True, slots=True)
class TrustConfig:
    """``all``'s settings and each listed subgraph's (already merged with ``all``)."""

    all: SubgraphTrust = NOTHING
    subgraphs: Mapping[str, SubgraphTrust] = field(default_factory=lambda: MappingProxyType({}))
    tls: TlsContexts | None = None

    def for_subgraph(self, name: str) -> SubgraphTrust:
        return self.subgraphs.get(name, self.all)

    @property
    def active(self) -> bool:
        """Whether any subgraph call needs the wrapper (TLS lives in the HTTP client)."""
        return self.all.active or any(t.active for t in self.subgraphs.values())


class TrustClient:
    """A ``SubgraphClient`` that compresses, authenticates and signs, then delegates."""

    __slots__ = ("_config", "_inner", "_plans", "_tokens")

    def __init__(self, inner: SubgraphClient, config: TrustConfig) -> None:
        self._inner = inner
        self._config = config
        self._plans: dict[str, _Plan | None] = {}
        # one token per OAuth2 setting: subgraphs under `all` share it
        self._tokens: dict[OAuth2Settings, TokenSource] = {}

    async def fetch(self, request: SubgraphRequest) -> SubgraphResponse:
        name = request.subgraph
        plan = self._plans[name] if name in self._plans else self._plan(name)
        if plan is None:
            return await self._inner.fetch(request)
        signed, token = await plan.prepare(request)
        response = await self._inner.fetch(signed)
        if response.status == 401 and plan.tokens is not None and token is not None:
            # the token may have been revoked or rotated early: one retry with a fresh one
            plan.tokens.invalidate(token)
            signed, _ = await plan.prepare(request)
            response = await self._inner.fetch(signed)
        return response

    def _plan(self, name: str) -> _Plan | None:
        trust = self._config.for_subgraph(name)
        plan = None
        if trust.active:
            tokens = None
            if trust.oauth2 is not None:
                tokens = self._tokens.setdefault(trust.oauth2, TokenSource(trust.oauth2))
            plan = _Plan(trust, tokens)
        self._plans[name] = plan
        return plan


class _Plan:
    """One subgraph's steps, built on its first call."""

    __slots__ = ("_hmac", "_sigv4", "tokens", "trust")

    def __init__(self, trust: SubgraphTrust, tokens: TokenSource | None) -> None:
        self.trust = trust
        self.tokens = tokens
        self._hmac = HmacSigner(trust.hmac.key_id, trust.hmac.secret) if trust.hmac else None
        self._sigv4 = None
        if trust.sigv4 is not None:
            # imported here: botocore loads only when a subgraph is signed with SigV4
            from gateway.signing.sigv4 import SigV4Signer

            self._sigv4 = SigV4Signer(trust.sigv4)

    async def prepare(self, request: SubgraphRequest) -> tuple[SubgraphRequest, str | None]:
        """The request as sent (body bytes, extra headers) and the token it carries."""
        name = request.subgraph
        body = request.body_bytes()
        headers = dict(request.headers)
        if self.trust.compression is not None:
            body = compress(body, self.trust.compression)
            headers["content-encoding"] = self.trust.compression
        token = None
        if self.tokens is not None:
            try:
                token = await self.tokens.token()
            except TokenError as exc:
                raise _auth_error(name, request, f"no OAuth2 token ({exc.reason})") from exc
            headers["authorization"] = f"Bearer {token}"
        if self._hmac is not None:
            headers.update(self._hmac.headers("POST", request.url, body))
        if self._sigv4 is not None:
            try:
                headers.update(await self._sigv4.headers(request.url, body, headers))
            except Exception as exc:  # botocore's credential errors have no common base
                log.warning("subgraph %s: SigV4: %s: %s", name, type(exc).__name__, exc)
                raise _auth_error(name, request, "no AWS credentials to sign with") from exc
        return replace(request, body=body, headers=MappingProxyType(headers)), token


def _auth_error(name: str, request: SubgraphRequest, reason: str) -> TransportError:
    request_id = request.context.request_id if request.context else "-"
    log.warning("subgraph %s: %s (request %s)", name, reason, request_id)
    return TransportError(
        name, f"HTTP fetch failed from '{name}': {reason}", code="SUBGRAPH_AUTH_ERROR"
    )
