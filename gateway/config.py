"""Gateway configuration: one frozen, typed object from a YAML file plus the environment.

YAML (every key optional)::

    subgraphs:
      accounts:
        url: http://accounts:4001/graphql
    subgraph_timeout: 30        # seconds, whole subgraph request
    connect_timeout: 5          # seconds, TCP connect
    subgraph_connections: 128   # pooled keep-alive connections per subgraph host
    operation_cache_size: 1024  # distinct (document, operation name) kept parsed + planned
    expose_query_plan: true     # honour the Apollo-Expose-Query-Plan header
    introspection: true
    graphiql: true
    batch_fetches: true         # waves + one request per subgraph per wave (BatchFetch)
    share_inflight_requests: true  # identical in-flight subgraph requests share one call
    share_inflight_client_requests: false  # identical client queries share one execution

Environment (wins over the file): ``FEDGATE_SUBGRAPH_<NAME>_URL`` where ``<NAME>`` is the
subgraph name upper-cased with non-alphanumerics as ``_``; and ``FEDGATE_<KEY>`` for every
other key above (``FEDGATE_SUBGRAPH_TIMEOUT``, ``FEDGATE_OPERATION_CACHE_SIZE``, ...).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from types import MappingProxyType
from typing import Any

import yaml

from gateway.errors import ConfigError
from gateway.transport.headers import NO_HEADER_RULES, HeaderRules

__all__ = ["GatewayConfig", "env_name", "load_config"]

_ENV_PREFIX = "FEDGATE_"


@dataclass(frozen=True, slots=True)
class GatewayConfig:
    subgraph_urls: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    subgraph_timeout: float = 30.0
    connect_timeout: float = 5.0
    subgraph_connections: int = 128
    operation_cache_size: int = 1024
    expose_query_plan: bool = True
    introspection: bool = True
    graphiql: bool = True
    # plan queries in waves and send each wave's entity fetches to a subgraph as one request
    batch_fetches: bool = True
    # identical subgraph requests in flight at the same time share one call (never mutations)
    share_inflight_requests: bool = True
    # opt-in: identical client queries in flight at the same time share one execution
    share_inflight_client_requests: bool = False
    # which client headers reach which subgraph (Apollo Router's ``headers`` rules)
    headers: HeaderRules = NO_HEADER_RULES

    def __post_init__(self) -> None:
        # A read-only copy: the config stays immutable even when built from a plain dict.
        object.__setattr__(self, "subgraph_urls", MappingProxyType(dict(self.subgraph_urls)))
        if self.subgraph_timeout <= 0 or self.connect_timeout <= 0:
            raise ConfigError("timeouts must be positive numbers of seconds")
        if self.subgraph_connections < 1:
            raise ConfigError("subgraph_connections must be at least 1")
        if self.operation_cache_size < 0:
            raise ConfigError("operation_cache_size must not be negative")

    def resolve_urls(self, graphs: Iterable[tuple[str, str]]) -> dict[str, str]:
        """Subgraph name → URL: the supergraph's, overridden by config and environment."""
        return {name: self.subgraph_urls.get(name, url) for name, url in graphs}


def env_name(subgraph: str) -> str:
    """The environment variable overriding a subgraph's URL."""
    return f"{_ENV_PREFIX}SUBGRAPH_{re.sub(r'[^A-Za-z0-9]', '_', subgraph).upper()}_URL"


_SCALARS: dict[str, type] = {
    "subgraph_timeout": float,
    "connect_timeout": float,
    "subgraph_connections": int,
    "operation_cache_size": int,
    "expose_query_plan": bool,
    "introspection": bool,
    "graphiql": bool,
    "batch_fetches": bool,
    "share_inflight_requests": bool,
    "share_inflight_client_requests": bool,
}


def load_config(
    path: str | Path | None = None,
    *,
    environ: Mapping[str, str] | None = None,
    subgraph_names: Iterable[str] = (),
) -> GatewayConfig:
    """Load ``path`` (optional) and apply the environment. ``subgraph_names`` are the names
    whose ``FEDGATE_SUBGRAPH_<NAME>_URL`` variables are looked up (the supergraph's graphs)."""
    env = os.environ if environ is None else environ
    raw = _read_yaml(path) if path is not None else {}
    values: dict[str, Any] = {}
    urls = _subgraph_urls(raw.pop("subgraphs", None) or {})
    for key, value in raw.items():
        if key not in _SCALARS:
            known = ", ".join(["subgraphs", *_SCALARS])
            raise ConfigError(f"unknown config key {key!r} (known: {known})")
        values[key] = _coerce(key, value)
    for key in _SCALARS:
        env_value = env.get(_ENV_PREFIX + key.upper())
        if env_value is not None:
            values[key] = _coerce(key, env_value, from_env=True)
    for name in subgraph_names:
        url = env.get(env_name(name))
        if url:
            urls[name] = url
    config = GatewayConfig(subgraph_urls=MappingProxyType(urls))
    return replace(config, **values)


def _read_yaml(path: str | Path) -> dict[str, Any]:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"cannot read config file {path}: {exc.strerror or exc}") from exc
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ConfigError(f"config file {path} is not valid YAML: {exc}") from exc
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ConfigError(f"config file {path} must hold a mapping at the top level")
    return data


def _subgraph_urls(raw: Any) -> dict[str, str]:
    if not isinstance(raw, dict):
        raise ConfigError("'subgraphs' must map subgraph names to {url: ...}")
    urls: dict[str, str] = {}
    for name, entry in raw.items():
        url = entry.get("url") if isinstance(entry, dict) else None
        if not isinstance(url, str) or not url:
            raise ConfigError(f"subgraphs.{name}.url must be a non-empty string")
        urls[str(name)] = url
    return urls


def _coerce(key: str, value: Any, *, from_env: bool = False) -> Any:
    kind = _SCALARS[key]
    where = f"environment variable {_ENV_PREFIX}{key.upper()}" if from_env else f"config {key!r}"
    if kind is bool:
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in ("1", "true", "yes", "on"):
            return True
        if text in ("0", "false", "no", "off"):
            return False
        raise ConfigError(f"{where} must be a boolean, got {value!r}")
    if isinstance(value, bool):
        raise ConfigError(f"{where} must be a number, got {value!r}")
    try:
        return kind(value)
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"{where} must be a number, got {value!r}") from exc


assert set(_SCALARS) | {"subgraph_urls", "headers"} == {f.name for f in fields(GatewayConfig)}
