"""The demo's credentials (``fedgate dev``): a fresh RS256 key per start, its public half as
a JWK Set (served over HTTP by ``gateway/auth/demo_jwks.py``), the router.yaml section that
authenticates with it, and a ready token for user 1 with the ``orders:write`` scope (valid 24
hours)."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

__all__ = ["DEMO_ISSUER", "DemoCredentials", "authentication_config", "demo_credentials"]

DEMO_ISSUER = "fedgate-dev"
_KID = "fedgate-dev"


@dataclass(frozen=True)
class DemoCredentials:
    jwks: dict[str, Any]  # the public key as a JWK Set
    token: str  # signed with the private key, which is not kept


def demo_credentials() -> DemoCredentials:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    jwk = RSAAlgorithm.to_jwk(key.public_key(), as_dict=True)
    jwks = {"keys": [{**jwk, "kid": _KID, "alg": "RS256", "use": "sig"}]}
    now = int(time.time())
    claims = {
        "iss": DEMO_ISSUER,
        "sub": "1",
        "scope": "orders:write",
        "iat": now,
        "exp": now + 24 * 3600,
    }
    token = jwt.encode(claims, key, algorithm="RS256", headers={"kid": _KID})
    return DemoCredentials(jwks, token)


def authentication_config(jwks_url: str) -> str:
    """The router.yaml ``authentication`` section that trusts the JWKS at ``jwks_url``."""
    return (
        "# the demo's JWT authentication (docs/authentication.md)\n"
        "authentication:\n  router:\n    jwt:\n      jwks:\n"
        f"        - url: {jwks_url}\n          issuers: [{DEMO_ISSUER}]\n"
    )
