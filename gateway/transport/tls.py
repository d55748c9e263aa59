"""TLS to subgraphs: the ``ssl.SSLContext`` each subgraph's connections use.

Apollo Router's ``tls.subgraph`` gives PEM *contents* (``${file./path/ca.pem}``), not paths:
the CA bundle loads from memory; Python can only load a client certificate and key from files,
so those go through a private temporary file that is removed at once. Verification is always
on (there is no switch to turn it off: an untrusted subgraph certificate is a configuration to
fix, not to skip). Messages name the setting and the subgraph, never the PEM text.
"""

from __future__ import annotations

import os
import ssl
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

import aiohttp

from gateway.errors import ConfigError

__all__ = ["TLS_VERSIONS", "TlsContexts", "TlsSettings", "tls_failure"]

TLS_VERSIONS: Mapping[str, ssl.TLSVersion] = MappingProxyType(
    {"1.2": ssl.TLSVersion.TLSv1_2, "1.3": ssl.TLSVersion.TLSv1_3}
)


@dataclass(frozen=True, slots=True)
class TlsSettings:
    """One subgraph's (or ``all``'s) TLS client settings: PEM texts and a minimum version."""

    certificate_authorities: str | None = None
    certificate_chain: str | None = None
    key: str | None = None
    min_version: str | None = None

    def context(self, where: str) -> ssl.SSLContext:
        """The context these settings make; ``where`` names the setting in errors."""
        ctx = ssl.create_default_context()  # system CAs, hostname check, TLS 1.2 floor
        if self.min_version is not None:
            ctx.minimum_version = TLS_VERSIONS[self.min_version]
        if self.certificate_authorities is not None:
            try:
                # the bundle replaces the system store's role for this subgraph (private CAs)
                ctx = _private_ca_context(self.certificate_authorities, ctx.minimum_version)
            except (ssl.SSLError, ValueError) as exc:
                raise ConfigError(
                    f"{where}.certificate_authorities: not a PEM certificate bundle"
                ) from exc
        if (self.certificate_chain is None) != (self.key is None):
            raise ConfigError(
                f"{where}.client_authentication: needs both certificate_chain and key"
            )
        if self.certificate_chain is not None and self.key is not None:
            _load_client_pair(ctx, self.certificate_chain, self.key, where)
        return ctx


def _private_ca_context(pem: str, minimum: ssl.TLSVersion) -> ssl.SSLContext:
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)  # verify + check_hostname on
    ctx.minimum_version = max(minimum, ssl.TLSVersion.TLSv1_2)
    ctx.load_verify_locations(cadata=pem)
    return ctx


def _load_client_pair(ctx: ssl.SSLContext, chain: str, key: str, where: str) -> None:
    # mkstemp makes the file 0600: the private key is never readable by other users
    fd, path = tempfile.mkstemp(prefix="fedgate-tls-", suffix=".pem")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(key.strip() + "\n" + chain.strip() + "\n")
        ctx.load_cert_chain(path)
    except ssl.SSLError as exc:
        raise ConfigError(
            f"{where}.client_authentication: the certificate chain and key do not load "
            "(not PEM, encrypted key, or a key that does not match the certificate)"
        ) from exc
    finally:
        os.unlink(path)


@dataclass(frozen=True, slots=True)
class TlsContexts:
    """The contexts, built once at config time: ``all``'s and each listed subgraph's.

    Compared by their settings (a reload with the same settings keeps the pool)."""

    settings: tuple[TlsSettings | None, tuple[tuple[str, TlsSettings], ...]]
    default: ssl.SSLContext | None = field(default=None, compare=False)
    per_subgraph: Mapping[str, ssl.SSLContext] = field(
        default_factory=lambda: MappingProxyType({}), compare=False
    )

    @classmethod
    def build(
        cls,
        all_settings: TlsSettings | None,
        subgraphs: Mapping[str, TlsSettings],
        where: Callable[[str | None], str] | None = None,
    ) -> TlsContexts:
        """``where(name)`` (``None``: ``all``) names the setting in errors, with its line."""
        label = where or _label
        default = all_settings.context(label(None)) if all_settings else None
        per = {name: s.context(label(name)) for name, s in subgraphs.items()}
        settings = (all_settings, tuple(sorted(subgraphs.items())))
        return cls(settings, default, MappingProxyType(per))

    def for_subgraph(self, name: str) -> ssl.SSLContext | bool:
        """What aiohttp's ``ssl=`` takes: a context, or ``True`` (default verification)."""
        found = self.per_subgraph.get(name, self.default)
        return True if found is None else found


def _label(name: str | None) -> str:
    return "tls.subgraph.all" if name is None else f"tls.subgraph.subgraphs.{name}"


def tls_failure(exc: BaseException) -> str | None:
    """Words for a TLS failure (no host, port or certificate text), or ``None``."""
    if isinstance(exc, aiohttp.ClientConnectorCertificateError):
        return "the subgraph's TLS certificate did not verify"
    if isinstance(exc, aiohttp.ClientSSLError | ssl.SSLError):
        return "the TLS handshake failed"
    return None
