"""What JWT authentication costs per request: the replayed heavy query (``replay.py``), with
and without a valid RS256 token verified on every request (the JWKS from a file).

    python bench/auth_cost.py [--seconds 10]

Prints requests per CPU-second for both (medians of three interleaved rounds each) and the
ratio."""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

import jwt
import orjson
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.replay import RECORDING, Replayer, _gateway  # noqa: E402
from gateway.auth.jwt import Authenticator, AuthFailure  # noqa: E402
from gateway.config.auth import JwksConfig, JwtConfig  # noqa: E402
from gateway.context import RequestContext  # noqa: E402


async def loop(seconds: float, authn: Authenticator | None, headers: dict[str, str]) -> float:
    gateway, query = _gateway(Replayer(json.loads(RECORDING.read_text())))
    count, start = 0, time.process_time()
    while time.process_time() - start < seconds:
        context = RequestContext.create(headers)
        if authn is not None:
            claims = await authn.authenticate(context.headers)
            assert not isinstance(claims, AuthFailure) and claims is not None, claims
            context = context.with_claims(claims)
        body = await gateway.execute(query, context=context)
        orjson.dumps(body)
        count += 1
    return count / (time.process_time() - start)


async def main(seconds: float) -> None:
    from gateway.server.run import tune_gc

    tune_gc()
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    jwk = {**RSAAlgorithm.to_jwk(key.public_key(), as_dict=True), "kid": "k", "alg": "RS256"}
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "jwks.json"
        path.write_text(json.dumps({"keys": [jwk]}))
        authn = Authenticator(JwtConfig((JwksConfig(f"file://{path}"),)))
        now = int(time.time())
        claims = {"sub": "1", "iat": now, "exp": now + 3600, "scope": "a b"}
        token = jwt.encode(claims, key, algorithm="RS256", headers={"kid": "k"})
        headers = {"authorization": f"Bearer {token}"}
        # interleaved rounds, medians: the machine's noise hits both alike
        offs, ons = [], []
        for _ in range(3):
            offs.append(await loop(seconds / 3, None, headers))
            ons.append(await loop(seconds / 3, authn, headers))
        await authn.close()
    off, on = statistics.median(offs), statistics.median(ons)
    print(f"off: {off:.0f} req/CPU-s  on: {on:.0f} req/CPU-s  on/off: {on / off:.3f}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=10.0)
    asyncio.run(main(parser.parse_args().seconds))
