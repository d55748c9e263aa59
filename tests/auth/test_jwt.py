"""JWT authentication against real servers: keys made here, a JWKS served over HTTP (and
one from a file), the gateway and the secure subgraphs served by uvicorn, a real client."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from .harness import (
    JwksServer,
    Subgraphs,
    ec_key,
    ed_key,
    gateway,
    hmac_key,
    jwks_server,
    rsa_key,
    secure_subgraphs,
)

ME = {"query": "{ me { name } }"}
KEYS = {
    "RS256": rsa_key("rsa-1"),
    "PS256": rsa_key("rsa-ps", "PS256"),
    "ES256": ec_key("ec-256"),
    "ES384": ec_key("ec-384", "ES384"),
    "EdDSA": ed_key("ed-1"),
}
HMAC = hmac_key("hs-1", b"a shared secret, long enough for every HMAC size: 64 bytes.....!")


@pytest.fixture(scope="module")
def subgraphs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Subgraphs]:
    with secure_subgraphs(tmp_path_factory.mktemp("jwt")) as running:
        yield running


def config(http_url: str, file_path: Path, poll: str = "1h") -> str:
    return f"""
authentication:
  router:
    jwt:
      jwks:
        - url: {http_url}
          issuers: [https://idp.test]
          audiences: [fedgate-tests]
          poll_interval: {poll}
          headers:
            - name: X-Fedgate-Test
              value: jwks
        - url: file://{file_path}
          algorithms: [HS256]
      sources:
        - type: cookie
          name: authz
fedgate:
  authentication:
    clock_skew: 60s
    jwks_min_refresh_interval: 1s
"""


@pytest.fixture(scope="module")
def idp() -> Iterator[JwksServer]:
    with jwks_server(JwksServer([k.jwk for k in KEYS.values()])) as state:
        yield state


@pytest.fixture(scope="module")
def url(
    subgraphs: Subgraphs, idp: JwksServer, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    path = tmp_path_factory.mktemp("keys") / "hmac.json"
    path.write_text(json.dumps({"keys": [HMAC.jwk]}))
    with gateway(subgraphs, config(idp.url, path)) as gateway_url:
        yield gateway_url


def bearer(token: str) -> dict[str, str]:
    return {"authorization": f"Bearer {token}"}


@pytest.mark.parametrize("alg", [*KEYS, "HS256"])
def test_each_algorithm_family_authenticates(url: str, alg: str) -> None:
    key = HMAC if alg == "HS256" else KEYS[alg]
    r = httpx.post(url, json=ME, headers=bearer(key.token()))
    assert r.status_code == 200, r.text
    assert r.json() == {"data": {"me": {"name": "Ada"}}}


def test_no_token_is_anonymous(url: str) -> None:
    r = httpx.post(url, json=ME)
    assert r.status_code == 200
    body = r.json()
    assert body["data"] == {"me": None}
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHORIZED_FIELD_OR_TYPE"
    assert body["errors"][0]["path"] == ["me"]


def test_cookie_source(url: str) -> None:
    r = httpx.post(url, json=ME, headers={"cookie": f"other=1; authz={KEYS['ES256'].token()}"})
    assert r.json() == {"data": {"me": {"name": "Ada"}}}


def auth_error(r: httpx.Response, status: int = 401) -> str:
    assert r.status_code == status, r.text
    error = r.json()["errors"][0]
    assert error["extensions"]["code"] == "AUTH_ERROR"
    return str(error["message"])


def test_expired_token_is_refused_beyond_the_clock_skew(url: str) -> None:
    now = int(time.time())
    key = KEYS["RS256"]
    assert "expired" in auth_error(
        httpx.post(url, json=ME, headers=bearer(key.token({"exp": now - 120})))
    )
    within = httpx.post(url, json=ME, headers=bearer(key.token({"exp": now - 30})))
    assert within.json() == {"data": {"me": {"name": "Ada"}}}


def test_wrong_issuer_and_audience_are_refused(url: str) -> None:
    key = KEYS["ES384"]
    assert "issuer" in auth_error(
        httpx.post(url, json=ME, headers=bearer(key.token({"iss": "https://evil"})))
    )
    assert "audience" in auth_error(
        httpx.post(url, json=ME, headers=bearer(key.token({"aud": "other"})))
    )


def test_forged_signature_and_garbage_are_refused(url: str) -> None:
    impostor = rsa_key("rsa-1")  # the right kid, another key
    auth_error(httpx.post(url, json=ME, headers=bearer(impostor.token())))
    auth_error(httpx.post(url, json=ME, headers=bearer("not.a.jwt")))
    unsigned = KEYS["RS256"].token().rsplit(".", 1)[0] + "."
    auth_error(httpx.post(url, json=ME, headers=bearer(unsigned)))


def test_another_prefix_is_a_bad_request(url: str) -> None:
    auth_error(httpx.post(url, json=ME, headers={"authorization": "Basic abc"}), 400)


def test_hmac_key_only_where_the_algorithm_is_allowed(url: str) -> None:
    # the file JWKS accepts only HS256: an HS384 token signed with the same secret is refused
    import jwt as pyjwt

    token = pyjwt.encode({"sub": "1"}, HMAC.private, algorithm="HS384", headers={"kid": "hs-1"})
    auth_error(httpx.post(url, json=ME, headers=bearer(token)))


def test_key_rotation(subgraphs: Subgraphs, tmp_path: Path) -> None:
    old = rsa_key("old")
    (tmp_path / "none.json").write_text(json.dumps({"keys": []}))
    with (
        jwks_server(JwksServer([old.jwk])) as idp,
        gateway(subgraphs, config(idp.url, tmp_path / "none.json")) as url,
    ):
        assert httpx.post(url, json=ME, headers=bearer(old.token())).status_code == 200
        assert idp.fetches == 1
        assert idp.headers["x-fedgate-test"] == "jwks"  # the configured JWKS request header
        # the IdP publishes a new key: a token with its kid makes the gateway refetch
        new = ec_key("new")
        idp.keys.append(new.jwk)
        time.sleep(1.1)
        r = httpx.post(url, json=ME, headers=bearer(new.token()))
        assert r.json() == {"data": {"me": {"name": "Ada"}}}
        assert idp.fetches == 2
        # made-up kids, fast: at most one more fetch per min_refresh_interval
        stranger = rsa_key("x")
        tokens = [stranger.token(kid=f"x{i}") for i in range(20)]
        started = time.monotonic()
        for token in tokens:
            auth_error(httpx.post(url, json=ME, headers=bearer(token)))
        assert idp.fetches <= 3 + int(time.monotonic() - started)
        # the IdP fails: the keys known so far keep working
        idp.fail = True
        time.sleep(1.1)
        before = idp.fetches
        auth_error(httpx.post(url, json=ME, headers=bearer(stranger.token(kid="y"))))
        assert idp.fetches == before + 1
        for key in (old, new):
            ok = httpx.post(url, json=ME, headers=bearer(key.token()))
            assert ok.json() == {"data": {"me": {"name": "Ada"}}}


def test_jwks_polled_on_schedule(subgraphs: Subgraphs, tmp_path: Path) -> None:
    first, second = rsa_key("first"), rsa_key("second")
    (tmp_path / "none.json").write_text(json.dumps({"keys": []}))
    with (
        jwks_server(JwksServer([first.jwk])) as idp,
        gateway(subgraphs, config(idp.url, tmp_path / "none.json", poll="1s")) as url,
    ):
        assert httpx.post(url, json=ME, headers=bearer(first.token())).status_code == 200
        # the IdP replaces its key: the poll (not a request) picks it up, the old one goes
        idp.keys[:] = [second.jwk]
        deadline = time.monotonic() + 10
        while idp.fetches < 3:
            assert time.monotonic() < deadline, idp.fetches
            time.sleep(0.1)
        assert httpx.post(url, json=ME, headers=bearer(second.token())).status_code == 200
        gone = httpx.post(url, json=ME, headers=bearer(first.token(kid="first")))
        auth_error(gone)
