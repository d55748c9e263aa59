"""A verified token is remembered (its signature checked once), and what is remembered stays
safe: the claims handed out are read-only and shared by the requests with that token, and
``exp`` is checked again on every use. Real RS256 keys and tokens, the JWKS from a file."""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path
from types import MappingProxyType

import jwt
import pytest

from gateway.auth.jwt import Authenticator, AuthFailure
from gateway.config.auth import JwksConfig, JwtConfig
from gateway.context import RequestContext

from .harness import rsa_key


def authenticator(tmp_path: Path) -> tuple[Authenticator, str, str]:
    key = rsa_key("remembered")
    path = tmp_path / "jwks.json"
    path.write_text(json.dumps({"keys": [key.jwk]}))
    authn = Authenticator(JwtConfig((JwksConfig(f"file://{path}"),), clock_skew=0.0))
    now = int(time.time())
    lasting = key.token({"scope": "a"})
    brief = key.token({"exp": now + 2})
    return authn, lasting, brief


def test_claims_are_read_only_shared_and_exp_is_checked_on_every_use(tmp_path: Path) -> None:
    authn, lasting, brief = authenticator(tmp_path)

    async def run() -> None:
        try:
            headers = {"authorization": f"Bearer {lasting}"}
            first = await authn.authenticate(headers)
            again = await authn.authenticate(headers)
            assert isinstance(first, MappingProxyType) and first["scope"] == "a"
            assert again is first  # remembered: no second verification, no copy
            with pytest.raises(TypeError):
                first["scope"] = "admin"  # type: ignore[index]
            context = RequestContext.create(headers).with_claims(first)
            assert context.claims is first
            # a plain mapping given by other code is copied, so its owner cannot change it
            given = {"sub": "2"}
            copied = RequestContext.create().with_claims(given)
            given["sub"] = "3"
            assert copied.claims == {"sub": "2"}

            short = {"authorization": f"Bearer {brief}"}
            assert isinstance(await authn.authenticate(short), MappingProxyType)
            await asyncio.sleep(max(0.0, json_exp(brief) - time.time()) + 1.1)
            expired = await authn.authenticate(short)
            assert isinstance(expired, AuthFailure) and "expired" in expired.message
        finally:
            await authn.close()

    asyncio.run(run())


def json_exp(token: str) -> float:
    return float(jwt.decode(token, options={"verify_signature": False})["exp"])
