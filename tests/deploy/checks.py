"""What a rendered set of manifests (kustomize's or helm's) must satisfy beyond the schemas:
the gateway runs as the image's non-root user, its probes and ports are the ones fedgate
serves, its drain fits the pod's grace period, and its router.yaml loads in fedgate."""

from __future__ import annotations

import json
import math
import re
from pathlib import Path
from typing import Any

import httpx
import kubernetes_validate
import yaml

from gateway.config import GatewayConfig, load_config
from gateway.server.serve_env import serve_settings

from ..e2e.processes import fedgate, free_port, running
from .tools import K8S_VERSIONS, ROOT, Doc, find

DOCKERFILE = ROOT / "Dockerfile"
# the exit margin past preStop + shutdown_grace_period: the process closes its pools and
# plugins after the last request
EXIT_MARGIN = 5


def validate_schemas(docs: tuple[Doc, ...]) -> None:
    """Every manifest against the Kubernetes API schemas, strict (no unknown fields)."""
    assert docs
    for version in (*K8S_VERSIONS, kubernetes_validate.latest_version()):
        for doc in docs:
            kubernetes_validate.validate(doc, version, strict=True)


def image_user() -> int:
    """The uid the Dockerfile's final stage runs as (``USER``, created with ``--uid``)."""
    text = DOCKERFILE.read_text()
    user = re.findall(r"^USER (\S+)$", text, re.MULTILINE)[-1]
    if user.isdigit():
        return int(user)
    match = re.search(rf"--uid (\d+)[^\n]* {re.escape(user)}\b", text)
    assert match is not None, f"the Dockerfile creates no user {user} with --uid"
    return int(match.group(1))


def image_entrypoint() -> list[str]:
    match = re.search(r"^ENTRYPOINT (\[.*\])$", DOCKERFILE.read_text(), re.MULTILINE)
    assert match is not None, "the Dockerfile has no exec-form ENTRYPOINT"
    entry: list[str] = json.loads(match.group(1))
    return entry


def pod_specs(docs: tuple[Doc, ...]) -> list[Doc]:
    return [d["spec"]["template"]["spec"] for d in docs if d["kind"] == "Deployment"]


def check_hardened(docs: tuple[Doc, ...]) -> None:
    """Every pod: non-root, no privilege escalation, no capabilities, read-only root, no API
    token; the gateway's and the subgraphs' (same image) as the image's own user."""
    uid = image_user()
    assert uid != 0
    for deployment in find(docs, "Deployment"):
        spec = deployment["spec"]["template"]["spec"]
        name = deployment["metadata"]["name"]
        pod = spec["securityContext"]
        assert pod["runAsNonRoot"] is True and pod["runAsUser"] != 0, name
        assert pod["seccompProfile"] == {"type": "RuntimeDefault"}, name
        assert spec["automountServiceAccountToken"] is False, name
        for container in spec["containers"]:
            context = container["securityContext"]
            assert context["allowPrivilegeEscalation"] is False, name
            assert context["readOnlyRootFilesystem"] is True, name
            assert context["capabilities"] == {"drop": ["ALL"]}, name
            if not container["image"].startswith("redis"):
                assert pod["runAsUser"] == uid, f"{name}: not the image's user {uid}"
            assert "memory" in container["resources"]["limits"], name
            assert {"cpu", "memory"} <= set(container["resources"]["requests"]), name


def gateway(docs: tuple[Doc, ...]) -> Doc:
    found = [
        d
        for d in find(docs, "Deployment")
        if d["metadata"]["labels"].get("app.kubernetes.io/component") == "gateway"
    ]
    assert len(found) == 1, [d["metadata"]["name"] for d in found]
    return found[0]


def container(deployment: Doc) -> Doc:
    containers = deployment["spec"]["template"]["spec"]["containers"]
    assert len(containers) == 1
    found: Doc = containers[0]
    return found


def env_of(container: Doc, secrets: dict[str, str] | None = None) -> dict[str, str]:
    """The container's environment; a Secret reference gets a stand-in value (checked to
    exist by ``check_secret_references``)."""
    env: dict[str, str] = {}
    for var in container.get("env", []):
        if "value" in var:
            env[var["name"]] = str(var["value"])
        else:
            ref = var["valueFrom"]["secretKeyRef"]
            env[var["name"]] = (secrets or {}).get(ref["key"], f"test-{ref['key']}")
    return env


def mounted_files(docs: tuple[Doc, ...], deployment: Doc, directory: Path) -> dict[str, Path]:
    """The ConfigMap files the gateway mounts, written under ``directory``: mount path →
    local copy (so a container path in the env maps to a file here)."""
    spec = deployment["spec"]["template"]["spec"]
    volumes = {v["name"]: v for v in spec["volumes"]}
    files: dict[str, Path] = {}
    for mount in container(deployment)["volumeMounts"]:
        volume = volumes[mount["name"]]
        if "configMap" not in volume:
            continue
        config_map = find(docs, "ConfigMap", volume["configMap"]["name"])
        assert len(config_map) == 1, f"no ConfigMap {volume['configMap']['name']}"
        for key, content in config_map[0]["data"].items():
            local = directory / key
            local.write_text(content)
            files[f"{mount['mountPath'].rstrip('/')}/{key}"] = local
    return files


def gateway_config(docs: tuple[Doc, ...], directory: Path) -> tuple[GatewayConfig, Doc]:
    """The gateway's router.yaml loaded by fedgate's own loader, with the container's env
    (its Secret references set), and the parsed YAML."""
    deployment = gateway(docs)
    env = env_of(container(deployment))
    files = mounted_files(docs, deployment, directory)
    settings = serve_settings(
        supergraph=None, config=None, host=None, port=None, workers=None, env=env
    )
    assert settings.config in files, f"FEDGATE_CONFIG {settings.config} is not mounted"
    assert settings.supergraph in files, f"FEDGATE_SUPERGRAPH {settings.supergraph} not mounted"
    path = files[settings.config]
    return load_config(path, environ=env), yaml.safe_load(path.read_text())


def named_ports(deployment: Doc) -> dict[str, int]:
    return {p["name"]: p["containerPort"] for p in container(deployment)["ports"]}


def check_probes_and_ports(docs: tuple[Doc, ...], config: GatewayConfig) -> None:
    """Probes on fedgate's health endpoints and the port it serves them on; the GraphQL port
    is FEDGATE_PORT and the Service's target."""
    deployment = gateway(docs)
    main = container(deployment)
    ports = named_ports(deployment)
    env = env_of(main)
    settings = serve_settings(
        supergraph=None, config=None, host=None, port=None, workers=None, env=env
    )
    assert settings.host == "0.0.0.0" and ports["http"] == settings.port
    health = config.health_check
    assert health.enabled and health.host_port is not None, "probes need health_check.listen"
    assert ports["health"] == health.host_port[1] and health.host_port[0] == "0.0.0.0"
    probes = {
        kind: main[f"{kind}Probe"]["httpGet"] for kind in ("startup", "readiness", "liveness")
    }
    for probe in probes.values():
        assert probe["port"] == "health"
    assert probes["liveness"]["path"] == health.path
    assert probes["startup"]["path"] == health.path
    assert probes["readiness"]["path"] in (f"{health.path}?ready", f"{health.path}/ready")
    service = [s for s in find(docs, "Service") if s["spec"]["selector"] == selector(deployment)]
    assert len(service) == 1
    assert [p["targetPort"] for p in service[0]["spec"]["ports"]] == ["http"]


def selector(deployment: Doc) -> dict[str, str]:
    labels: dict[str, str] = deployment["spec"]["selector"]["matchLabels"]
    template = deployment["spec"]["template"]["metadata"]["labels"]
    assert labels.items() <= template.items()
    return labels


def check_drain(docs: tuple[Doc, ...], config: GatewayConfig) -> None:
    """terminationGracePeriodSeconds covers the preStop sleep, fedgate's drain
    (``fedgate.shutdown_grace_period``, whole seconds rounded up as uvicorn takes it) and an
    exit margin: the kubelet never SIGKILLs a request that the drain would have finished."""
    deployment = gateway(docs)
    spec = deployment["spec"]["template"]["spec"]
    command = container(deployment)["lifecycle"]["preStop"]["exec"]["command"]
    assert command[0] == "sleep" and len(command) == 2
    pre_stop = int(command[1])
    assert pre_stop >= 5  # long enough for endpoint removal to reach the proxies
    drain = math.ceil(config.shutdown_grace_period)
    grace = spec["terminationGracePeriodSeconds"]
    assert grace >= pre_stop + drain + EXIT_MARGIN, (grace, pre_stop, drain)
    assert grace <= pre_stop + drain + 30, "a grace period far past the drain delays rollouts"


def check_scaling(docs: tuple[Doc, ...]) -> None:
    """The HPA scales the gateway's Deployment (v2, CPU); the PDB covers its pods and leaves
    one serving at the HPA's minimum."""
    deployment = gateway(docs)
    name = deployment["metadata"]["name"]
    (hpa,) = find(docs, "HorizontalPodAutoscaler")
    target = hpa["spec"]["scaleTargetRef"]
    assert (hpa["apiVersion"], target["kind"], target["name"]) == (
        "autoscaling/v2",
        "Deployment",
        name,
    )
    assert 2 <= hpa["spec"]["minReplicas"] <= hpa["spec"]["maxReplicas"]
    # a count in the Deployment would undo the HPA's on every apply
    assert "replicas" not in deployment["spec"]
    assert "cpu" in container(deployment)["resources"]["requests"]  # utilisation needs it
    (pdb,) = find(docs, "PodDisruptionBudget")
    assert pdb["spec"]["selector"]["matchLabels"] == selector(deployment)
    assert pdb["spec"]["maxUnavailable"] < hpa["spec"]["minReplicas"]
    strategy = deployment["spec"]["strategy"]["rollingUpdate"]
    assert strategy["maxUnavailable"] == 0


def check_secret_references(docs: tuple[Doc, ...], external: set[str]) -> None:
    """Every secretKeyRef names a Secret of the render (with that key) or one the docs say
    to create (``external``); no Secret outside the demo carries a value in the repository."""
    secrets = {d["metadata"]["name"]: d for d in find(docs, "Secret")}
    for spec in pod_specs(docs):
        for c in spec["containers"]:
            for var in c.get("env", []):
                ref: dict[str, Any] | None = var.get("valueFrom", {}).get("secretKeyRef")
                if ref is None:
                    continue
                if ref["name"] in external:
                    continue
                assert ref["name"] in secrets, f"{var['name']}: no Secret {ref['name']}"
                assert ref["key"] in secrets[ref["name"]].get("data", {}), ref


def check_env_expansions(config_yaml: str, container_env: dict[str, str]) -> None:
    """Each ``${env.NAME}`` router.yaml reads (without a default) is set in the container."""
    for name, default in re.findall(r"\$\{env\.(\w+)(:-[^}]*)?\}", config_yaml):
        if not default:
            assert name in container_env, f"router.yaml reads ${{env.{name}}}; the pod lacks it"


def serve_and_probe(docs: tuple[Doc, ...], directory: Path) -> None:
    """Run ``fedgate serve`` as the pod would (the image's entry point, the container's env
    and args, the ConfigMap's files) on loopback ports, and ask each probe; the Service's
    port answers GraphQL."""
    deployment = gateway(docs)
    main = container(deployment)
    files = mounted_files(docs, deployment, directory)
    http, health = free_port(), free_port()
    config_path = next(p for mount, p in files.items() if mount.endswith("router.yaml"))
    raw = yaml.safe_load(config_path.read_text())
    raw["health_check"]["listen"] = f"127.0.0.1:{health}"  # the pod's 0.0.0.0:8088, here
    config_path.write_text(yaml.safe_dump(raw))
    env = env_of(main)
    for name, value in list(env.items()):
        env[name] = str(files.get(value, value))  # container paths → the local copies
    env |= {"FEDGATE_HOST": "127.0.0.1", "FEDGATE_PORT": str(http)}
    settings = serve_settings(
        supergraph=None, config=None, host=None, port=None, workers=None, env=env
    )
    assert Path(settings.supergraph).is_file() and settings.config == str(config_path)
    entry = image_entrypoint()
    assert entry[:2] == ["fedgate", "serve"]
    argv = fedgate(*entry[1:], *main.get("args", []))
    ports = {"health": health, "http": http}
    startup = main["startupProbe"]["httpGet"]
    start_url = f"http://127.0.0.1:{ports[startup['port']]}{startup['path']}"
    with running(argv, health_url=start_url, env=env, cwd=directory):
        for kind in ("readiness", "liveness"):
            probe = main[f"{kind}Probe"]["httpGet"]
            url = f"http://127.0.0.1:{ports[probe['port']]}{probe['path']}"
            answer = httpx.get(url, timeout=5)
            assert answer.status_code == 200 and answer.json() == {"status": "UP"}, kind
        answer = httpx.post(
            f"http://127.0.0.1:{http}/graphql", json={"query": "{ __typename }"}, timeout=10
        )
        assert answer.status_code == 200 and answer.json()["data"] == {"__typename": "Query"}
