"""``fedgate serve`` from the environment (containers): FEDGATE_SUPERGRAPH, FEDGATE_CONFIG,
FEDGATE_HOST, FEDGATE_PORT, FEDGATE_WORKERS and Apollo Router's two path variables; a flag
wins; a bad value is a usage error that names the variable."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from gateway.server.serve_env import ServeEnvError, serve_settings

ROOT = Path(__file__).resolve().parents[2]
NONE: dict[str, None] = dict(supergraph=None, config=None, host=None, port=None, workers=None)


def test_variables_fill_what_the_flags_leave_out() -> None:
    env = {
        "FEDGATE_SUPERGRAPH": "/etc/fedgate/supergraph.graphql",
        "FEDGATE_CONFIG": "/etc/fedgate/router.yaml",
        "FEDGATE_HOST": "0.0.0.0",
        "FEDGATE_PORT": "4000",
        "FEDGATE_WORKERS": "2",
    }
    s = serve_settings(**NONE, env=env)
    assert (s.supergraph, s.config, s.host, s.port, s.workers) == (
        "/etc/fedgate/supergraph.graphql",
        "/etc/fedgate/router.yaml",
        "0.0.0.0",
        4000,
        2,
    )


def test_a_flag_wins_over_its_variable() -> None:
    env = {"FEDGATE_SUPERGRAPH": "env.graphql", "FEDGATE_PORT": "4000", "FEDGATE_HOST": "0.0.0.0"}
    flags = dict(NONE, supergraph="flag.graphql", port=5000, host="127.0.0.1", workers=3)
    s = serve_settings(**flags, env=env)
    assert (s.supergraph, s.host, s.port, s.workers) == ("flag.graphql", "127.0.0.1", 5000, 3)


def test_apollo_router_names_and_empty_variables() -> None:
    env = {
        "FEDGATE_SUPERGRAPH": "",
        "APOLLO_ROUTER_SUPERGRAPH_PATH": "apollo.graphql",
        "APOLLO_ROUTER_CONFIG_PATH": "router.yaml",
        "FEDGATE_HOST": " ",
    }
    s = serve_settings(**NONE, env=env)
    # an empty FEDGATE_HOST leaves the choice to supergraph.listen (None here)
    assert (s.supergraph, s.config, s.host, s.port, s.workers) == (
        "apollo.graphql",
        "router.yaml",
        None,
        None,
        1,
    )


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({}, "no supergraph: pass --supergraph FILE|URL or set FEDGATE_SUPERGRAPH"),
        ({"FEDGATE_PORT": "http"}, "FEDGATE_PORT must be a whole number, got 'http'"),
        ({"FEDGATE_PORT": "70000"}, "FEDGATE_PORT must be between 1 and 65535, got 70000"),
        ({"FEDGATE_WORKERS": "0"}, "FEDGATE_WORKERS must be between 1 and 1024, got 0"),
    ],
)
def test_bad_values_say_which_variable(env: dict[str, str], message: str) -> None:
    full = {"FEDGATE_SUPERGRAPH": "s.graphql", **env} if env else env
    with pytest.raises(ServeEnvError) as caught:
        serve_settings(**NONE, env=full)
    assert str(caught.value) == message


def _serve(env: dict[str, str], *argv: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("FEDGATE_")}
    return subprocess.run(
        [sys.executable, "-m", "gateway", "serve", *argv],
        capture_output=True,
        text=True,
        env={**clean, **env},
        cwd=ROOT,
        timeout=60,
    )


def test_the_command_exits_2_with_the_message() -> None:
    result = _serve({})
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "fedgate serve: no supergraph: pass --supergraph FILE|URL or set FEDGATE_SUPERGRAPH"
    )
    result = _serve({"FEDGATE_SUPERGRAPH": "schema/supergraph.graphql", "FEDGATE_PORT": "x"})
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "FEDGATE_PORT must be a whole number, got 'x'" in result.stderr


def test_the_config_variable_is_loaded(tmp_path: Path) -> None:
    broken = tmp_path / "router.yaml"
    broken.write_text("supergraph:\n  listen: nowhere\n")
    result = _serve(
        {"FEDGATE_SUPERGRAPH": "schema/supergraph.graphql", "FEDGATE_CONFIG": str(broken)}
    )
    # the file named by the variable was read (and refused, as --config would be)
    assert result.returncode == 1 and str(broken) in result.stderr, result.stderr
