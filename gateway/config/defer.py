"""Apollo Router's ``supergraph.defer_support`` (default true): @defer answered with
incremental delivery (``multipart/mixed``, docs/defer.md) to clients that accept it. With
``false`` the planner plans @defer fragments like plain ones and every client gets the whole
response at once. Decided when the gateway is built: no per-request cost either way."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .schema import Bool

__all__ = ["DEFER_SUPPORT", "DeferConfig", "defer_config"]

DEFER_SUPPORT = Bool(
    "answer @defer incrementally (multipart/mixed) to clients that accept it (default: true)"
)


@dataclass(frozen=True, slots=True)
class DeferConfig:
    enabled: bool = True


def defer_config(supergraph: dict[str, Any]) -> DeferConfig:
    """From the ``supergraph`` section (already checked against the schema)."""
    return DeferConfig(bool(supergraph.get("defer_support", True)))
