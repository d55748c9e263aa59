"""docs/authentication.md's configuration example loads, with the values it shows."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from gateway.config import load_config
from gateway.errors import ConfigError

DOC = Path(__file__).parents[2] / "docs" / "authentication.md"


def test_the_documented_config_loads(tmp_path: Path) -> None:
    block = re.search(r"```yaml\n(.*?)```", DOC.read_text(), re.DOTALL)
    assert block is not None
    path = tmp_path / "router.yaml"
    path.write_text(block.group(1))
    config = load_config(path, environ={})
    jwt = config.authentication
    assert jwt is not None
    assert [j.url for j in jwt.jwks] == [
        "https://idp.example.com/.well-known/jwks.json",
        "file:///etc/fedgate/hmac-jwks.json",
    ]
    assert jwt.jwks[0].issuers == ("https://idp.example.com/",)
    assert jwt.jwks[0].headers == (("User-Agent", "fedgate"),)
    assert [(s.kind, s.name) for s in jwt.sources] == [
        ("header", "authorization"),
        ("cookie", "authz"),
        ("header", "x-authorization"),
    ]
    assert jwt.clock_skew == 60 and jwt.min_refresh_interval == 10
    assert config.authorization.enabled and config.authorization.response == "errors"


def test_a_prefix_with_whitespace_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "router.yaml"
    path.write_text(
        "authentication:\n  router:\n    jwt:\n      jwks:\n        - url: file:///k.json\n"
        "      header_value_prefix: 'Bear er'\n"
    )
    with pytest.raises(ConfigError, match=r"router\.yaml:6: .*whitespace"):
        load_config(path, environ={})
