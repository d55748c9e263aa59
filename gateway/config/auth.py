"""Apollo Router's ``authentication`` (JWT) and ``authorization`` sections: their schemas and
the frozen records they make (``JwtConfig``, ``AuthorizationConfig``); the behaviour is in
``gateway/auth/`` (docs/authentication.md).

Apollo's keys, with Apollo's defaults: ``authentication.router.jwt`` (``jwks`` list with
``url``, ``issuer``/``issuers``, ``audiences``, ``algorithms``, ``poll_interval``,
``headers``; ``header_name``, ``header_value_prefix``, ``ignore_other_prefixes``, ``sources``,
``on_error``) and ``authorization`` (``require_authentication``, ``directives.enabled``,
``dry_run``, ``reject_unauthorized``, ``errors.log``, ``errors.response``). fedgate's own:
``fedgate.authentication.clock_skew`` (Apollo's fixed 60 s, here a setting) and
``fedgate.authentication.jwks_min_refresh_interval`` (how often an unknown ``kid`` may make
a JWKS be fetched again).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from gateway.errors import ConfigError

from .schema import Bool, Duration, ListOf, Obj, Str, Unsupported
from .source import Source

__all__ = [
    "ALGORITHMS",
    "AUTHORIZATION",
    "DEFAULT_AUTHORIZATION",
    "FEDGATE_AUTHENTICATION",
    "JWT_ROUTER",
    "AuthorizationConfig",
    "JwksConfig",
    "JwtConfig",
    "TokenSource",
    "authentication_config",
    "authorization_config",
]

ALGORITHMS = (
    "HS256",
    "HS384",
    "HS512",
    "ES256",
    "ES384",
    "RS256",
    "RS384",
    "RS512",
    "PS256",
    "PS384",
    "PS512",
    "EdDSA",
)
_NAMES = ListOf(Str())
_JWKS = Obj(
    {
        "url": Str("file:// or http(s):// URL of the JWK Set", pattern=r"(file|https?)://.+"),
        "issuer": Str("the accepted issuer (Apollo 1.x; issuers is the list)"),
        "issuers": ListOf(Str(), "accepted `iss` values (checked when the token has one)"),
        "audiences": ListOf(Str(), "accepted `aud` values (checked when the token has one)"),
        "algorithms": ListOf(
            Str(pattern="^(" + "|".join(ALGORITHMS) + ")$"), "accepted algorithms (default: all)"
        ),
        "poll_interval": Duration("how often the JWKS is fetched again (default 60s)"),
        "headers": ListOf(
            Obj({"name": Str(), "value": Str()}, required=("name", "value")),
            "headers sent with the JWKS request",
        ),
    },
    required=("url",),
)
_SOURCE = Obj(
    {
        "type": Str("header or cookie", pattern="^(header|cookie)$"),
        "name": Str("the header or cookie name"),
        "value_prefix": Str("the header value's prefix (default Bearer)"),
    },
    required=("type", "name"),
)
JWT_ROUTER = Obj(
    {
        "jwt": Obj(
            {
                "jwks": ListOf(_JWKS, "the JWK Sets tokens are verified with"),
                "header_name": Str("the header with the token (default authorization)"),
                "header_value_prefix": Str("its prefix (default Bearer)"),
                "ignore_other_prefixes": Bool("a header with another prefix is no token"),
                "sources": ListOf(_SOURCE, "other places to look for the token"),
                "on_error": Str(
                    "Error (answer 401) or Continue (anonymous)", pattern="^(Error|Continue)$"
                ),
            },
            required=("jwks",),
        )
    },
    "JWT authentication of client requests (docs/authentication.md)",
    required=("jwt",),
)
AUTHORIZATION = Obj(
    {
        "require_authentication": Bool("refuse requests without valid claims (401)"),
        "directives": Obj(
            {
                "enabled": Bool("enforce @authenticated, @requiresScopes, @policy (default true)"),
                "dry_run": Bool("compute the unauthorized paths, report them, remove nothing"),
                "reject_unauthorized": Bool("refuse the whole operation if anything is removed"),
                "errors": Obj(
                    {
                        "log": Bool("log the removed paths (default true)"),
                        "response": Str(
                            "errors, extensions or disabled",
                            pattern="^(errors|extensions|disabled)$",
                        ),
                    }
                ),
            }
        ),
        "preview_directives": Unsupported("renamed `directives` in Apollo Router 1.36"),
    },
    "authorization directives (docs/authentication.md)",
)
FEDGATE_AUTHENTICATION = Obj(
    {
        "clock_skew": Duration("leeway for exp/nbf/iat (default 60s, as Apollo)"),
        "jwks_min_refresh_interval": Duration(
            "an unknown kid refetches a JWKS at most this often (default 10s)"
        ),
    },
    "fedgate's JWT settings",
)


@dataclass(frozen=True, slots=True)
class JwksConfig:
    url: str
    issuers: tuple[str, ...] = ()
    audiences: tuple[str, ...] = ()
    algorithms: tuple[str, ...] = ()  # empty: any of ALGORITHMS
    poll_interval: float = 60.0
    headers: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class TokenSource:
    kind: Literal["header", "cookie"]
    name: str  # lower-case for headers
    prefix: str = "Bearer"


@dataclass(frozen=True, slots=True)
class JwtConfig:
    jwks: tuple[JwksConfig, ...]
    sources: tuple[TokenSource, ...] = (TokenSource("header", "authorization"),)
    ignore_other_prefixes: bool = False
    on_error: Literal["Error", "Continue"] = "Error"
    clock_skew: float = 60.0
    min_refresh_interval: float = 10.0


@dataclass(frozen=True, slots=True)
class AuthorizationConfig:
    require_authentication: bool = False
    enabled: bool = True
    dry_run: bool = False
    reject_unauthorized: bool = False
    log_errors: bool = True
    response: Literal["errors", "extensions", "disabled"] = "errors"


DEFAULT_AUTHORIZATION = AuthorizationConfig()


def authentication_config(
    raw: dict[str, Any], fedgate: dict[str, Any], source: Source
) -> JwtConfig | None:
    jwt = raw.get("router", {}).get("jwt")
    if jwt is None:
        return None
    prefix = jwt.get("header_value_prefix", "Bearer")
    sources = [TokenSource("header", jwt.get("header_name", "authorization").lower(), prefix)]
    for i, item in enumerate(jwt.get("sources", ())):
        kind = item["type"]
        name = item["name"].lower() if kind == "header" else item["name"]
        sources.append(TokenSource(kind, name, item.get("value_prefix", "Bearer")))
        _no_whitespace(sources[-1].prefix, source, ("sources", i, "value_prefix"))
    _no_whitespace(prefix, source, ("header_value_prefix",))
    jwks = tuple(_jwks(item) for item in jwt["jwks"])
    if not jwks:
        where = source.where(("authentication", "router", "jwt", "jwks"))
        raise ConfigError(f"{where}: authentication.router.jwt.jwks needs at least one JWKS")
    return JwtConfig(
        jwks,
        tuple(sources),
        jwt.get("ignore_other_prefixes", False),
        jwt.get("on_error", "Error"),
        fedgate.get("clock_skew", 60.0),
        fedgate.get("jwks_min_refresh_interval", 10.0),
    )


def _no_whitespace(prefix: str, source: Source, path: tuple[str | int, ...]) -> None:
    if any(c.isspace() for c in prefix):
        where = source.where(("authentication", "router", "jwt", *path))
        raise ConfigError(f"{where}: a token prefix must not contain whitespace")


def _jwks(item: dict[str, Any]) -> JwksConfig:
    issuers = tuple(item.get("issuers", ()))
    if "issuer" in item:
        issuers = (item["issuer"], *issuers)
    return JwksConfig(
        item["url"],
        issuers,
        tuple(item.get("audiences", ())),
        tuple(item.get("algorithms", ())),
        item.get("poll_interval", 60.0),
        tuple((h["name"], h["value"]) for h in item.get("headers", ())),
    )


def authorization_config(raw: dict[str, Any]) -> AuthorizationConfig:
    directives = raw.get("directives", {})
    errors = directives.get("errors", {})
    return AuthorizationConfig(
        raw.get("require_authentication", False),
        directives.get("enabled", True),
        directives.get("dry_run", False),
        directives.get("reject_unauthorized", False),
        errors.get("log", True),
        errors.get("response", "errors"),
    )
