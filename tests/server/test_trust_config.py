"""The trust settings in router.yaml: docs/subgraph-trust.md's examples load (with files and
environment made by the test), a subgraph's entry wins setting by setting, bad combinations
are config errors, and nothing configured means no trust wrapper in the client stack."""

from __future__ import annotations

import re
import ssl
from pathlib import Path

import pytest
import trustme
from graphql import build_schema

from gateway.config import GatewayConfig, load_config
from gateway.context import RequestContext
from gateway.errors import ConfigError
from gateway.planner.plan import Fetch, QueryPlan
from gateway.server import create_app
from gateway.transport.trust import TrustClient
from tests.execution.exec_subgraphs import FakeSupergraph, Graph, StaticPlanner

ROOT = Path(__file__).parent.parent.parent
DOC = (ROOT / "docs" / "subgraph-trust.md").read_text(encoding="utf-8")
YAML_BLOCKS = re.findall(r"```yaml\n(.*?)```", DOC, re.DOTALL)
ENV = {
    "AWS_ACCESS_KEY_ID": "AKIDEXAMPLE",
    "AWS_SECRET_ACCESS_KEY": "secret-key",
    "FEDGATE_OAUTH2_SECRET": "oauth-secret",
    "ACCOUNTS_API_KEY": "key-for-accounts",
}


def _files(tmp_path: Path) -> dict[str, str]:
    """The PEM and secret files the docs' example names, made under ``tmp_path``."""
    ca = trustme.CA()
    leaf = ca.issue_cert("gateway.internal")
    made = {
        "/etc/fedgate/tls/internal-ca.pem": ca.cert_pem.bytes(),
        "/etc/fedgate/tls/gateway.pem": b"".join(b.bytes() for b in leaf.cert_chain_pems),
        "/etc/fedgate/tls/gateway.key": leaf.private_key_pem.bytes(),
        "/etc/fedgate/secrets/products-hmac": b"hmac-secret\n",
        "/run/secrets/billing-token": b"billing-token\n",
    }
    paths = {}
    for name, content in made.items():
        path = tmp_path / name.strip("/").replace("/", "_")
        path.write_bytes(content)
        paths[name] = str(path)
    return paths


def load(tmp_path: Path, text: str, env: dict[str, str] | None = None) -> GatewayConfig:
    for name, path in _files(tmp_path).items():
        text = text.replace(name, path)
    config = tmp_path / "router.yaml"
    config.write_text(text)
    return load_config(config, environ=ENV if env is None else env)


def test_the_docs_example_loads_and_merges_setting_by_setting(tmp_path: Path) -> None:
    config = load(tmp_path, YAML_BLOCKS[0])
    trust = config.trust
    assert trust is not None and trust.active and trust.tls is not None
    # `all`: OAuth2 and gzip for every subgraph not listed
    other = trust.for_subgraph("accounts")
    assert other.oauth2 is not None and other.oauth2.scopes == ("graph.read",)
    assert other.oauth2.client_secret == "oauth-secret" and other.oauth2.timeout == 5.0
    assert other.compression == "gzip" and other.hmac is None and other.sigv4 is None
    # products adds HMAC and keeps all's OAuth2; the secret file's newline is stripped
    products = trust.for_subgraph("products")
    assert products.hmac is not None and products.hmac.secret == "hmac-secret"
    assert products.oauth2 == other.oauth2
    assert "hmac-secret" not in repr(products) and "oauth-secret" not in repr(products)
    # reviews' own SigV4 replaces all's OAuth2 (both would need the Authorization header)
    reviews = trust.for_subgraph("reviews")
    assert reviews.sigv4 is not None and reviews.sigv4.region == "eu-west-1"
    assert reviews.oauth2 is None and reviews.compression == "gzip"
    # TLS: inventory presents a client certificate; everyone gets the CA and TLS 1.3
    inventory = trust.tls.for_subgraph("inventory")
    default = trust.tls.for_subgraph("accounts")
    assert isinstance(inventory, ssl.SSLContext) and isinstance(default, ssl.SSLContext)
    assert inventory is not default
    assert inventory.minimum_version == default.minimum_version == ssl.TLSVersion.TLSv1_3


def test_api_key_recipe_inserts_the_key_and_never_forwards_the_clients(tmp_path: Path) -> None:
    config = load(tmp_path, YAML_BLOCKS[1])
    context = RequestContext.create(headers={"x-api-key": "client-made-up"})
    accounts = config.headers.build("accounts", context)
    assert accounts["x-api-key"] == "key-for-accounts"
    assert config.headers.build("billing", context)["authorization"] == "Bearer billing-token"
    with pytest.raises(ConfigError, match="ACCOUNTS_API_KEY"):
        load(tmp_path, YAML_BLOCKS[1], env={})


def _yaml(text: str) -> str:
    return text.replace("\n    ", "\n")


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        (
            """
            authentication:
              subgraph:
                all:
                  aws_sig_v4:
                    hardcoded: {access_key_id: a, secret_access_key: b, region: r, service_name: s}
            fedgate:
              subgraph_auth:
                all:
                  oauth2: {token_url: "https://t", client_id: c, client_secret: s}
            """,
            "subgraph 'all': oauth2 and aws_sig_v4 both set the Authorization header",
        ),
        (
            """
            authentication:
              subgraph:
                all:
                  aws_sig_v4:
                    default_chain:
                      region: r
                      service_name: s
                      assume_role: {role_arn: "arn:aws:iam::1:role/x"}
            """,
            "assume_role (STS)",
        ),
        ("authentication:\n  router:\n    jwt: {}\n", "missing required key 'jwks'"),
        ("tls:\n  supergraph:\n    certificate: x\n", "TLS termination"),
        (
            "traffic_shaping:\n  all:\n    compression: lz4\n",
            "'lz4' does not match gzip|br|deflate|identity",
        ),
        ("fedgate:\n  subgraph_tls:\n    all:\n      min_version: '1.1'\n", "'1.1' does not match"),
        (
            "tls:\n  subgraph:\n    all:\n      certificate_authorities: nonsense\n",
            "router.yaml:3: tls.subgraph.all.certificate_authorities: not a PEM certificate bundle",
        ),
        (
            "fedgate:\n  subgraph_auth:\n    all:\n      oauth2: {token_url: 'https://t'}\n",
            "client_id",
        ),
    ],
)
def test_bad_trust_settings_are_config_errors(tmp_path: Path, text: str, fragment: str) -> None:
    import textwrap

    with pytest.raises(ConfigError) as info:
        load(tmp_path, textwrap.dedent(text))
    assert fragment in info.value.message


PLANNER = StaticPlanner({"{ a }": QueryPlan(Fetch("s", "{a}"))})


def test_nothing_configured_means_no_trust_wrapper(tmp_path: Path) -> None:
    supergraph = FakeSupergraph(
        build_schema("type Query { a: Int }"), {"s": Graph("s", "http://x")}
    )
    plain = load(tmp_path, "supergraph:\n  listen: 127.0.0.1:4000\n")
    assert plain.trust is None
    assert not isinstance(
        create_app(supergraph, config=plain, planner=PLANNER).state.gateway.client.inner,
        TrustClient,
    )
    only_tls = load(tmp_path, "fedgate:\n  subgraph_tls:\n    all:\n      min_version: '1.3'\n")
    assert only_tls.trust is not None and not only_tls.trust.active  # TLS lives in the client
    signed = load(
        tmp_path,
        "fedgate:\n  subgraph_auth:\n    subgraphs:\n      s:\n"
        "        hmac: {key_id: k, secret: s}\n",
    )
    client = create_app(supergraph, config=signed, planner=PLANNER).state.gateway.client
    assert isinstance(client.inner, TrustClient)


def test_a_reload_keeps_the_pool_unless_trust_settings_change(tmp_path: Path) -> None:
    from gateway.server.client_stack import client_stack as _client_stack

    first = load(tmp_path, YAML_BLOCKS[0])
    rotated = load(tmp_path, YAML_BLOCKS[0])  # _files wrote a new CA and client certificate
    assert first.trust != rotated.trust
    stack = _client_stack(first, None, None)
    assert _client_stack(rotated, None, stack) is not stack  # a new pool, new certificates
    again = load_config(tmp_path / "router.yaml", environ=ENV)  # the same files, re-read
    assert again.trust == rotated.trust
    kept = _client_stack(rotated, None, None)
    assert _client_stack(again, None, kept) is kept
