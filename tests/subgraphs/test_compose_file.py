"""docker-compose.yml and the Dockerfile are consistent with the code (no Docker engine).

The structure is checked here in Python; ``docker-compose config`` (Debian's
docker-compose package) validates the file against the Compose schema when installed.
"""

import importlib.util
import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from subgraphs import SERVICE_NAMES, default_port
from subgraphs.common.service import parse_args
from subgraphs.services import SERVICES

REPO_ROOT = Path(__file__).resolve().parents[2]
COMPOSE_FILE = REPO_ROOT / "docker-compose.yml"
DOCKERFILE = REPO_ROOT / "Dockerfile"
APP_DIR = "/app"  # WORKDIR of the Dockerfile


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    loaded = yaml.safe_load(COMPOSE_FILE.read_text())
    assert isinstance(loaded, dict)
    return loaded


def runnable_module(module: str) -> bool:
    """Whether ``python -m module`` would find something to run."""
    spec = importlib.util.find_spec(module)
    if spec is None:
        return False
    if spec.submodule_search_locations is not None:  # a package: needs __main__
        return importlib.util.find_spec(f"{module}.__main__") is not None
    return True


GATEWAYS = ("gateway", "gateway-2")


def default_services(compose: dict[str, Any]) -> dict[str, Any]:
    """The services `docker compose up` starts (the observability profile's are extra)."""
    return {k: v for k, v in compose["services"].items() if "profiles" not in v}


def ours(compose: dict[str, Any]) -> dict[str, Any]:
    """The containers of this repository's image (Redis is the upstream image)."""
    return {k: v for k, v in default_services(compose).items() if k != "redis"}


def test_one_container_per_service_two_gateways_and_redis(compose: dict[str, Any]) -> None:
    assert set(default_services(compose)) == {*SERVICE_NAMES, *GATEWAYS, "redis"}


def test_all_containers_share_the_one_image(compose: dict[str, Any]) -> None:
    images = {spec["image"] for spec in ours(compose).values()}
    assert len(images) == 1
    for spec in ours(compose).values():
        assert spec["build"] == "."
    assert "FROM python:3.11" in DOCKERFILE.read_text()


def test_redis_is_a_cache_the_gateways_wait_for(compose: dict[str, Any]) -> None:
    redis = compose["services"]["redis"]
    assert redis["image"].startswith("redis:")
    command = redis["command"]
    assert command[0] == "redis-server"
    assert command[command.index("--save") + 1] == "" and "ports" not in redis
    assert redis["healthcheck"]["test"] == ["CMD", "redis-cli", "ping"]
    for name in GATEWAYS:
        assert compose["services"][name]["depends_on"]["redis"] == {"condition": "service_healthy"}


@pytest.mark.parametrize("name", SERVICE_NAMES)
def test_service_container(compose: dict[str, Any], name: str) -> None:
    spec = compose["services"][name]
    port = default_port(name)

    # the image's entry point is the gateway: a service replaces it
    command = spec["entrypoint"]
    assert "command" not in spec
    assert command[:2] == ["python", "-m"] and command[2] == f"subgraphs.{name}"
    assert runnable_module(command[2])

    environment = {key: str(value) for key, value in spec["environment"].items()}
    prefix = SERVICES[name].env_prefix
    db_path = environment[f"{prefix}DB"]
    assert db_path == f"/data/{name}.sqlite3"

    # The environment configures the service as intended (read by its own parser).
    with pytest.MonkeyPatch.context() as patch:
        for key in list(environment):
            patch.setenv(key, environment[key].replace("${FEDGATE_LOG_LEVEL:-info}", "info"))
        args = parse_args(SERVICES[name], command[3:])
    assert (args.host, args.port, args.db) == ("0.0.0.0", port, db_path)

    volume, mount = spec["volumes"][0].split(":")[:2]
    assert mount == "/data"
    assert volume == f"{name}-data"
    assert volume in compose["volumes"]

    assert spec["ports"] == [f"127.0.0.1:{port}:{port}"]

    check = spec["healthcheck"]
    assert check["test"][:4] == ["CMD", "python", "-m", "subgraphs.healthcheck"]
    assert runnable_module(check["test"][3])
    assert check["test"][4] == f"http://127.0.0.1:{port}/health"
    assert {"interval", "timeout", "retries"} <= set(check)


def test_each_service_has_its_own_volume(compose: dict[str, Any]) -> None:
    volumes = [compose["services"][name]["volumes"][0].split(":")[0] for name in SERVICE_NAMES]
    assert len(set(volumes)) == len(SERVICE_NAMES)


def image_entrypoint() -> list[str]:
    match = re.search(r"^ENTRYPOINT (\[.*\])$", DOCKERFILE.read_text(), re.MULTILINE)
    assert match is not None
    entry: list[str] = json.loads(match.group(1))
    return entry


def image_env() -> dict[str, str]:
    """The final stage's ``ENV NAME=value`` pairs (continued lines joined)."""
    final = DOCKERFILE.read_text().split("\nFROM ")[-1].replace("\\\n", " ")
    pairs: dict[str, str] = {}
    for line in re.findall(r"^ENV (.*)$", final, re.MULTILINE):
        pairs.update(item.split("=", 1) for item in line.split())
    return pairs


@pytest.mark.parametrize("name", GATEWAYS)
def test_gateway_container(compose: dict[str, Any], name: str) -> None:
    spec = compose["services"][name]
    assert "entrypoint" not in spec  # the image's: fedgate serve
    env = image_env()
    supergraph = env["FEDGATE_SUPERGRAPH"]
    assert supergraph.startswith(APP_DIR + "/")
    assert (REPO_ROOT / supergraph.removeprefix(APP_DIR + "/")).is_file()
    assert (env["FEDGATE_HOST"], env["FEDGATE_PORT"]) == ("0.0.0.0", "4000")
    host_port = {"gateway": 4000, "gateway-2": 4100}[name]
    assert spec["ports"] == [f"127.0.0.1:{host_port}:4000"]

    # The supergraph routes to 127.0.0.1; in compose every subgraph is reached by name.
    routed = re.findall(
        r'@join__graph\(name: "(\w+)", url: "([^"]+)"\)',
        (REPO_ROOT / supergraph.removeprefix(APP_DIR + "/")).read_text(),
    )
    assert sorted(name for name, _ in routed) == sorted(SERVICE_NAMES)
    for subgraph, _ in routed:
        url = spec["environment"][f"FEDGATE_SUBGRAPH_{subgraph.upper()}_URL"]
        assert url == f"http://{subgraph}:{default_port(subgraph)}/graphql"

    expected = {n: {"condition": "service_healthy"} for n in (*SERVICE_NAMES, "redis")}
    assert spec["depends_on"] == expected
    assert spec["healthcheck"]["test"] == [
        "CMD",
        "python",
        "-m",
        "subgraphs.healthcheck",
        "http://127.0.0.1:4000/health/ready",
    ]


def test_gateway_command_is_a_valid_fedgate_command(compose: dict[str, Any]) -> None:
    from gateway.cli import build_parser
    from gateway.server.serve_env import serve_settings

    for name in (*GATEWAYS, "gateway-observed"):
        command = [*image_entrypoint(), *compose["services"][name]["command"]]
        assert command[:2] == ["fedgate", "serve"]
        args = build_parser().parse_args(command[1:])
        settings = serve_settings(
            supergraph=args.supergraph,
            config=args.config,
            host=args.host,
            port=args.port,
            workers=args.workers,
            env=image_env(),
        )
        assert (args.command, settings.host, settings.port) == ("serve", "0.0.0.0", 4000)
        assert settings.supergraph == f"{APP_DIR}/schema/supergraph.graphql"
        assert args.dev == (name != "gateway-observed")  # the compose file is the demo


def test_fedgate_console_script_exists() -> None:
    pyproject = (REPO_ROOT / "pyproject.toml").read_text()
    match = re.search(r'^fedgate = "([\w.]+):(\w+)"$', pyproject, re.MULTILINE)
    assert match is not None
    module = importlib.import_module(match.group(1))
    assert callable(getattr(module, match.group(2)))


def test_dockerfile_ships_what_the_containers_run() -> None:
    dockerfile = DOCKERFILE.read_text()
    assert f"WORKDIR {APP_DIR}" in dockerfile
    for folder in ("gateway", "subgraphs", "schema"):
        assert f"COPY {folder} ./{folder}" in dockerfile
    assert "VOLUME" in dockerfile and "/data" in dockerfile
    # the services' containers write their SQLite files there as the image's user
    assert re.search(r"chown fedgate:fedgate /data", dockerfile)
    ignored = (REPO_ROOT / ".dockerignore").read_text().split()
    for needed in ("gateway", "subgraphs", "schema", "pyproject.toml", "README.md"):
        assert needed not in ignored


@pytest.mark.skipif(shutil.which("docker-compose") is None, reason="docker-compose not installed")
def test_docker_compose_config_validates() -> None:
    result = subprocess.run(
        ["docker-compose", "-f", str(COMPOSE_FILE), "config", "--quiet"],
        capture_output=True,
        text=True,
        cwd=REPO_ROOT,
        check=False,
    )
    assert result.returncode == 0, result.stderr
