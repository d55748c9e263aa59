"""JWT authentication (Apollo Router's ``authentication.router.jwt``): the token from the
configured header (with its prefix) or cookie, its key chosen as Apollo chooses it (``kid``
and ``alg``; then ``kid`` and a key type that fits the algorithm; then ``alg``; then the key
type), verified by PyJWT, ``exp``/``nbf``/``iat`` with the clock skew, then ``iss`` and
``aud`` against the key's JWKS (when the token has them). A ``kid`` no JWKS knows refetches
the sets once (rate-bounded, see ``jwks.py``) before the token is refused.

A verified token is remembered (bounded LRU, by its exact text) while the key sets stay the
same: the same bytes carry the same signature, so a client sending its token with every
request pays the decoding and the signature check once; ``exp`` and ``nbf`` are checked on
every use. The claims handed out are read-only (one mapping shared by the requests that
carry the same token).

``authenticate`` answers the claims, None (no token: anonymous), or an ``AuthFailure`` (the
server answers it with ``AUTH_ERROR``, or, with ``on_error: Continue``, goes on anonymous).
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass
from http.cookies import CookieError, SimpleCookie
from types import MappingProxyType
from typing import Any

import jwt

from gateway.config.auth import ALGORITHMS, JwtConfig, TokenSource

from .jwks import JwksSet, Key, KeyStore

__all__ = ["AUTH_ERROR_CODE", "AuthFailure", "Authenticator"]

AUTH_ERROR_CODE = "AUTH_ERROR"
_REMEMBERED = 4096
_FAMILY = {"RS": "RSA", "PS": "RSA", "ES": "EC", "HS": "oct", "Ed": "OKP"}


@dataclass(frozen=True, slots=True)
class AuthFailure:
    message: str
    status: int = 401

    def body(self) -> dict[str, Any]:
        return {"errors": [{"message": self.message, "extensions": {"code": AUTH_ERROR_CODE}}]}


class Authenticator:
    __slots__ = ("_verified", "config", "store")

    def __init__(self, config: JwtConfig) -> None:
        self.config = config
        self.store = KeyStore(config.jwks, config.min_refresh_interval)
        # token text -> (claims, exp, nbf, key generation); oldest dropped first
        self._verified: OrderedDict[str, tuple[MappingProxyType[str, Any], Any, Any, int]] = (
            OrderedDict()
        )

    async def close(self) -> None:
        await self.store.close()

    async def authenticate(
        self, headers: Mapping[str, str]
    ) -> MappingProxyType[str, Any] | AuthFailure | None:
        token = self.token(headers)
        if token is None or isinstance(token, AuthFailure):
            return token
        store = self.store
        if not store.started:
            await store.start()
        known = self._verified.get(token)
        if known is not None and known[3] == store.generation:
            return self._still_valid(known)
        outcome = await self._authenticate(token)
        if isinstance(outcome, AuthFailure):
            return outcome
        # read-only, so every request with this token can share it (no copy per request)
        claims = MappingProxyType(dict(outcome))
        self._verified[token] = (claims, claims.get("exp"), claims.get("nbf"), store.generation)
        if len(self._verified) > _REMEMBERED:
            self._verified.popitem(last=False)
        return claims

    def _still_valid(
        self, known: tuple[MappingProxyType[str, Any], Any, Any, int]
    ) -> MappingProxyType[str, Any] | AuthFailure:
        claims, exp, nbf = known[0], known[1], known[2]
        now = time.time()
        skew = self.config.clock_skew
        if isinstance(exp, (int, float)) and now > exp + skew:
            return AuthFailure("Cannot decode JWT: the token has expired")
        if isinstance(nbf, (int, float)) and now < nbf - skew:
            return AuthFailure("Cannot decode JWT: the token is not valid yet")
        return claims

    async def _authenticate(self, token: str) -> Mapping[str, Any] | AuthFailure:
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError:
            return AuthFailure("Cannot decode JWT header")
        alg, kid = header.get("alg"), header.get("kid")
        if alg not in ALGORITHMS:
            return AuthFailure(f"Unsupported JWT algorithm: {alg!r}")
        candidates = self._candidates(alg, kid)
        if not candidates and kid is not None:
            refreshed = [
                await s.refresh_for_unknown_kid(self.store.session) for s in self.store.sets
            ]
            if any(refreshed):
                candidates = self._candidates(alg, kid)
        if not candidates:
            return AuthFailure("Cannot find a suitable key for the JWT")
        failure = AuthFailure("Cannot decode JWT")
        for jwks, key in candidates:
            outcome = self._verify(token, alg, jwks, key)
            if not isinstance(outcome, AuthFailure):
                return outcome
            failure = outcome
        return failure

    def token(self, headers: Mapping[str, str]) -> str | AuthFailure | None:
        for source in self.config.sources:
            found = self._from(source, headers)
            if found is not None:
                return found
        return None

    def _from(self, source: TokenSource, headers: Mapping[str, str]) -> str | AuthFailure | None:
        if source.kind == "cookie":
            raw = headers.get("cookie")
            if raw is None:
                return None
            try:
                morsel = SimpleCookie(raw).get(source.name)
            except CookieError:
                return None
            return morsel.value if morsel is not None and morsel.value else None
        value = headers.get(source.name)
        if value is None:
            return None
        value = value.strip()
        if not source.prefix:
            return value or None
        head, _, rest = value.partition(" ")
        if head == source.prefix and rest.strip():
            return rest.strip()
        if self.config.ignore_other_prefixes:
            return None
        return AuthFailure(
            f"Value of '{source.name}' JWT header should be prefixed with '{source.prefix}'", 400
        )

    def _candidates(self, alg: str, kid: str | None) -> list[tuple[JwksSet, Key]]:
        """Apollo's matching levels, best first: kid+alg, kid+type, alg, type."""
        family = _FAMILY[alg[:2]]
        levels: list[list[tuple[JwksSet, Key]]] = [[], [], [], []]
        for jwks in self.store.sets:
            if jwks.config.algorithms and alg not in jwks.config.algorithms:
                continue
            for key in jwks.keys:
                if (key.alg is not None and key.alg != alg) or key.kty != family:
                    continue
                exact = key.alg == alg
                if kid is not None and key.kid == kid:
                    levels[0 if exact else 1].append((jwks, key))
                elif kid is None or key.kid is None:
                    # a key named otherwise never verifies a token that names its key
                    levels[2 if exact else 3].append((jwks, key))
        return [c for level in levels for c in level]

    def _verify(
        self, token: str, alg: str, jwks: JwksSet, key: Key
    ) -> Mapping[str, Any] | AuthFailure:
        try:
            claims: dict[str, Any] = jwt.decode(
                token,
                key.key,
                algorithms=[alg],
                leeway=self.config.clock_skew,
                options={"verify_aud": False, "verify_iss": False},
            )
        except jwt.ExpiredSignatureError:
            return AuthFailure("Cannot decode JWT: the token has expired")
        except jwt.ImmatureSignatureError:
            return AuthFailure("Cannot decode JWT: the token is not valid yet")
        except jwt.PyJWTError as exc:
            return AuthFailure(f"Cannot decode JWT: {type(exc).__name__}")
        issuers = jwks.config.issuers
        if issuers and "iss" in claims and claims["iss"] not in issuers:
            return AuthFailure(f"Invalid issuer: the token's issuer is not one of {list(issuers)}")
        audiences = jwks.config.audiences
        if audiences and "aud" in claims:
            aud = claims["aud"]
            given = [aud] if isinstance(aud, str) else aud if isinstance(aud, list) else []
            if not any(a in audiences for a in given):
                return AuthFailure("Invalid audience: the token's audience is not accepted")
        return claims
