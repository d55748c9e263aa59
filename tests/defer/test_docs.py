"""docs/defer.md's config example loads to what it says (and validates with ``fedgate
config validate``); ``defer_support`` is on by default and a wrong value is a coded error."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from gateway.cli import main
from gateway.config import GatewayConfig, load_config
from gateway.errors import ConfigError
from tests.e2e.processes import ROOT


def _example() -> str:
    page = (ROOT / "docs" / "defer.md").read_text()
    found = re.search(r"```yaml\n(.*?)```", page, re.S)
    assert found is not None
    return found.group(1)


def test_the_docs_example_loads(tmp_path: Path) -> None:
    path = tmp_path / "router.yaml"
    path.write_text(_example())
    assert load_config(path, environ={}).defer.enabled is True
    assert main(["config", "validate", str(path)]) == 0


def test_on_by_default_and_off_when_false(tmp_path: Path) -> None:
    assert GatewayConfig().defer.enabled is True
    path = tmp_path / "router.yaml"
    path.write_text("supergraph:\n  defer_support: false\n")
    assert load_config(path, environ={}).defer.enabled is False


def test_a_wrong_value_is_a_config_error(tmp_path: Path) -> None:
    path = tmp_path / "router.yaml"
    path.write_text("supergraph:\n  defer_support: sometimes\n")
    with pytest.raises(ConfigError, match="defer_support"):
        load_config(path, environ={})
