"""Real servers for the authentication and authorization tests: the secure subgraphs, a JWKS
endpoint and the gateway, each served over HTTP on a loopback port from a thread (uvicorn, or
the standard library's HTTP server for the JWKS), plus signing keys made here."""

from __future__ import annotations

import base64
import contextlib
import json
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import jwt
import uvicorn
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from jwt.algorithms import ECAlgorithm, OKPAlgorithm, RSAAlgorithm

from gateway.composition import CompositionSuccess, compose
from gateway.composition.model import SubgraphSource
from gateway.config import load_config
from gateway.server.app import create_app
from gateway.supergraph import load_supergraph
from tests.services import free_port

from .secure_subgraphs import CountingApp, apps, orders_schema, users_schema

ISSUER = "https://idp.test"
AUDIENCE = "fedgate-tests"


@dataclass
class SigningKey:
    kid: str
    alg: str
    private: Any
    jwk: dict[str, Any]

    def token(self, claims: dict[str, Any] | None = None, **header: Any) -> str:
        now = int(time.time())
        body = {"iss": ISSUER, "aud": AUDIENCE, "sub": "1", "iat": now, "exp": now + 300}
        body.update(claims or {})
        return jwt.encode(
            body, self.private, algorithm=self.alg, headers={"kid": self.kid, **header}
        )


def rsa_key(kid: str, alg: str = "RS256") -> SigningKey:
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    jwk = RSAAlgorithm.to_jwk(private.public_key(), as_dict=True)
    return SigningKey(kid, alg, private, {**jwk, "kid": kid, "alg": alg, "use": "sig"})


def ec_key(kid: str, alg: str = "ES256") -> SigningKey:
    curve: ec.EllipticCurve = ec.SECP256R1() if alg == "ES256" else ec.SECP384R1()
    private = ec.generate_private_key(curve)
    jwk = ECAlgorithm.to_jwk(private.public_key(), as_dict=True)
    return SigningKey(kid, alg, private, {**jwk, "kid": kid, "alg": alg})


def ed_key(kid: str) -> SigningKey:
    private = ed25519.Ed25519PrivateKey.generate()
    jwk = OKPAlgorithm.to_jwk(private.public_key(), as_dict=True)
    return SigningKey(kid, "EdDSA", private, {**jwk, "kid": kid})


def hmac_key(kid: str, secret: bytes) -> SigningKey:
    k = base64.urlsafe_b64encode(secret).rstrip(b"=").decode()
    return SigningKey(kid, "HS256", secret, {"kty": "oct", "k": k, "kid": kid, "alg": "HS256"})


@dataclass
class JwksServer:
    """Serves ``keys`` at ``/jwks.json``; ``fetches`` counts requests; ``fail`` answers 500."""

    keys: list[dict[str, Any]] = field(default_factory=list)
    fetches: int = 0
    fail: bool = False
    url: str = ""
    headers: dict[str, str] = field(default_factory=dict)  # of the last request


@contextlib.contextmanager
def jwks_server(state: JwksServer) -> Iterator[JwksServer]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            state.fetches += 1
            state.headers = {k.lower(): v for k, v in self.headers.items()}
            if state.fail:
                self.send_response(500)
                self.end_headers()
                return
            body = json.dumps({"keys": state.keys}).encode()
            self.send_response(200)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
    state.url = f"http://127.0.0.1:{server.server_address[1]}/jwks.json"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()


@contextlib.contextmanager
def served(app: Any) -> Iterator[str]:
    """``app`` served by uvicorn on a loopback port, in a thread; yields its base URL."""
    port = free_port()
    config = uvicorn.Config(
        app, host="127.0.0.1", port=port, ws="none", log_level="warning", access_log=False
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "server did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def _sdl(schema: Any) -> str:
    result = schema.execute_sync("{ _service { sdl } }")
    return str(result.data["_service"]["sdl"])


@dataclass
class Subgraphs:
    apps: dict[str, CountingApp]
    supergraph: Path

    def queries(self) -> list[str]:
        return [q for app in self.apps.values() for q in app.queries]

    def clear(self) -> None:
        for app in self.apps.values():
            app.queries.clear()


_DECLARED = (
    '  emailDomain: String @join__field(graph: ORDERS, requires: "email") '
    '@requiresScopes(scopes: [["read:email"]])\n'
)


def _undeclared_transitive_scope(sdl: str) -> str:
    """The supergraph a composer without Apollo's MISSING_TRANSITIVE_AUTH_REQUIREMENTS rule
    (Apollo before 2.9.4) makes when ``emailDomain`` does not declare the scope of the
    ``email`` it requires: fedgate (and Apollo now) refuse to compose that, but the gateway
    must still guard ``emailDomain`` whatever composed the supergraph it serves."""
    assert sdl.count(_DECLARED) == 1, "the orders subgraph changed: update _DECLARED"
    return sdl.replace(_DECLARED, _DECLARED.split(" @requiresScopes")[0] + "\n")


@contextlib.contextmanager
def secure_subgraphs(work: Path) -> Iterator[Subgraphs]:
    counting = apps()
    with contextlib.ExitStack() as stack:
        urls = {name: stack.enter_context(served(app)) for name, app in counting.items()}
        schemas = {"users": users_schema, "orders": orders_schema}
        result = compose(
            [SubgraphSource(n, f"{urls[n]}/graphql", _sdl(schemas[n])) for n in ("users", "orders")]
        )
        assert isinstance(result, CompositionSuccess), result
        path = work / "supergraph.graphql"
        path.write_text(_undeclared_transitive_scope(result.supergraph_sdl))
        yield Subgraphs(counting, path)


@contextlib.contextmanager
def gateway(subgraphs: Subgraphs, config_text: str) -> Iterator[str]:
    """The gateway over the secure subgraphs with ``config_text`` (a router.yaml); yields
    its GraphQL URL."""
    config_file = subgraphs.supergraph.parent / f"router-{free_port()}.yaml"
    config_file.write_text(config_text)
    config = load_config(config_file)
    app = create_app(load_supergraph(subgraphs.supergraph.read_text()), config=config)
    with served(app) as base:
        yield f"{base}/graphql"


def wait_until(check: Callable[[], bool], timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.05)
