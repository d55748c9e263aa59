"""Apollo Router's ``redis:`` block, as found under ``apq.router.cache.redis``,
``supergraph.query_planning.cache.redis`` and the entity cache: the ``RedisConfig`` it makes
(``redis_config``). Importing this module loads no Redis library.

Keys (Apollo Router 2.x): ``urls`` (``redis://``, ``rediss://`` with TLS, ``redis-cluster://``
/ ``rediss-cluster://``, ``redis-sentinel://`` / ``rediss-sentinel://``), ``username`` and
``password`` (over the URL's), ``timeout`` (per command), ``ttl``, ``namespace`` (a key
prefix), ``required_to_start``, ``reset_ttl`` (a read renews the entry's TTL), ``pool_size``
and ``tls.certificate_authorities``. Where fedgate differs it says so: ``pool_size`` defaults
to 8, not 1 (Apollo's client pipelines concurrent commands on one connection, redis-py holds a
connection per command in flight); ``tls.client_authentication`` is not supported.

URL forms: a cluster's other nodes may be further ``urls`` or ``?node=host:port`` query
parameters; a Sentinel URL lists the sentinels (``host1:port1,host2:port2`` or further
``urls``) and names the service with ``?sentinelServiceName=`` (Apollo's parameter;
``sentinelUsername`` / ``sentinelPassword`` too).

The block's schema (for ``fedgate config validate|schema``) is ``redis_schema`` in
``gateway/config/shared_state.py``; this module builds the record from a checked block.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import parse_qs, unquote, urlsplit

from gateway.errors import ConfigError

__all__ = [
    "DEFAULT_POOL_SIZE",
    "DEFAULT_TIMEOUT",
    "URL_PATTERN",
    "RedisConfig",
    "RedisNode",
    "redis_config",
]

Kind = Literal["standalone", "cluster", "sentinel"]
_SCHEMES: dict[str, tuple[Kind, bool]] = {
    "redis": ("standalone", False),
    "rediss": ("standalone", True),
    "redis-cluster": ("cluster", False),
    "rediss-cluster": ("cluster", True),
    "redis-sentinel": ("sentinel", False),
    "rediss-sentinel": ("sentinel", True),
}
DEFAULT_TIMEOUT = 0.5
DEFAULT_POOL_SIZE = 8
URL_PATTERN = r"rediss?(-cluster|-sentinel)?://.+"


@dataclass(frozen=True, slots=True)
class RedisNode:
    host: str
    port: int


@dataclass(frozen=True, slots=True)
class RedisConfig:
    """One ``redis:`` block. ``nodes``: the server, the cluster's startup nodes or the
    sentinels; ``ttl``: ``None`` for entries that do not expire (unless the caller gives
    one). ``connection`` tells whether two blocks can share one pool."""

    kind: Kind
    nodes: tuple[RedisNode, ...]
    tls: bool = False
    username: str | None = None
    password: str | None = None
    db: int = 0
    service_name: str | None = None
    sentinel_username: str | None = None
    sentinel_password: str | None = None
    timeout: float = DEFAULT_TIMEOUT
    ttl: float | None = None
    namespace: str = ""
    required_to_start: bool = False
    reset_ttl: bool = True
    pool_size: int = DEFAULT_POOL_SIZE
    certificate_authorities: str | None = None

    @property
    def connection(self) -> tuple[object, ...]:
        """Everything but what only shapes keys and entries (namespace, ttl, reset_ttl)."""
        return (
            self.kind,
            self.nodes,
            self.tls,
            self.username,
            self.password,
            self.db,
            self.service_name,
            self.sentinel_username,
            self.sentinel_password,
            self.timeout,
            self.pool_size,
            self.certificate_authorities,
        )

    def describe(self) -> str:
        """For log lines: where, never the credentials."""
        nodes = ",".join(f"{n.host}:{n.port}" for n in self.nodes)
        return f"{self.kind} {nodes}" + (f" ({self.service_name})" if self.service_name else "")


def redis_config(raw: dict[str, Any], where: str, default_ttl: float | None = None) -> RedisConfig:
    """A checked ``redis:`` block (``where``: ``file:line key`` for messages) → RedisConfig."""
    urls: list[str] = raw["urls"]
    if not urls:
        raise ConfigError(f"{where}: urls: at least one Redis URL is needed")
    parsed = [_parse(url, f"{where}: urls[{i}]") for i, url in enumerate(urls)]
    kinds = {(p.kind, p.tls) for p in parsed}
    if len(kinds) > 1:
        raise ConfigError(f"{where}: urls: every URL must use the same scheme")
    first = parsed[0]
    nodes = tuple(node for p in parsed for node in p.nodes)
    if first.kind == "standalone" and len(nodes) > 1:
        raise ConfigError(
            f"{where}: urls: several redis:// URLs: use redis-cluster:// for a cluster or "
            "redis-sentinel:// for sentinels"
        )
    if first.kind == "sentinel" and not first.service_name:
        raise ConfigError(
            f"{where}: urls[0]: a redis-sentinel:// URL names its service: "
            "?sentinelServiceName=<name>"
        )
    if first.kind == "cluster" and first.db:
        raise ConfigError(f"{where}: urls[0]: a Redis cluster has no database but 0")
    ttl = raw.get("ttl", default_ttl)
    if ttl is not None and ttl <= 0:
        raise ConfigError(f"{where}: ttl: must be positive")
    timeout = raw.get("timeout", DEFAULT_TIMEOUT)
    if timeout <= 0:
        raise ConfigError(f"{where}: timeout: must be positive")
    return RedisConfig(
        kind=first.kind,
        nodes=nodes,
        tls=first.tls,
        username=raw.get("username", first.username),
        password=raw.get("password", first.password),
        db=first.db,
        service_name=first.service_name,
        sentinel_username=first.sentinel_username,
        sentinel_password=first.sentinel_password,
        timeout=timeout,
        ttl=ttl,
        namespace=raw.get("namespace", ""),
        required_to_start=raw.get("required_to_start", False),
        reset_ttl=raw.get("reset_ttl", True),
        pool_size=raw.get("pool_size", DEFAULT_POOL_SIZE),
        certificate_authorities=raw.get("tls", {}).get("certificate_authorities"),
    )


@dataclass(frozen=True, slots=True)
class _Url:
    kind: Kind
    tls: bool
    nodes: tuple[RedisNode, ...]
    username: str | None
    password: str | None
    db: int
    service_name: str | None
    sentinel_username: str | None
    sentinel_password: str | None


def _parse(url: str, where: str) -> _Url:
    parts = urlsplit(url)
    scheme = _SCHEMES.get(parts.scheme)
    if scheme is None:
        raise ConfigError(f"{where}: {parts.scheme!r} is not a Redis URL scheme ({URL_PATTERN})")
    kind, tls = scheme
    userinfo, _, hosts = parts.netloc.rpartition("@")
    username, _, password = userinfo.partition(":") if userinfo else ("", "", "")
    query = parse_qs(parts.query)
    nodes = [_node(h, where) for h in hosts.split(",") if h]
    nodes += [_node(h, where) for h in query.get("node", ())]
    if not nodes:
        raise ConfigError(f"{where}: no host in {_redacted(url)}")
    if len(hosts.split(",")) > 1 and kind != "sentinel":
        raise ConfigError(f"{where}: several hosts in one URL are for redis-sentinel:// only")
    return _Url(
        kind=kind,
        tls=tls,
        nodes=tuple(nodes),
        username=unquote(username) or None,
        password=unquote(password) or None,
        db=_db(parts.path, where),
        service_name=_first(query, "sentinelServiceName"),
        sentinel_username=_first(query, "sentinelUsername"),
        sentinel_password=_first(query, "sentinelPassword"),
    )


def _node(text: str, where: str) -> RedisNode:
    if text.startswith("["):  # an IPv6 address: [::1]:6379
        host, _, rest = text[1:].partition("]")
        port = rest.removeprefix(":")
    else:
        host, _, port = text.partition(":")
    if not host:
        raise ConfigError(f"{where}: {text!r} has no host")
    if port and not port.isdigit():
        raise ConfigError(f"{where}: {text!r}: the port must be a number")
    return RedisNode(host, int(port) if port else 6379)


def _db(path: str, where: str) -> int:
    name = path.strip("/")
    if not name:
        return 0
    if not name.isdigit():
        raise ConfigError(f"{where}: the database (URL path) must be a number, got {name!r}")
    return int(name)


def _first(query: dict[str, list[str]], name: str) -> str | None:
    values = query.get(name)
    return values[0] if values else None


def _redacted(url: str) -> str:
    parts = urlsplit(url)
    host = parts.netloc.rpartition("@")[2]
    return f"{parts.scheme}://{host}{parts.path}"
