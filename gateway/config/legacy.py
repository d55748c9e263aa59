"""The gateway.yaml format of fedgate 0.x (flat keys), still read with a deprecation note.

subgraphs: {accounts: {url: ...}}   → override_subgraph_url
subgraph_timeout: 30                → traffic_shaping.all.timeout
introspection / graphiql            → supergraph.introspection / sandbox.enabled
everything else                     → under fedgate:
"""

from __future__ import annotations

from typing import Any

from gateway.errors import ConfigError

from .source import Source

__all__ = ["LEGACY_KEYS", "SCALARS", "coerce", "labels", "legacy_values"]

# key -> type; also the FEDGATE_<KEY> environment overrides (both formats)
SCALARS: dict[str, type] = {
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
    "access_log": bool,
}
LEGACY_KEYS = frozenset({"subgraphs", "override_labels", *SCALARS})


def legacy_values(source: Source) -> dict[str, Any]:
    """The ``GatewayConfig`` keyword arguments of a gateway.yaml file."""
    raw = dict(source.data)
    values: dict[str, Any] = {"subgraph_urls": _subgraph_urls(raw.pop("subgraphs", None) or {})}
    if "override_labels" in raw:
        values["override_labels"] = labels(raw.pop("override_labels"))
    for key, value in raw.items():
        if key not in SCALARS:
            known = ", ".join(sorted(LEGACY_KEYS))
            raise ConfigError(
                f"{source.where((key,))}: unknown config key {key!r} (known: {known})"
            )
        values[key] = coerce(key, value, f"{source.where((key,))}: config {key!r}")
    return values


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


def labels(raw: Any) -> tuple[str, ...]:
    """A list of progressive @override label names."""
    if raw is None:
        return ()
    if not isinstance(raw, list) or not all(isinstance(x, str) and x for x in raw):
        raise ConfigError("'override_labels' must be a list of label names")
    return tuple(raw)


def coerce(key: str, value: Any, where: str) -> Any:
    kind = SCALARS[key]
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
