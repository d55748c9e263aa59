"""deploy/kubernetes: each overlay renders with ``kubectl kustomize``, validates against the
Kubernetes API schemas (kubernetes-validate, offline), and means what fedgate does."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
import yaml

from gateway.server.serve_env import serve_settings
from subgraphs import SERVICE_NAMES, default_port
from subgraphs.services import SERVICES

from ..e2e.processes import fedgate, free_port, running
from . import checks
from .tools import KUSTOMIZE, OVERLAYS, ROOT, find, kustomize, one

# Secrets each overlay's docs tell the operator to create (kubectl create secret ...)
EXTERNAL_SECRETS = {
    "base": set(),
    "overlays/demo": set(),
    "overlays/production": {"fedgate-secrets"},
}


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_renders_and_validates_against_the_kubernetes_schemas(overlay: str) -> None:
    checks.validate_schemas(kustomize(overlay))


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_pods_are_hardened_and_run_as_the_image_user(overlay: str) -> None:
    checks.check_hardened(kustomize(overlay))


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_router_yaml_loads_and_matches_probes_drain_and_scaling(
    overlay: str, tmp_path: Path
) -> None:
    docs = kustomize(overlay)
    config, raw = checks.gateway_config(docs, tmp_path)
    checks.check_probes_and_ports(docs, config)
    checks.check_drain(docs, config)
    checks.check_scaling(docs)
    checks.check_secret_references(docs, EXTERNAL_SECRETS[overlay])
    env = checks.env_of(checks.container(checks.gateway(docs)))
    checks.check_env_expansions(yaml.safe_dump(raw), env)
    assert not config.introspection if overlay != "overlays/demo" else config.introspection


def test_the_base_supergraph_is_the_example_graphs() -> None:
    copy = KUSTOMIZE / "base" / "supergraph.graphql"
    assert copy.read_text() == (ROOT / "schema" / "supergraph.graphql").read_text(), (
        "cp schema/supergraph.graphql deploy/kubernetes/base/"
    )


def test_production_carries_no_secret_and_uses_its_own_image() -> None:
    docs = kustomize("overlays/production")
    assert find(docs, "Secret") == []
    image = checks.container(checks.gateway(docs))["image"]
    assert image.startswith("registry.example.com/") and ":" in image
    assert {d["metadata"]["name"] for d in find(docs, "Deployment")} == {"fedgate"}


def test_demo_routes_every_subgraph_to_its_service(tmp_path: Path) -> None:
    docs = kustomize("overlays/demo")
    config, _ = checks.gateway_config(docs, tmp_path)
    assert set(config.subgraph_urls) == set(SERVICE_NAMES)
    for name in SERVICE_NAMES:
        port = default_port(name)
        assert config.subgraph_urls[name] == f"http://{name}:{port}/graphql"
        service = one(docs, "Service", name)
        assert [p["port"] for p in service["spec"]["ports"]] == [port]
        deployment = one(docs, "Deployment", name)
        assert service["spec"]["selector"] == checks.selector(deployment)
        sub = checks.container(deployment)
        assert sub["command"] == ["python", "-m", f"subgraphs.{name}"]
        env = checks.env_of(sub)
        prefix = SERVICES[name].env_prefix
        assert env[f"{prefix}PORT"] == str(port) and env["FEDGATE_HOST"] == "0.0.0.0"
        data = {m["mountPath"] for m in sub["volumeMounts"]}
        assert str(Path(env[f"{prefix}DB"]).parent) in data  # writable: the root is read-only
        assert checks.named_ports(deployment) == {"http": port}
        assert sub["readinessProbe"]["httpGet"] == {"path": "/health", "port": "http"}


def test_demo_redis_uses_the_generated_secret() -> None:
    docs = kustomize("overlays/demo")
    redis = checks.container(one(docs, "Deployment", "fedgate-redis"))
    assert redis["args"][:2] == ["--requirepass", "$(REDIS_PASSWORD)"]
    (secret,) = find(docs, "Secret")
    ref = redis["env"][0]["valueFrom"]["secretKeyRef"]
    assert ref["name"] == secret["metadata"]["name"]  # kustomize's hashed name, both sides
    gateway_env = checks.container(checks.gateway(docs))["env"]
    assert {"name": "REDIS_PASSWORD", "valueFrom": {"secretKeyRef": ref}} in gateway_env


@pytest.mark.parametrize("overlay", ["overlays/demo", "overlays/production"])
def test_the_rendered_gateway_serves_its_probes(overlay: str, tmp_path: Path) -> None:
    """Run ``fedgate serve`` as the pod would (the image's entry point, the container's env
    and args, the ConfigMap's files) on loopback ports, and ask each probe."""
    docs = kustomize(overlay)
    deployment = checks.gateway(docs)
    main = checks.container(deployment)
    files = checks.mounted_files(docs, deployment, tmp_path)
    http, health = free_port(), free_port()
    config_path = next(p for mount, p in files.items() if mount.endswith("router.yaml"))
    raw = yaml.safe_load(config_path.read_text())
    raw["health_check"]["listen"] = f"127.0.0.1:{health}"  # the pod's 0.0.0.0:8088, here
    config_path.write_text(yaml.safe_dump(raw))
    env = checks.env_of(main)
    for name, value in list(env.items()):
        env[name] = str(files.get(value, value))  # container paths → the local copies
    env |= {"FEDGATE_HOST": "127.0.0.1", "FEDGATE_PORT": str(http)}
    settings = serve_settings(
        supergraph=None, config=None, host=None, port=None, workers=None, env=env
    )
    assert Path(settings.supergraph).is_file() and settings.config == str(config_path)
    entry = checks.image_entrypoint()
    assert entry[:2] == ["fedgate", "serve"]
    argv = fedgate(*entry[1:], *main.get("args", []))
    ports = {"health": health, "http": http}
    startup = main["startupProbe"]["httpGet"]
    start_url = f"http://127.0.0.1:{ports[startup['port']]}{startup['path']}"
    with running(argv, health_url=start_url, env=env, cwd=tmp_path):
        for kind in ("readiness", "liveness"):
            probe = main[f"{kind}Probe"]["httpGet"]
            url = f"http://127.0.0.1:{ports[probe['port']]}{probe['path']}"
            answer = httpx.get(url, timeout=5)
            assert answer.status_code == 200 and answer.json() == {"status": "UP"}, kind
        # the Service's port is the GraphQL endpoint
        answer = httpx.post(
            f"http://127.0.0.1:{http}/graphql", json={"query": "{ __typename }"}, timeout=10
        )
        assert answer.status_code == 200 and answer.json()["data"] == {"__typename": "Query"}
