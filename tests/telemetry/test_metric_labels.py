"""The operation-name label stays bounded whatever names clients send."""

from __future__ import annotations

from prometheus_client import generate_latest

from gateway.config.telemetry import MetricsConfig
from gateway.telemetry.metrics import ANONYMOUS, INVALID, OTHER, Metrics


def test_names_fold_past_the_limit() -> None:
    metrics = Metrics(MetricsConfig(max_operation_names=2))
    labels = [metrics.operation_label(f"Op{i}", False) for i in range(5)]
    assert labels == ["Op0", "Op1", OTHER, OTHER, OTHER]
    assert metrics.operation_label("Op1", False) == "Op1"  # a known name keeps its series
    assert metrics.operation_label(None, False) == ANONYMOUS
    assert metrics.operation_label("Anything", True) == INVALID


def test_exposition_is_prometheus_text() -> None:
    metrics = Metrics(MetricsConfig())
    metrics.request_duration.labels("Q", "ok").observe(0.02)
    metrics.subgraph_errors.labels("products", "SUBREQUEST_HTTP_ERROR").inc()
    text = metrics.exposition().decode()
    assert text == generate_latest(metrics.registry).decode()
    assert 'fedgate_request_duration_seconds_count{operation_name="Q",outcome="ok"} 1.0' in text
    assert (
        'fedgate_subgraph_errors_total{code="SUBREQUEST_HTTP_ERROR",subgraph="products"} 1.0'
        in text
    )
