"""Gateway configuration: one frozen, typed object from a YAML file plus the environment.

The file is Apollo Router 2.x's ``router.yaml`` (``supergraph``, ``headers``, ``cors``, ``csrf``,
``limits``, ``traffic_shaping``, ...; see docs/configuration.md) with fedgate's own settings
under ``fedgate:``. The flat ``gateway.yaml`` of fedgate 0.x is still read, with a deprecation
note on the log. ``source.py`` reads the YAML (lines, ``${env.X}``/``${file.X}`` expansion),
``schema.py`` + ``router.py`` check and build it, ``model.py`` holds the result.

Environment (wins over the file): ``FEDGATE_SUBGRAPH_<NAME>_URL`` where ``<NAME>`` is the
subgraph name upper-cased with non-alphanumerics as ``_``; and ``FEDGATE_<KEY>`` for
``SUBGRAPH_TIMEOUT``, ``CONNECT_TIMEOUT``, ``SUBGRAPH_CONNECTIONS``, ``OPERATION_CACHE_SIZE``,
``EXPOSE_QUERY_PLAN``, ``INTROSPECTION``, ``GRAPHIQL``, ``BATCH_FETCHES``,
``SHARE_INFLIGHT_REQUESTS``, ``SHARE_INFLIGHT_CLIENT_REQUESTS``; and
``FEDGATE_INCLUDE_SUBGRAPH_ERRORS`` (``include_subgraph_errors.all``).
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

from gateway.errors import ConfigError

from .legacy import LEGACY_KEYS, SCALARS, coerce, legacy_values
from .model import (
    CoprocessorConfig,
    CoprocessorStage,
    CorsConfig,
    CorsPolicy,
    CsrfConfig,
    GatewayConfig,
    HealthCheck,
    PluginSpec,
    SubgraphErrors,
)
from .router import ROUTER_SCHEMA, build
from .schema import check, json_schema
from .source import Source, read_source

__all__ = [
    "DEV_OVERRIDES",
    "CoprocessorConfig",
    "CoprocessorStage",
    "CorsConfig",
    "CorsPolicy",
    "CsrfConfig",
    "GatewayConfig",
    "HealthCheck",
    "PluginSpec",
    "SubgraphErrors",
    "config_json_schema",
    "env_name",
    "load_config",
]

log = logging.getLogger("fedgate.config")

_ENV_PREFIX = "FEDGATE_"
# `fedgate dev` and `fedgate serve --dev`: what production keeps off (Apollo Router's
# `--dev` turns on the same, subgraph error messages included)
DEV_OVERRIDES: Mapping[str, str] = {
    "FEDGATE_INTROSPECTION": "true",
    "FEDGATE_GRAPHIQL": "true",
    "FEDGATE_EXPOSE_QUERY_PLAN": "true",
    "FEDGATE_INCLUDE_SUBGRAPH_ERRORS": "true",
}
_SUBGRAPH_ERRORS_ENV = "FEDGATE_INCLUDE_SUBGRAPH_ERRORS"


def env_name(subgraph: str) -> str:
    """The environment variable overriding a subgraph's URL."""
    return f"{_ENV_PREFIX}SUBGRAPH_{re.sub(r'[^A-Za-z0-9]', '_', subgraph).upper()}_URL"


def config_json_schema() -> dict[str, Any]:
    schema = json_schema(ROUTER_SCHEMA)
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "title": "fedgate", **schema}


def load_config(
    path: str | Path | None = None,
    *,
    environ: Mapping[str, str] | None = None,
    subgraph_names: Iterable[str] = (),
) -> GatewayConfig:
    """Load ``path`` (optional) and apply the environment. ``subgraph_names`` are the names
    whose ``FEDGATE_SUBGRAPH_<NAME>_URL`` variables are looked up (the supergraph's graphs)."""
    env = os.environ if environ is None else environ
    config = GatewayConfig() if path is None else _from_file(read_source(path, env))
    return _apply_environment(config, env, subgraph_names)


def _from_file(source: Source) -> GatewayConfig:
    keys = set(source.data)
    if keys and keys <= LEGACY_KEYS:
        log.warning(
            "%s uses the deprecated gateway.yaml format; fedgate reads Apollo Router's "
            "router.yaml now (see docs/configuration.md for the mapping)",
            source.name,
        )
        return GatewayConfig(**legacy_values(source))
    for key in sorted(keys & LEGACY_KEYS):
        raise ConfigError(
            f"{source.where((key,))}: {key}: a gateway.yaml key in a router.yaml file "
            "(see docs/configuration.md: fedgate's own settings go under fedgate:)"
        )
    return build(check(ROUTER_SCHEMA, source.data, (), source.where), source)


def _apply_environment(
    config: GatewayConfig, env: Mapping[str, str], subgraph_names: Iterable[str]
) -> GatewayConfig:
    values: dict[str, Any] = {}
    for key in SCALARS:
        name = _ENV_PREFIX + key.upper()
        if env.get(name) is not None:
            values[key] = coerce(key, env[name], f"environment variable {name}")
    env_labels = env.get(_ENV_PREFIX + "OVERRIDE_LABELS")
    if env_labels is not None:
        values["override_labels"] = tuple(s.strip() for s in env_labels.split(",") if s.strip())
    if env.get(_SUBGRAPH_ERRORS_ENV) is not None:
        include = coerce("introspection", env[_SUBGRAPH_ERRORS_ENV], _SUBGRAPH_ERRORS_ENV)
        policy = config.include_subgraph_errors
        values["include_subgraph_errors"] = SubgraphErrors(include, policy.subgraphs)
    urls = dict(config.subgraph_urls)
    for subgraph in subgraph_names:
        url = env.get(env_name(subgraph))
        if url:
            urls[subgraph] = url
    if urls != config.subgraph_urls:
        values["subgraph_urls"] = urls
    return replace(config, **values) if values else config
