"""The metrics exported over OTLP (``telemetry.exporters.metrics.otlp``): the same
instruments as the Prometheus exporter, recorded with the OpenTelemetry metrics SDK (a
``MeterProvider`` of the app's own, never the global one) and pushed by a
``PeriodicExportingMetricReader`` every ``batch_processor.scheduled_delay`` through the
official OTLP metric exporter of the configured protocol (its retries, timeout, headers).
Aggregation happens in memory on the request's thread; the export runs on the reader's
thread, so a collector that is down costs the exporter's log line, never a request.

Imported only when OTLP metrics are configured (tests/server/test_lazy_imports.py).
Instruments keep the Prometheus names (``fedgate_request_duration_seconds``…); counters
drop the ``_total`` suffix, which a collector's Prometheus exporter adds back. A gauge whose
Prometheus multiprocess mode is ``livesum`` (in-flight requests) is an up-down counter;
other gauges (plan cache size, breaker state) are OpenTelemetry gauges (last value)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from opentelemetry.sdk.metrics import (
    Counter,
    Histogram,
    MeterProvider,
    ObservableCounter,
)
from opentelemetry.sdk.metrics.export import (
    AggregationTemporality,
    MetricExporter,
    PeriodicExportingMetricReader,
)
from opentelemetry.sdk.resources import Resource

from gateway.config.telemetry import MetricsConfig, MetricsOtlpConfig

__all__ = ["OtelInstruments"]

_SCOPE = "fedgate"


class _Bound:
    """One instrument with one set of attributes (prometheus-client's labelled child)."""

    __slots__ = ("attributes", "record")

    def __init__(self, record: Any, attributes: dict[str, str]) -> None:
        self.record = record
        self.attributes = attributes

    def inc(self, amount: float = 1.0) -> None:
        self.record(amount, self.attributes)

    def dec(self, amount: float = 1.0) -> None:
        self.record(-amount, self.attributes)

    def set(self, value: float) -> None:
        self.record(value, self.attributes)

    def observe(self, value: float) -> None:
        self.record(value, self.attributes)


class _Instrument(_Bound):
    """An OpenTelemetry instrument shaped like a prometheus-client metric."""

    __slots__ = ("names",)

    def __init__(self, record: Any, names: Sequence[str]) -> None:
        super().__init__(record, {})
        self.names = tuple(names)

    def labels(self, *values: str) -> _Bound:
        return _Bound(self.record, dict(zip(self.names, values, strict=True)))


class OtelInstruments:
    """``instruments.Instruments`` on an OpenTelemetry meter; ``shutdown`` sends the last
    export (the app's shutdown)."""

    __slots__ = ("meter", "provider")

    def __init__(self, config: MetricsConfig) -> None:
        assert config.otlp is not None
        self.provider = MeterProvider(
            metric_readers=[_reader(config.otlp)], resource=_resource(config)
        )
        self.meter = self.provider.get_meter(_SCOPE)

    def counter(self, name: str, doc: str, labels: Sequence[str] = ()) -> Any:
        return _Instrument(self.meter.create_counter(name, description=doc).add, labels)

    def gauge(self, name: str, doc: str, labels: Sequence[str] = (), *, mode: str) -> Any:
        if mode == "livesum":
            made: Any = self.meter.create_up_down_counter(name, description=doc)
            return _Instrument(made.add, labels)
        return _Instrument(self.meter.create_gauge(name, description=doc).set, labels)

    def histogram(
        self, name: str, doc: str, labels: Sequence[str], buckets: Sequence[float], unit: str
    ) -> Any:
        made = self.meter.create_histogram(
            name, unit=unit, description=doc, explicit_bucket_boundaries_advisory=buckets
        )
        return _Instrument(made.record, labels)

    def shutdown(self) -> None:
        self.provider.shutdown()


def _resource(config: MetricsConfig) -> Resource:
    # every worker of `--workers N` exports its own series: the instance id keeps them apart
    attributes: dict[str, Any] = {"service.instance.id": str(uuid.uuid4())}
    attributes.update(config.resource)
    attributes["service.name"] = config.service_name
    return Resource.create(attributes)


def _reader(config: MetricsOtlpConfig) -> PeriodicExportingMetricReader:
    batch = config.otlp.batch_processor
    return PeriodicExportingMetricReader(
        _exporter(config),
        export_interval_millis=batch.scheduled_delay * 1000,
        export_timeout_millis=batch.max_export_timeout * 1000,
    )


def _exporter(config: MetricsOtlpConfig) -> MetricExporter:
    otlp = config.otlp
    timeout = otlp.batch_processor.max_export_timeout
    temporality = _temporality(config.temporality)
    size = otlp.batch_processor.max_export_batch_size
    if otlp.protocol == "http":
        from opentelemetry.exporter.otlp.proto.http.metric_exporter import OTLPMetricExporter

        return OTLPMetricExporter(
            endpoint=config.metrics_url,
            headers=dict(otlp.headers),
            timeout=timeout,
            preferred_temporality=temporality,
            max_export_batch_size=size,
        )
    from opentelemetry.exporter.otlp.proto.grpc.metric_exporter import (
        OTLPMetricExporter as GrpcExporter,
    )

    return GrpcExporter(
        endpoint=otlp.endpoint,
        insecure=otlp.endpoint.startswith("http://"),
        headers=tuple(otlp.headers.items()),
        timeout=timeout,
        preferred_temporality=temporality,
        max_export_batch_size=size,
    )


def _temporality(kind: str) -> dict[type, AggregationTemporality]:
    """Delta: counters and histograms report the change since the last export (what New
    Relic or Datadog want); up-down counters and gauges stay cumulative, as the OTLP
    exporter's own delta preference has it."""
    if kind == "cumulative":
        return {}
    delta = AggregationTemporality.DELTA
    return {Counter: delta, Histogram: delta, ObservableCounter: delta}
