"""Trust between the gateway and its subgraphs: the schema and builder for Apollo Router's
``tls.subgraph`` and ``authentication.subgraph`` (``aws_sig_v4``), the ``compression`` of
``traffic_shaping.all|subgraphs.<name>``, and fedgate's own ``fedgate.subgraph_tls``
(``min_version``) and ``fedgate.subgraph_auth`` (``oauth2``, ``hmac``).

Every section has ``all`` and ``subgraphs.<name>``; a subgraph's entry wins setting by setting
(``certificate_authorities``, ``client_authentication``, ``min_version``, ``oauth2``, ``hmac``,
``aws_sig_v4``, ``compression``), the rest comes from ``all``. Secrets are read with
``${env.NAME}`` / ``${file.PATH}`` (Apollo's expansion); nothing here prints them.
"""

from __future__ import annotations

import importlib.util
from types import MappingProxyType
from typing import Any

from gateway.errors import ConfigError
from gateway.transport.oauth2 import OAuth2Settings
from gateway.transport.tls import TlsContexts, TlsSettings
from gateway.transport.trust import HmacSettings, SigV4Settings, SubgraphTrust, TrustConfig

from .schema import Duration, Kind, ListOf, MapOf, Obj, OneKey, Str, Unsupported
from .source import Source

__all__ = ["AUTHENTICATION", "COMPRESSION", "TLS", "TRUST_FEDGATE_KEYS", "trust_config"]

_PEM = "PEM text: use ${file./path/to/file.pem}"
_TLS_CLIENT = Obj(
    {
        "certificate_authorities": Str(f"CA bundle that signs the subgraph's certificate ({_PEM})"),
        "client_authentication": Obj(
            {"certificate_chain": Str(_PEM), "key": Str(f"the private key ({_PEM})")},
            "mutual TLS: the certificate the gateway presents",
            required=("certificate_chain", "key"),
        ),
    }
)
TLS = Obj(
    {
        "subgraph": Obj({"all": _TLS_CLIENT, "subgraphs": MapOf(_TLS_CLIENT)}),
        "supergraph": Unsupported("TLS termination (put a TLS-terminating proxy in front)"),
        "connector": Unsupported("connectors"),
    }
)
_ASSUME_ROLE = Unsupported("assume_role (STS): use a profile with role_arn (profile_name)")
_REGION = Str("the AWS region, e.g. us-east-1")
_SERVICE = Str("the signing name: lambda, execute-api, appsync, vpc-lattice-svcs")
_SIGV4 = OneKey(
    {
        "default_chain": Obj(
            {
                "profile_name": Str("a profile of ~/.aws/config"),
                "region": _REGION,
                "service_name": _SERVICE,
                "assume_role": _ASSUME_ROLE,
            },
            required=("region", "service_name"),
        ),
        "hardcoded": Obj(
            {
                "access_key_id": Str(),
                "secret_access_key": Str(),
                "region": _REGION,
                "service_name": _SERVICE,
                "assume_role": _ASSUME_ROLE,
            },
            required=("access_key_id", "secret_access_key", "region", "service_name"),
        ),
    },
    "sign subgraph requests with AWS SigV4",
)
_SUBGRAPH_AUTH = Obj({"aws_sig_v4": _SIGV4})
AUTHENTICATION = Obj(
    {
        "subgraph": Obj({"all": _SUBGRAPH_AUTH, "subgraphs": MapOf(_SUBGRAPH_AUTH)}),
        "router": Unsupported("JWT authentication of client requests"),
        "connector": Unsupported("connectors"),
    }
)
COMPRESSION = Str(
    "compress subgraph request bodies: gzip, br, deflate or identity",
    pattern="gzip|br|deflate|identity",
)

_OAUTH2 = Obj(
    {
        "token_url": Str("the token endpoint", pattern=r"https?://.+"),
        "client_id": Str(),
        "client_secret": Str("use ${env.NAME} or ${file.PATH}"),
        "scopes": ListOf(Str()),
        "audience": Str("the audience parameter (Auth0, Okta...)"),
        "auth_method": Str("basic (default) or post", pattern="basic|post"),
        "timeout": Duration("the token request's timeout (default 5s)"),
        "refresh_before": Duration("refresh this long before expiry (default 30s)"),
        "retry_after_failure": Duration("after a failed refresh, fail at once this long (1s)"),
        "certificate_authorities": Str(f"CA bundle for the token endpoint ({_PEM})"),
    },
    "OAuth2 client credentials: a bearer token on every request",
    required=("token_url", "client_id", "client_secret"),
)
_HMAC = Obj(
    {
        "key_id": Str("sent in x-fedgate-key-id", pattern=r"[A-Za-z0-9._~-]{1,128}"),
        "secret": Str("the shared secret: use ${env.NAME} or ${file.PATH}"),
    },
    "sign requests with HMAC-SHA256 (docs/signing.md)",
    required=("key_id", "secret"),
)
_FEDGATE_AUTH = Obj({"oauth2": _OAUTH2, "hmac": _HMAC})
_MIN_VERSION = Obj(
    {"min_version": Str("the lowest TLS version: 1.2 (default) or 1.3", pattern=r"1\.[23]")}
)
TRUST_FEDGATE_KEYS: dict[str, Kind] = {
    "subgraph_tls": Obj({"all": _MIN_VERSION, "subgraphs": MapOf(_MIN_VERSION)}),
    "subgraph_auth": Obj(
        {"all": _FEDGATE_AUTH, "subgraphs": MapOf(_FEDGATE_AUTH)},
        "OAuth2 tokens and HMAC signatures on subgraph requests (docs/subgraph-trust.md)",
    ),
}


def _scoped(section: dict[str, Any]) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    return section.get("all", {}), section.get("subgraphs", {})


def trust_config(checked: dict[str, Any], source: Source) -> TrustConfig | None:
    """The trust settings of a checked file, or ``None`` when it sets none."""
    fedgate = checked.get("fedgate", {})
    sections = {
        "tls": _scoped(checked.get("tls", {}).get("subgraph", {})),
        "min": _scoped(fedgate.get("subgraph_tls", {})),
        "sigv4": _scoped(checked.get("authentication", {}).get("subgraph", {})),
        "auth": _scoped(fedgate.get("subgraph_auth", {})),
        "shaping": _scoped(checked.get("traffic_shaping", {})),
    }
    names = sorted({name for _, per in sections.values() for name in per})

    def entry(section: str, name: str | None) -> dict[str, Any]:
        all_, per = sections[section]
        if name is None:
            return all_
        return {**all_, **per.get(name, {})}

    def auth(name: str | None) -> dict[str, Any]:
        """aws_sig_v4 (Apollo's section) and oauth2/hmac (fedgate's) for one subgraph."""
        merged = {**entry("sigv4", None), **entry("auth", None)}
        if name is None:
            return merged
        own = {**sections["sigv4"][1].get(name, {}), **sections["auth"][1].get(name, {})}
        merged |= own
        _own_authorization_wins(merged, own)
        return merged

    tls_all = _tls(entry("tls", None), entry("min", None))
    tls_per = {
        name: tls
        for name in names
        if name in sections["tls"][1] or name in sections["min"][1]
        if (tls := _tls(entry("tls", name), entry("min", name))) is not None
    }

    def where(name: str | None) -> str:
        scope = ("all",) if name is None else ("subgraphs", name)
        path = ("tls", "subgraph", *scope)
        return f"{source.where(path)}: {'.'.join(path)}"

    contexts = TlsContexts.build(tls_all, tls_per, where) if tls_all or tls_per else None
    trust_all = _subgraph(auth(None), entry("shaping", None), "all", source)
    per = {name: _subgraph(auth(name), entry("shaping", name), name, source) for name in names}
    config = TrustConfig(trust_all, MappingProxyType(per), contexts)
    return config if config.active or contexts is not None else None


def _own_authorization_wins(merged: dict[str, Any], own: dict[str, Any]) -> None:
    """A subgraph's own oauth2 or aws_sig_v4 replaces the other one inherited from ``all``
    (both need the Authorization header); set side by side at one level they clash."""
    for mine, inherited in (("oauth2", "aws_sig_v4"), ("aws_sig_v4", "oauth2")):
        if mine in own and inherited not in own:
            merged.pop(inherited, None)


def _tls(apollo: dict[str, Any], ours: dict[str, Any]) -> TlsSettings | None:
    if not apollo and not ours:
        return None
    client = apollo.get("client_authentication", {})
    return TlsSettings(
        certificate_authorities=apollo.get("certificate_authorities"),
        certificate_chain=client.get("certificate_chain"),
        key=client.get("key"),
        min_version=ours.get("min_version"),
    )


def _subgraph(
    auth: dict[str, Any], shaping: dict[str, Any], name: str, source: Source
) -> SubgraphTrust:
    oauth2 = _oauth2(auth["oauth2"], name) if "oauth2" in auth else None
    signer = _sigv4(auth["aws_sig_v4"]) if "aws_sig_v4" in auth else None
    if oauth2 is not None and signer is not None:
        # both use the Authorization header: a subgraph can check one of them, not both
        raise ConfigError(
            f"{source.name}: subgraph {name!r}: oauth2 and aws_sig_v4 both set the "
            "Authorization header; choose one"
        )
    hmac = HmacSettings(**auth["hmac"]) if "hmac" in auth else None
    compression = shaping.get("compression")
    return SubgraphTrust(
        oauth2, hmac, signer, None if compression in (None, "identity") else compression
    )


def _oauth2(raw: dict[str, Any], name: str) -> OAuth2Settings:
    values = dict(raw)
    values["scopes"] = tuple(values.get("scopes", ()))
    settings = OAuth2Settings(**values)
    if settings.certificate_authorities is not None:
        where = f"fedgate.subgraph_auth.{'all' if name == 'all' else 'subgraphs.' + name}"
        TlsSettings(settings.certificate_authorities).context(f"{where}.oauth2")
    return settings


def _sigv4(raw: dict[str, Any]) -> SigV4Settings:
    if importlib.util.find_spec("botocore") is None:
        raise ConfigError("aws_sig_v4 needs botocore: pip install 'fedgate[aws]'")
    [(kind, spec)] = raw.items()
    spec = {k: v for k, v in spec.items() if k != "assume_role"}
    if kind == "default_chain":
        return SigV4Settings(spec["region"], spec["service_name"], spec.get("profile_name"))
    return SigV4Settings(
        spec["region"],
        spec["service_name"],
        access_key_id=spec["access_key_id"],
        secret_access_key=spec["secret_access_key"],
    )
