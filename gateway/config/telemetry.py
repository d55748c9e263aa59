"""Apollo Router's ``telemetry`` section: its schema and the ``TelemetryConfig`` it makes.

Implemented: ``exporters.tracing`` (``common``: service name, sampler, parent-based sampling,
resource; ``otlp``: endpoint, protocol, batch processor, headers; ``propagation``: W3C trace
context and baggage), ``exporters.metrics`` (``prometheus``: path; ``otlp``: endpoint,
protocol, temporality, batch processor, headers; ``common``: service name, resource) and
``exporters.logging.stdout`` (json or text). Everything is off unless enabled; what fedgate
does not implement (custom instruments, spans and events, Datadog, Zipkin, Apollo usage
reports) stays ``Unsupported`` with a message. docs/observability.md.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Literal

from gateway.errors import ConfigError

from .schema import Anything, Bool, Duration, Int, MapOf, Obj, Str, Unsupported
from .source import Source

__all__ = [
    "TELEMETRY",
    "BatchProcessor",
    "LoggingConfig",
    "MetricsConfig",
    "MetricsOtlpConfig",
    "OtlpConfig",
    "TelemetryConfig",
    "TracingConfig",
    "telemetry_config",
]

Protocol = Literal["grpc", "http"]
LogFormat = Literal["json", "text"]
Temporality = Literal["cumulative", "delta"]

# OTLP's default ports: 4317 (gRPC) and 4318 (HTTP/protobuf), as Apollo Router's `default`
DEFAULT_ENDPOINTS: Mapping[str, str] = MappingProxyType(
    {"grpc": "http://127.0.0.1:4317", "http": "http://127.0.0.1:4318"}
)


def _frozen(values: Mapping[str, Any] | None) -> Mapping[str, Any]:
    return MappingProxyType(dict(values or {}))


@dataclass(frozen=True, slots=True)
class BatchProcessor:
    """The OpenTelemetry SDK's batch span processor (seconds; spans past the queue are
    dropped, never waited for)."""

    scheduled_delay: float = 5.0
    max_queue_size: int = 2048
    max_export_batch_size: int = 512
    max_export_timeout: float = 30.0


@dataclass(frozen=True, slots=True)
class OtlpConfig:
    endpoint: str = DEFAULT_ENDPOINTS["grpc"]
    protocol: Protocol = "grpc"
    headers: Mapping[str, str] = field(default_factory=lambda: _frozen(None))
    batch_processor: BatchProcessor = BatchProcessor()

    def __post_init__(self) -> None:
        object.__setattr__(self, "headers", _frozen(self.headers))

    @property
    def traces_url(self) -> str:
        """OTLP/HTTP's traces URL: the base endpoint plus ``/v1/traces`` (Apollo's rule)."""
        base = self.endpoint.rstrip("/")
        return base if base.endswith("/v1/traces") else base + "/v1/traces"


@dataclass(frozen=True, slots=True)
class TracingConfig:
    """``sampler``: the share of new traces recorded (0..1); ``parent_based``: a request
    that comes with a ``traceparent`` follows its sampled flag instead."""

    otlp: OtlpConfig
    service_name: str = "fedgate"
    sampler: float = 1.0
    parent_based: bool = True
    resource: Mapping[str, Any] = field(default_factory=lambda: _frozen(None))
    trace_context: bool = True
    baggage: bool = True

    def __post_init__(self) -> None:
        object.__setattr__(self, "resource", _frozen(self.resource))
        if not 0.0 <= self.sampler <= 1.0:
            raise ConfigError("telemetry.exporters.tracing.common.sampler must be in 0..1")


@dataclass(frozen=True, slots=True)
class MetricsOtlpConfig:
    """OTLP metrics export; ``temporality``: cumulative (default) or delta."""

    otlp: OtlpConfig
    temporality: Temporality = "cumulative"

    @property
    def metrics_url(self) -> str:
        """OTLP/HTTP's metrics URL: the base endpoint plus ``/v1/metrics``."""
        base = self.otlp.endpoint.rstrip("/")
        return base if base.endswith("/v1/metrics") else base + "/v1/metrics"


@dataclass(frozen=True, slots=True)
class MetricsConfig:
    """Prometheus text format at ``path`` on the GraphQL listener (None: Prometheus off),
    OTLP export with ``otlp``. ``max_operation_names``: distinct operation-name label values
    before the rest are folded into ``other``."""

    path: str | None = "/metrics"
    service_name: str = "fedgate"
    max_operation_names: int = 100
    otlp: MetricsOtlpConfig | None = None
    resource: Mapping[str, Any] = field(default_factory=lambda: _frozen(None))

    def __post_init__(self) -> None:
        object.__setattr__(self, "resource", _frozen(self.resource))


@dataclass(frozen=True, slots=True)
class LoggingConfig:
    """``tty_format``: the format when standard output is a terminal (default: ``format``)."""

    format: LogFormat = "json"
    level: str = "info"
    tty_format: LogFormat | None = None


@dataclass(frozen=True, slots=True)
class TelemetryConfig:
    """Each part is None when off (then it costs nothing per request)."""

    tracing: TracingConfig | None = None
    metrics: MetricsConfig | None = None
    logging: LoggingConfig | None = None

    @property
    def empty(self) -> bool:
        return self.tracing is None and self.metrics is None and self.logging is None


_BATCH = Obj(
    {
        "scheduled_delay": Duration("how often a batch is sent (default 5s)"),
        "max_queue_size": Int("spans held at most; past it new spans are dropped", minimum=1),
        "max_export_batch_size": Int("spans per export at most", minimum=1),
        "max_export_timeout": Duration("one export's time limit (default 30s)"),
        "max_concurrent_exports": Unsupported("concurrent exports (the SDK sends one at a time)"),
    }
)
_OTLP = Obj(
    {
        "enabled": Bool("export spans over OTLP (default false)"),
        "endpoint": Str("`default` or the collector's base URL (/v1/traces is added for http)"),
        "protocol": Str("grpc (default) or http (HTTP/protobuf)", pattern="^(grpc|http)$"),
        "batch_processor": _BATCH,
        "http": Obj({"headers": MapOf(Str(), "headers sent with each export")}),
        "grpc": Obj(
            {
                "metadata": MapOf(Str(), "metadata sent with each export"),
                "domain_name": Unsupported("gRPC TLS settings"),
                "ca": Unsupported("gRPC TLS settings"),
                "cert": Unsupported("gRPC TLS settings"),
                "key": Unsupported("gRPC TLS settings"),
            }
        ),
        "temporality": Unsupported("metric temporality (a metrics exporter key)"),
    }
)
_METRICS_BATCH = Obj(
    {
        "scheduled_delay": Duration("how often metrics are exported (default 5s)"),
        "max_export_batch_size": Int("data points per export at most", minimum=1),
        "max_export_timeout": Duration("one export's time limit (default 30s)"),
        "max_queue_size": Unsupported("a queue (metrics are aggregated, not queued)"),
        "max_concurrent_exports": Unsupported("concurrent exports (the SDK sends one at a time)"),
    }
)
_METRICS_OTLP = Obj(
    {
        **_OTLP.fields,
        "enabled": Bool("export metrics over OTLP (default false)"),
        "endpoint": Str("`default` or the collector's base URL (/v1/metrics is added for http)"),
        "batch_processor": _METRICS_BATCH,
        "temporality": Str("cumulative (default) or delta", pattern="^(cumulative|delta)$"),
    }
)
_COMMON = Obj(
    {
        "service_name": Str("the service.name resource attribute (default fedgate)"),
        "service_namespace": Str("the service.namespace resource attribute"),
        "resource": MapOf(Anything(), "more resource attributes"),
        "sampler": Anything("always_on, always_off, or a ratio 0..1 (default always_on)"),
        "parent_based_sampler": Bool("follow the client's sampled flag (default true)"),
        "preview_datadog_agent_sampling": Unsupported("Datadog agent sampling"),
        "max_events_per_span": Unsupported("span limits"),
        "max_attributes_per_span": Unsupported("span limits"),
        "max_links_per_span": Unsupported("span limits"),
        "max_attributes_per_event": Unsupported("span limits"),
        "max_attributes_per_link": Unsupported("span limits"),
    }
)
_PROPAGATION = Obj(
    {
        "trace_context": Bool("W3C traceparent/tracestate in and out (default true)"),
        "baggage": Bool("W3C baggage in and out (default true)"),
        "jaeger": Unsupported("Jaeger propagation"),
        "zipkin": Unsupported("Zipkin propagation"),
        "datadog": Unsupported("Datadog propagation"),
        "aws_xray": Unsupported("AWS X-Ray propagation"),
        "request": Unsupported("propagating a trace id from a custom header"),
    }
)
_METRICS_COMMON = Obj(
    {
        "service_name": Str("the service label (default fedgate)"),
        "service_namespace": Str("the service.namespace resource attribute (OTLP)"),
        "resource": MapOf(Anything(), "more resource attributes (OTLP)"),
        "buckets": Unsupported("custom histogram buckets"),
        "views": Unsupported("metric views"),
    }
)
_PROMETHEUS = Obj(
    {
        "enabled": Bool("serve Prometheus metrics (default false)"),
        "path": Str("where (default /metrics), on the GraphQL listener", pattern="/.*"),
        "listen": Unsupported(
            "a separate metrics listener; fedgate serves metrics on the GraphQL listener"
        ),
        "resource_selector": Unsupported("resource labels on metrics"),
    }
)
_STDOUT = Obj(
    {
        "enabled": Bool("structured logs on standard output (default false)"),
        "format": Str("json (default) or text", pattern="^(json|text)$"),
        "tty_format": Str("the format when standard output is a terminal", pattern="^(json|text)$"),
        "rate_limit": Unsupported("log rate limits"),
    }
)
TELEMETRY = Obj(
    {
        "exporters": Obj(
            {
                "tracing": Obj(
                    {
                        "common": _COMMON,
                        "otlp": _OTLP,
                        "propagation": _PROPAGATION,
                        "datadog": Unsupported("the Datadog trace exporter (use OTLP)"),
                        "zipkin": Unsupported("the Zipkin trace exporter (use OTLP)"),
                        "experimental_response_trace_id": Unsupported("trace ids in responses"),
                    }
                ),
                "metrics": Obj(
                    {
                        "common": _METRICS_COMMON,
                        "prometheus": _PROMETHEUS,
                        "otlp": _METRICS_OTLP,
                    }
                ),
                "logging": Obj(
                    {
                        "stdout": _STDOUT,
                        "common": Obj(
                            {
                                "service_name": Str("accepted for Apollo compatibility"),
                                "level": Str(
                                    "fedgate's log level (default info)",
                                    pattern="^(debug|info|warning|error|critical)$",
                                ),
                                "resource": Unsupported("resource attributes on log lines"),
                            }
                        ),
                    }
                ),
            }
        ),
        "instrumentation": Unsupported("custom instruments, spans and events"),
        "apollo": Unsupported("Apollo GraphOS usage reporting"),
    },
    "traces, metrics and logs (docs/observability.md)",
)


def telemetry_config(raw: dict[str, Any], source: Source) -> TelemetryConfig | None:
    """None when nothing is enabled (the usual case: no telemetry code on any path)."""
    exporters = raw.get("exporters", {})
    config = TelemetryConfig(
        _tracing(exporters.get("tracing", {}), source),
        _metrics(exporters.get("metrics", {}), source),
        _logging(exporters.get("logging", {})),
    )
    return None if config.empty else config


def _otlp(otlp: dict[str, Any], source: Source, signal: str) -> OtlpConfig:
    protocol: Protocol = otlp.get("protocol", "grpc")
    endpoint = otlp.get("endpoint", "default")
    if endpoint == "default":
        endpoint = DEFAULT_ENDPOINTS[protocol]
    elif not endpoint.startswith(("http://", "https://")):
        where = source.where(("telemetry", "exporters", signal, "otlp", "endpoint"))
        raise ConfigError(f"{where}: the OTLP endpoint must be `default` or an http(s):// URL")
    headers = (
        otlp.get("http", {}).get("headers", {})
        if protocol == "http"
        else otlp.get("grpc", {}).get("metadata", {})
    )
    return OtlpConfig(
        endpoint, protocol, headers, BatchProcessor(**otlp.get("batch_processor", {}))
    )


def _resource(common: dict[str, Any]) -> dict[str, Any]:
    resource = dict(common.get("resource", {}))
    if "service_namespace" in common:
        resource["service.namespace"] = common["service_namespace"]
    return resource


def _tracing(raw: dict[str, Any], source: Source) -> TracingConfig | None:
    otlp = raw.get("otlp", {})
    if not otlp.get("enabled", False):
        return None
    common = raw.get("common", {})
    resource = _resource(common)
    propagation = raw.get("propagation", {})
    return TracingConfig(
        _otlp(otlp, source, "tracing"),
        common.get("service_name", "fedgate"),
        _ratio(common.get("sampler", "always_on"), source),
        common.get("parent_based_sampler", True),
        resource,
        propagation.get("trace_context", True),
        propagation.get("baggage", True),
    )


def _ratio(value: Any, source: Source) -> float:
    if value == "always_on":
        return 1.0
    if value == "always_off":
        return 0.0
    if isinstance(value, int | float) and not isinstance(value, bool) and 0 <= value <= 1:
        return float(value)
    where = source.where(("telemetry", "exporters", "tracing", "common", "sampler"))
    raise ConfigError(f"{where}: sampler must be always_on, always_off or a ratio in 0..1")


def _metrics(raw: dict[str, Any], source: Source) -> MetricsConfig | None:
    prometheus = raw.get("prometheus", {})
    otlp = raw.get("otlp", {})
    path = prometheus.get("path", "/metrics") if prometheus.get("enabled", False) else None
    exported = None
    if otlp.get("enabled", False):
        temporality = otlp.get("temporality", "cumulative")
        exported = MetricsOtlpConfig(_otlp(otlp, source, "metrics"), temporality)
    if path is None and exported is None:
        return None
    common = raw.get("common", {})
    name = common.get("service_name", "fedgate")
    return MetricsConfig(path, name, otlp=exported, resource=_resource(common))


def _logging(raw: dict[str, Any]) -> LoggingConfig | None:
    stdout = raw.get("stdout", {})
    if not stdout.get("enabled", False):
        return None
    level = raw.get("common", {}).get("level", "info")
    return LoggingConfig(stdout.get("format", "json"), level, stdout.get("tty_format"))
