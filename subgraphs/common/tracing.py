"""OpenTelemetry for the example services, so a trace started at the gateway continues
into them: on when the standard ``OTEL_EXPORTER_OTLP_ENDPOINT`` (or
``OTEL_EXPORTER_OTLP_TRACES_ENDPOINT``) is set, off otherwise.

The ASGI middleware (``opentelemetry-instrumentation-asgi``) reads the gateway's
``traceparent`` and opens a server span per request; spans go over OTLP/HTTP (protobuf) to
the endpoint, through the SDK's batch processor. ``OTEL_SERVICE_NAME`` names the service
(default ``subgraph-<name>``)."""

import os
from typing import Any

ENDPOINT_VARS = ("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "OTEL_EXPORTER_OTLP_ENDPOINT")


def enabled(environ: "os._Environ[str] | dict[str, str]" = os.environ) -> bool:
    return any(environ.get(name) for name in ENDPOINT_VARS)


def instrument(app: Any, service: str) -> Any:
    """``app`` wrapped in the OpenTelemetry ASGI middleware, exporting over OTLP/HTTP."""
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
    from opentelemetry.instrumentation.asgi import OpenTelemetryMiddleware
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor

    name = os.environ.get("OTEL_SERVICE_NAME") or f"subgraph-{service}"
    provider = TracerProvider(resource=Resource.create({"service.name": name}))
    # the exporter reads the OTEL_EXPORTER_OTLP_* variables itself (endpoint, headers)
    provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter(), schedule_delay_millis=500))
    return OpenTelemetryMiddleware(app, tracer_provider=provider, exclude_spans=["receive", "send"])
