"""The demo's credentials (``fedgate dev``): a fresh RS256 key per start, its public half as a
local JWKS file, the router.yaml section that authenticates with it, and a ready token for
user 1 with the ``orders:write`` scope (valid 24 hours)."""

from __future__ import annotations

import json
import time
from pathlib import Path

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

__all__ = ["DEMO_ISSUER", "demo_credentials"]

DEMO_ISSUER = "fedgate-dev"
_KID = "fedgate-dev"


def demo_credentials(directory: Path) -> tuple[str, str]:
    """Write ``jwks.json`` into ``directory``; (the ``authentication`` config, a token)."""
    directory.mkdir(parents=True, exist_ok=True)
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    jwk = RSAAlgorithm.to_jwk(key.public_key(), as_dict=True)
    jwks = directory / "jwks.json"
    jwks.write_text(json.dumps({"keys": [{**jwk, "kid": _KID, "alg": "RS256", "use": "sig"}]}))
    config = (
        "# the demo's JWT authentication (docs/authentication.md)\n"
        "authentication:\n  router:\n    jwt:\n      jwks:\n"
        f"        - url: {jwks.resolve().as_uri()}\n          issuers: [{DEMO_ISSUER}]\n"
    )
    now = int(time.time())
    claims = {
        "iss": DEMO_ISSUER,
        "sub": "1",
        "scope": "orders:write",
        "iat": now,
        "exp": now + 24 * 3600,
    }
    token = jwt.encode(claims, key, algorithm="RS256", headers={"kid": _KID})
    return config, token
