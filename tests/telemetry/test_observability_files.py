"""The observability profile's files: the Grafana dashboard's PromQL names only metrics the
gateway exports, the gateway's router.yaml loads, Prometheus's config is valid (promtool,
when installed) and scrapes the observed gateway, and the compose profile wires them."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from gateway.config import load_config
from gateway.config.telemetry import MetricsConfig
from gateway.telemetry.metrics import Metrics

ROOT = Path(__file__).resolve().parents[2]
OBSERVABILITY = ROOT / "observability"
DASHBOARD = OBSERVABILITY / "grafana" / "dashboards" / "fedgate.json"
_SUFFIXES = {"histogram": ("_bucket", "_count", "_sum"), "counter": ("_total",), "gauge": ("",)}


def exported_names() -> set[str]:
    """Every sample name the gateway's registry can export."""
    names = set()
    for family in Metrics(MetricsConfig()).registry.collect():
        names.update(family.name + suffix for suffix in _SUFFIXES[family.type])
    return names


def dashboard_exprs() -> list[str]:
    dashboard: dict[str, Any] = json.loads(DASHBOARD.read_text())
    return [t["expr"] for panel in dashboard["panels"] for t in panel["targets"]]


def test_dashboard_names_only_exported_metrics() -> None:
    exported = exported_names()
    exprs = dashboard_exprs()
    used = {name for expr in exprs for name in re.findall(r"\bfedgate_[a-z_]+\b", expr)}
    assert used, "the dashboard queries no fedgate metric"
    assert used <= exported, sorted(used - exported)
    # every metric has a panel
    families = {n.removesuffix(s) for n in used for s in ("_bucket", "_count", "_total")}
    assert {f.name for f in Metrics(MetricsConfig()).registry.collect()} <= families | used


def test_dashboard_panels_are_grafana_shaped() -> None:
    dashboard = json.loads(DASHBOARD.read_text())
    assert dashboard["uid"] == "fedgate"
    ids = [p["id"] for p in dashboard["panels"]]
    assert len(ids) == len(set(ids))
    for panel in dashboard["panels"]:
        assert panel["datasource"]["uid"] == "prometheus"
        assert {"h", "w", "x", "y"} <= set(panel["gridPos"])
        assert panel["targets"]


def test_observed_gateway_config_loads() -> None:
    config = load_config(OBSERVABILITY / "router.yaml", environ={})
    telemetry = config.telemetry
    assert telemetry is not None and telemetry.tracing is not None
    assert telemetry.tracing.otlp.endpoint == "http://jaeger:4317"
    assert telemetry.metrics is not None and telemetry.logging is not None


def test_prometheus_config() -> None:
    config = yaml.safe_load((OBSERVABILITY / "prometheus.yml").read_text())
    (job,) = config["scrape_configs"]
    assert job["metrics_path"] == "/metrics"
    assert job["static_configs"][0]["targets"] == ["gateway-observed:4000"]
    promtool = shutil.which("promtool")
    if promtool is None:
        pytest.skip("promtool is not installed (Debian's prometheus package has it)")
    check = [promtool, "check", "config", str(OBSERVABILITY / "prometheus.yml")]
    done = subprocess.run(check, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr


def test_compose_profile() -> None:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    profiled = {k for k, v in compose["services"].items() if v.get("profiles")}
    assert profiled == {"gateway-observed", "jaeger", "prometheus", "grafana"}
    for name in profiled:
        assert compose["services"][name]["profiles"] == ["observability"]
        for volume in compose["services"][name].get("volumes", []):
            assert (ROOT / volume.split(":")[0]).exists(), volume
