"""The resilience keys: docs/resilience.md's example loads, `all` and per-subgraph blocks merge
key by key, bad values are coded config errors naming the file and line."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from gateway.config import load_config
from gateway.errors import ConfigError
from gateway.resilience import BreakerPolicy, BulkheadPolicy, RetryPolicy
from tests.e2e.processes import ROOT


def _example(tmp_path: Path) -> Path:
    page = (ROOT / "docs" / "resilience.md").read_text()
    found = re.search(r"```yaml\n(.*?)```", page, re.S)
    assert found is not None
    path = tmp_path / "router.yaml"
    path.write_text(found.group(1))
    return path


def test_the_documented_example_loads_and_merges_per_subgraph(tmp_path: Path) -> None:
    config = load_config(_example(tmp_path), environ={})
    resilience = config.resilience
    policies = resilience.policies
    retry = RetryPolicy(3, 0.05, 1.0, 5.0, 10.0, 10.0, 0.2, False)
    breaker = BreakerPolicy(0.5, 10.0, 20, 5, 5.0, 3)
    assert policies.all.retry == retry
    assert policies.all.breaker == breaker
    assert policies.all.bulkhead == BulkheadPolicy(64, 0.05)
    accounts = policies.for_subgraph("accounts")
    assert accounts.retry is None  # enabled: false
    assert accounts.breaker == breaker
    assert accounts.bulkhead == BulkheadPolicy(16, 0.05)
    assert policies.for_subgraph("inventory") == policies.all
    assert config.subgraph_timeouts == {"inventory": 0.5}
    assert resilience.connect_timeout == 1.0
    assert resilience.pool_idle_timeout == 4.0
    assert resilience.health.detail and resilience.health.require_subgraphs
    assert policies.stats


def test_nothing_configured_builds_no_guard(tmp_path: Path) -> None:
    path = tmp_path / "router.yaml"
    path.write_text("traffic_shaping:\n  all:\n    timeout: 2s\n")
    assert load_config(path, environ={}).resilience.policies.empty


@pytest.mark.parametrize(
    ("yaml", "message"),
    [
        (
            "traffic_shaping:\n  all:\n    experimental_retry:\n      retry_percent: x\n",
            "retry_percent must be a number",
        ),
        (
            "fedgate:\n  traffic_shaping:\n    all:\n      circuit_breaker:\n"
            "        failure_rate: 2\n",
            "failure_rate must be a number between 0 and 1",
        ),
        (
            "fedgate:\n  traffic_shaping:\n    all:\n      bulkhead:\n        max_concurrent: 0\n",
            "max_concurrent",
        ),
        ("fedgate:\n  traffic_shaping:\n    all:\n      retry:\n        jitter: yes\n", "jitter"),
    ],
)
def test_bad_values_are_config_errors(tmp_path: Path, yaml: str, message: str) -> None:
    path = tmp_path / "router.yaml"
    path.write_text(yaml)
    with pytest.raises(ConfigError) as info:
        load_config(path, environ={})
    assert message in info.value.message
    assert "router.yaml" in info.value.message
