"""Observability: OpenTelemetry traces, Prometheus metrics, structured logs
(``telemetry.exporters``; docs/observability.md).

``Telemetry`` (``runtime.py``) is built once per app from the first config and kept across
reloads. The pipeline and the server ask it, once when they are built, to wrap their steps:
each returns the step unchanged when its part is off, so telemetry that is not configured adds
no work to any request. This package imports neither OpenTelemetry nor prometheus-client until
``Telemetry`` is asked for: a gateway without telemetry does not load them (memory).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .runtime import Telemetry

__all__ = ["Telemetry"]


def __getattr__(name: str) -> Any:
    if name == "Telemetry":
        from .runtime import Telemetry

        return Telemetry
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
