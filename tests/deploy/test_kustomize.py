"""deploy/kubernetes: each overlay renders with ``kubectl kustomize``, validates against the
Kubernetes API schemas (kubernetes-validate, offline), and means what fedgate does."""

from __future__ import annotations

import copy as copy_module
from collections.abc import Callable
from pathlib import Path

import kubernetes_validate
import pytest
import yaml

from subgraphs import SERVICE_NAMES, default_port
from subgraphs.services import SERVICES

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
    checks.serve_and_probe(kustomize(overlay), tmp_path)


def test_the_checks_catch_what_they_are_for(tmp_path: Path) -> None:
    """Each check fails on a manifest broken the way it guards against."""
    docs = kustomize("overlays/production")
    config, _ = checks.gateway_config(docs, tmp_path)

    def broken(change: Callable[[checks.Doc], None]) -> tuple[checks.Doc, ...]:
        copy = copy_module.deepcopy(docs)
        change(checks.gateway(copy))
        return copy

    def short_grace(d: checks.Doc) -> None:
        d["spec"]["template"]["spec"]["terminationGracePeriodSeconds"] = 30

    def as_root(d: checks.Doc) -> None:
        d["spec"]["template"]["spec"]["securityContext"]["runAsUser"] = 0

    def wrong_probe(d: checks.Doc) -> None:
        checks.container(d)["readinessProbe"]["httpGet"]["path"] = "/ready"

    def unknown_field(d: checks.Doc) -> None:
        checks.container(d)["readinesProbe"] = {}

    with pytest.raises(AssertionError):
        checks.check_drain(broken(short_grace), config)
    with pytest.raises(AssertionError):
        checks.check_hardened(broken(as_root))
    with pytest.raises(AssertionError):
        checks.check_probes_and_ports(broken(wrong_probe), config)
    with pytest.raises(kubernetes_validate.ValidationError):
        checks.validate_schemas(broken(unknown_field))
