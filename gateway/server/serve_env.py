"""``fedgate serve``'s settings from the environment, for containers and orchestrators.

A flag wins over its variable, a variable over ``supergraph.listen`` in the config. Apollo
Router's names for the two paths are read too (``APOLLO_ROUTER_SUPERGRAPH_PATH``,
``APOLLO_ROUTER_CONFIG_PATH``), so a Deployment written for it keeps working. An empty
variable counts as unset (``FEDGATE_HOST=`` lets the config's ``supergraph.listen`` decide).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

__all__ = ["ENV_NAMES", "ServeEnvError", "ServeSettings", "serve_settings"]

# each setting's variables, the first set one wins
ENV_NAMES: Mapping[str, tuple[str, ...]] = {
    "supergraph": ("FEDGATE_SUPERGRAPH", "APOLLO_ROUTER_SUPERGRAPH_PATH"),
    "config": ("FEDGATE_CONFIG", "APOLLO_ROUTER_CONFIG_PATH"),
    "host": ("FEDGATE_HOST",),
    "port": ("FEDGATE_PORT",),
    "workers": ("FEDGATE_WORKERS",),
}


class ServeEnvError(ValueError):
    """A missing supergraph or a variable that is not what it must be (a usage error)."""


@dataclass(frozen=True, slots=True)
class ServeSettings:
    supergraph: str
    config: str | None
    host: str | None
    port: int | None
    workers: int


def serve_settings(
    *,
    supergraph: str | None,
    config: str | None,
    host: str | None,
    port: int | None,
    workers: int | None,
    env: Mapping[str, str],
) -> ServeSettings:
    """The flags (``None``: not given) completed from ``env``."""
    supergraph = supergraph or _first(env, "supergraph")
    if not supergraph:
        raise ServeEnvError("no supergraph: pass --supergraph FILE|URL or set FEDGATE_SUPERGRAPH")
    if port is None:
        port = _integer(env, "port", 1, 65535)
    if workers is None:
        workers = _integer(env, "workers", 1, 1024) or 1
    return ServeSettings(
        supergraph=supergraph,
        config=config or _first(env, "config"),
        host=host or _first(env, "host"),
        port=port,
        workers=workers,
    )


def _first(env: Mapping[str, str], setting: str) -> str | None:
    for name in ENV_NAMES[setting]:
        value = env.get(name, "").strip()
        if value:
            return value
    return None


def _integer(env: Mapping[str, str], setting: str, low: int, high: int) -> int | None:
    text = _first(env, setting)
    if text is None:
        return None
    name = ENV_NAMES[setting][0]
    try:
        value = int(text)
    except ValueError:
        raise ServeEnvError(f"{name} must be a whole number, got {text!r}") from None
    if not low <= value <= high:
        raise ServeEnvError(f"{name} must be between {low} and {high}, got {value}")
    return value
