"""``telemetry`` in router.yaml: the docs' example loads, Apollo's defaults apply, bad values
are refused with the file, line and key, and unimplemented keys say so."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from gateway.config import load_config
from gateway.errors import ConfigError

ROOT = Path(__file__).resolve().parents[2]


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "router.yaml"
    path.write_text(text)
    return path


def test_the_docs_example_loads(tmp_path: Path) -> None:
    doc = (ROOT / "docs" / "observability.md").read_text()
    (example,) = re.findall(r"```yaml\n(telemetry:.*?)```", doc, re.DOTALL)
    telemetry = load_config(write(tmp_path, example), environ={}).telemetry
    assert telemetry is not None
    tracing, metrics, logging = telemetry.tracing, telemetry.metrics, telemetry.logging
    assert tracing is not None and metrics is not None and logging is not None
    assert tracing.sampler == 0.25 and tracing.parent_based
    assert tracing.otlp.protocol == "grpc"
    assert tracing.otlp.endpoint == "http://otel-collector:4317"
    assert tracing.otlp.batch_processor.scheduled_delay == 5.0
    assert tracing.resource["deployment.environment"] == "production"
    assert metrics.path == "/metrics"
    assert (logging.format, logging.tty_format, logging.level) == ("json", "text", "info")


def test_off_unless_enabled(tmp_path: Path) -> None:
    assert load_config(None, environ={}).telemetry is None
    text = "telemetry:\n  exporters:\n    tracing:\n      otlp:\n        enabled: false\n"
    assert load_config(write(tmp_path, text), environ={}).telemetry is None


def test_default_endpoints(tmp_path: Path) -> None:
    for protocol, url in (("grpc", "http://127.0.0.1:4317"), ("http", "http://127.0.0.1:4318")):
        text = (
            "telemetry:\n  exporters:\n    tracing:\n      otlp:\n        enabled: true\n"
            f"        endpoint: default\n        protocol: {protocol}\n"
        )
        telemetry = load_config(write(tmp_path, text), environ={}).telemetry
        assert telemetry is not None and telemetry.tracing is not None
        assert telemetry.tracing.otlp.endpoint == url
    assert telemetry.tracing.otlp.traces_url == "http://127.0.0.1:4318/v1/traces"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "telemetry:\n  exporters:\n    tracing:\n      common:\n        sampler: 2\n"
            "      otlp:\n        enabled: true\n",
            "router.yaml:5: sampler must be always_on, always_off or a ratio in 0..1",
        ),
        (
            "telemetry:\n  exporters:\n    tracing:\n      otlp:\n        enabled: true\n"
            "        endpoint: collector:4317\n",
            "router.yaml:6: the OTLP endpoint must be `default` or an http(s):// URL",
        ),
        (
            "telemetry:\n  exporters:\n    tracing:\n      otlp:\n        protocol: udp\n",
            "telemetry.exporters.tracing.otlp.protocol: 'udp' does not match",
        ),
        (
            "telemetry:\n  exporters:\n    metrics:\n      prometheus:\n"
            "        listen: 0.0.0.0:9090\n",
            "prometheus.listen: not supported yet by fedgate",
        ),
        (
            "telemetry:\n  exporters:\n    metrics:\n      otlp:\n        temporality: sometimes\n",
            "metrics.otlp.temporality: 'sometimes' does not match",
        ),
        (
            "telemetry:\n  exporters:\n    metrics:\n      otlp:\n        batch_processor:\n"
            "          max_queue_size: 10\n",
            "metrics.otlp.batch_processor.max_queue_size: not supported yet by fedgate",
        ),
        (
            "telemetry:\n  exporters:\n    logging:\n      stdout:\n        format: xml\n",
            "logging.stdout.format: 'xml' does not match",
        ),
    ],
)
def test_refused(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(ConfigError) as info:
        load_config(write(tmp_path, text), environ={})
    assert message in info.value.message
