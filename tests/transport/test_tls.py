"""TLS to subgraphs with certificates the test makes (trustme): a private CA, mutual TLS with
a uvicorn subgraph that requires a client certificate, a minimum version, and the coded error
(naming the subgraph, showing no certificate) for a certificate nobody configured trusts."""

from __future__ import annotations

import ssl

import pytest
import trustme

from gateway.errors import ConfigError
from gateway.transport.base import SubgraphRequest, TransportError
from gateway.transport.http import HttpClient
from gateway.transport.tls import TlsContexts, TlsSettings

from .tls_servers import https_server

pytestmark = pytest.mark.anyio

QUERY = {"query": "{hello}"}


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


def client_pair(ca: trustme.CA) -> tuple[str, str]:
    leaf = ca.issue_cert("gateway.internal")
    chain = b"".join(blob.bytes() for blob in leaf.cert_chain_pems).decode()
    return chain, leaf.private_key_pem.bytes().decode()


async def fetch(tls: TlsContexts | None, name: str, url: str) -> int:
    client = HttpClient(tls=tls)
    try:
        return (await client.fetch(SubgraphRequest(name, url, QUERY))).status
    finally:
        await client.close()


async def test_mutual_tls_with_a_private_ca(ca: trustme.CA) -> None:
    client_ca = trustme.CA()
    chain, key = client_pair(client_ca)
    server_cert = ca.issue_cert("127.0.0.1")
    async with https_server(server_cert, client_ca=client_ca) as url:
        ca_pem = ca.cert_pem.bytes().decode()
        mtls = TlsSettings(ca_pem, chain, key)
        assert await fetch(TlsContexts.build(None, {"inventory": mtls}), "inventory", url) == 200
        # the same CA without the client certificate: the server ends the handshake
        no_cert = TlsContexts.build(TlsSettings(ca_pem), {})
        with pytest.raises(TransportError) as info:
            await fetch(no_cert, "inventory", url)
        assert info.value.code in ("SUBGRAPH_TLS_ERROR", "SUBREQUEST_HTTP_ERROR")
        assert "'inventory'" in info.value.message
        # a client certificate from a CA the server does not trust: refused too
        other_chain, other_key = client_pair(trustme.CA())
        stranger = TlsContexts.build(TlsSettings(ca_pem, other_chain, other_key), {})
        with pytest.raises(TransportError):
            await fetch(stranger, "inventory", url)


async def test_a_certificate_no_configured_ca_signed_is_a_coded_error(ca: trustme.CA) -> None:
    rogue = trustme.CA().issue_cert("127.0.0.1")
    async with https_server(rogue) as url:
        tls = TlsContexts.build(TlsSettings(ca.cert_pem.bytes().decode()), {})
        for contexts in (tls, None):  # a private CA, and the system's CAs (the default)
            with pytest.raises(TransportError) as info:
                await fetch(contexts, "reviews", url)
            assert info.value.code == "SUBGRAPH_TLS_ERROR"
            assert info.value.message == (
                "HTTP fetch failed from 'reviews': the subgraph's TLS certificate did not verify"
            )


async def test_the_hostname_is_checked(ca: trustme.CA) -> None:
    async with https_server(ca.issue_cert("other.example")) as url:
        tls = TlsContexts.build(TlsSettings(ca.cert_pem.bytes().decode()), {})
        with pytest.raises(TransportError) as info:
            await fetch(tls, "reviews", url)
        assert info.value.code == "SUBGRAPH_TLS_ERROR"


async def test_per_subgraph_settings_win_over_all(ca: trustme.CA) -> None:
    async with https_server(ca.issue_cert("127.0.0.1")) as url:
        ca_pem = ca.cert_pem.bytes().decode()
        other_pem = trustme.CA().cert_pem.bytes().decode()
        tls = TlsContexts.build(TlsSettings(other_pem), {"a": TlsSettings(ca_pem)})
        assert await fetch(tls, "a", url) == 200
        with pytest.raises(TransportError):
            await fetch(tls, "b", url)  # `all`'s CA did not sign it


def test_minimum_version() -> None:
    context = TlsSettings(min_version="1.3").context("tls.subgraph.all")
    assert context.minimum_version == ssl.TLSVersion.TLSv1_3
    default = TlsSettings().context("tls.subgraph.all")
    assert default.minimum_version >= ssl.TLSVersion.TLSv1_2
    assert default.verify_mode == ssl.CERT_REQUIRED and default.check_hostname


def test_bad_pem_is_a_config_error_that_shows_no_key(ca: trustme.CA) -> None:
    chain, _ = client_pair(ca)
    _, other_key = client_pair(ca)
    with pytest.raises(ConfigError) as info:
        TlsSettings(certificate_authorities="not a pem").context("tls.subgraph.subgraphs.a")
    assert info.value.message == (
        "tls.subgraph.subgraphs.a.certificate_authorities: not a PEM certificate bundle"
    )
    with pytest.raises(ConfigError) as info:
        TlsSettings(certificate_chain=chain, key=other_key).context("tls.subgraph.all")
    assert info.value.message.startswith(
        "tls.subgraph.all.client_authentication: the certificate chain and key do not load"
    )
    assert "PRIVATE KEY" not in info.value.message and "BEGIN" not in info.value.message
