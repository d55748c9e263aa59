"""Prometheus metrics (``prometheus-client``), served in the text format at
``telemetry.exporters.metrics.prometheus.path`` on the GraphQL listener.

Each app has its own registry (two apps in one process never clash). With ``--workers N`` the
server sets ``PROMETHEUS_MULTIPROC_DIR`` before the workers start (``gateway.server.run``):
every worker then writes its values to memory-mapped files there and any worker's
``/metrics`` reads them all, so one scrape sees the sum over workers.

The operation-name label is bounded: the first ``max_operation_names`` names seen keep
their own series, later ones are folded into ``__other__``; requests that never became an
operation (parse or validation errors) count under ``__invalid__``, anonymous ones under
``__anonymous__``. The metrics are listed in docs/observability.md.

With ``exporters.metrics.otlp`` the same instruments are (also) recorded with the
OpenTelemetry SDK and pushed over OTLP (``otlp_metrics``, imported only then).
"""

from __future__ import annotations

import os
from typing import Any

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from prometheus_client.multiprocess import MultiProcessCollector

from gateway.config.telemetry import MetricsConfig

from .instruments import Instruments, PrometheusInstruments, both

__all__ = ["CONTENT_TYPE_LATEST", "Metrics"]

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
ANONYMOUS = "__anonymous__"
INVALID = "__invalid__"
OTHER = "__other__"
_LATENCY = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
_BATCH = (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000)


class Metrics:
    """The instruments, and the scrape (``exposition``)."""

    __slots__ = (
        "_children",
        "_multiprocess",
        "_names",
        "cache_size",
        "config",
        "entity_batch",
        "in_flight",
        "instruments",
        "otel",
        "plan_cache",
        "registry",
        "reloads",
        "request_duration",
        "subgraph_duration",
        "subgraph_errors",
    )

    def __init__(self, config: MetricsConfig) -> None:
        self.config = config
        self.registry = CollectorRegistry(auto_describe=True)
        self._multiprocess = bool(os.environ.get(MULTIPROC_ENV))
        self._names: set[str] = set()
        # labelled children by (metric, label values): labels() takes a lock and checks
        # every value on each call; a dict lookup is a tenth of that on the hot path
        self._children: dict[tuple[object, tuple[str, ...]], Any] = {}
        # the OpenTelemetry SDK only with OTLP export configured (lazy: it is heavy)
        self.otel: Any = None
        if config.otlp is not None:
            from .otlp_metrics import OtelInstruments

            self.otel = OtelInstruments(config)
        prometheus = PrometheusInstruments(self.registry) if config.path is not None else None
        self.instruments: Instruments = both(prometheus, self.otel)
        i = self.instruments
        self.request_duration = i.histogram(
            "fedgate_request_duration_seconds",
            "GraphQL operations: time from the pipeline's start to the response",
            ("operation_name", "outcome"),
            _LATENCY,
            "s",
        )
        self.in_flight = i.gauge(
            "fedgate_requests_in_flight", "GraphQL operations being answered", mode="livesum"
        )
        self.subgraph_duration = i.histogram(
            "fedgate_subgraph_request_duration_seconds",
            "subgraph calls: send, receive and decode",
            ("subgraph", "outcome"),
            _LATENCY,
            "s",
        )
        self.subgraph_errors = i.counter(
            "fedgate_subgraph_errors",
            "errors from subgraph calls, by subgraph and error code",
            ("subgraph", "code"),
        )
        self.entity_batch = i.histogram(
            "fedgate_entity_batch_size",
            "representations sent in one entity fetch",
            ("subgraph",),
            _BATCH,
            "{representation}",
        )
        self.plan_cache = i.counter(
            "fedgate_query_plan_cache_lookups",
            "query plan cache lookups by result (hit or miss)",
            ("result",),
        )
        self.cache_size = i.gauge(
            "fedgate_query_plan_cache_size",
            "operations in the query plan cache (the largest worker's)",
            mode="livemax",
        )
        self.reloads = i.counter(
            "fedgate_reloads", "supergraph or configuration reloads put in service"
        )

    def child(self, metric: Any, *values: str) -> Any:
        """``metric.labels(*values)``, cached."""
        key = (metric, values)
        found = self._children.get(key)
        if found is None:
            found = self._children[key] = metric.labels(*values)
        return found

    def operation_label(self, name: str | None, invalid: bool) -> str:
        """The bounded operation-name label (module docstring)."""
        if invalid:
            return INVALID
        if not name:
            return ANONYMOUS
        names = self._names
        if name in names:
            return name
        if len(names) < self.config.max_operation_names:
            names.add(name)
            return name
        return OTHER

    def shutdown(self) -> None:
        """The last OTLP export (the app's shutdown)."""
        if self.otel is not None:
            self.otel.shutdown()

    def exposition(self) -> bytes:
        """The scrape: this app's registry, or every worker's files in multiprocess mode."""
        if self._multiprocess:
            registry = CollectorRegistry()
            MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
            return generate_latest(registry)
        return generate_latest(self.registry)


def subgraph_error_codes(errors: list[Any]) -> list[str]:
    """The ``extensions.code`` of each GraphQL error a subgraph returned (``UNKNOWN``
    without one)."""
    codes = []
    for raw in errors:
        ext = raw.get("extensions") if isinstance(raw, dict) else None
        code = ext.get("code") if isinstance(ext, dict) else None
        codes.append(code if isinstance(code, str) else "UNKNOWN")
    return codes
