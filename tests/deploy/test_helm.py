"""deploy/helm/fedgate: ``helm lint`` passes and ``helm template`` renders, with the default
values (production) and values-demo.yaml, manifests that validate against the Kubernetes
schemas and pass the same checks as the kustomize overlays."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from subgraphs import SERVICE_NAMES, default_port
from subgraphs.services import SERVICES

from . import checks
from .tools import CHART, ROOT, find, helm_template, one, require_tool, run

DEMO = CHART / "values-demo.yaml"
SECRET_VALUES = {
    "secretEnv": {"FEDGATE_SUBGRAPH_TOKEN": {"name": "fedgate-secrets", "key": "subgraph-token"}},
    "config": {
        "headers": {
            "all": {
                "request": [
                    {
                        "insert": {
                            "name": "x-gateway-token",
                            "value": "${env.FEDGATE_SUBGRAPH_TOKEN}",
                        }
                    }
                ]
            }
        }
    },
}


def renders(tmp_path: Path) -> dict[str, tuple[checks.Doc, ...]]:
    secret_values = tmp_path / "secret-values.yaml"
    secret_values.write_text(yaml.safe_dump(SECRET_VALUES))
    return {
        "default": helm_template(),
        "demo": helm_template(DEMO),
        "secrets": helm_template(secret_values),
    }


def test_helm_lint_passes() -> None:
    helm = require_tool("helm")
    for extra in ([], ["-f", str(DEMO)]):
        out = run([helm, "lint", "--strict", str(CHART), *extra])
        assert "0 chart(s) failed" in out


def test_renders_and_validates_against_the_kubernetes_schemas(tmp_path: Path) -> None:
    for docs in renders(tmp_path).values():
        checks.validate_schemas(docs)


def test_same_checks_as_the_kustomize_overlays(tmp_path: Path) -> None:
    external = {"default": set(), "demo": set(), "secrets": {"fedgate-secrets"}}
    for name, docs in renders(tmp_path).items():
        directory = tmp_path / name
        directory.mkdir()
        checks.check_hardened(docs)
        config, raw = checks.gateway_config(docs, directory)
        checks.check_probes_and_ports(docs, config)
        checks.check_drain(docs, config)
        checks.check_scaling(docs)
        checks.check_secret_references(docs, external[name])
        env = checks.env_of(checks.container(checks.gateway(docs)))
        checks.check_env_expansions(yaml.safe_dump(raw), env)
        assert config.introspection == (name == "demo")


def test_the_chart_supergraph_is_the_example_graphs() -> None:
    copy = CHART / "files" / "supergraph.graphql"
    assert copy.read_text() == (ROOT / "schema" / "supergraph.graphql").read_text(), (
        "cp schema/supergraph.graphql deploy/helm/fedgate/files/"
    )


def test_the_drain_follows_the_values(tmp_path: Path) -> None:
    values = tmp_path / "drain.yaml"
    values.write_text("shutdown: {preStopSleepSeconds: 7, gracePeriodSeconds: 40}\n")
    docs = helm_template(values)
    config, _ = checks.gateway_config(docs, tmp_path)
    assert config.shutdown_grace_period == 40
    spec = checks.gateway(docs)["spec"]["template"]["spec"]
    assert spec["terminationGracePeriodSeconds"] == 7 + 40 + 10
    checks.check_drain(docs, config)


def test_a_supergraph_url_replaces_the_file(tmp_path: Path) -> None:
    values = tmp_path / "url.yaml"
    values.write_text("supergraphUrl: https://graph.example.com/supergraph.graphql\n")
    docs = helm_template(values)
    (config_map,) = find(docs, "ConfigMap")
    assert set(config_map["data"]) == {"router.yaml"}
    env = checks.env_of(checks.container(checks.gateway(docs)))
    assert env["FEDGATE_SUPERGRAPH"] == "https://graph.example.com/supergraph.graphql"


def test_demo_subgraphs_and_redis(tmp_path: Path) -> None:
    docs = helm_template(DEMO)
    config, _ = checks.gateway_config(docs, tmp_path)
    for name in SERVICE_NAMES:
        port = default_port(name)
        assert config.subgraph_urls[name] == f"http://{name}:{port}/graphql"
        service = one(docs, "Service", name)
        assert [p["port"] for p in service["spec"]["ports"]] == [port]
        deployment = one(docs, "Deployment", name)
        env = checks.env_of(checks.container(deployment))
        assert env[f"{SERVICES[name].env_prefix}PORT"] == str(port)
    redis = checks.container(one(docs, "Deployment", "fedgate-redis"))
    assert redis["args"][:2] == ["--requirepass", "$(REDIS_PASSWORD)"]
    one(docs, "Secret", "fedgate-redis")


@pytest.mark.parametrize("release", ["fedgate", "graph"])
def test_names_follow_the_release(release: str) -> None:
    docs = helm_template(release=release)
    expected = "fedgate" if release == "fedgate" else "graph-fedgate"
    assert checks.gateway(docs)["metadata"]["name"] == expected
    (hpa,) = find(docs, "HorizontalPodAutoscaler")
    assert hpa["spec"]["scaleTargetRef"]["name"] == expected


def test_the_rendered_gateway_serves_its_probes(tmp_path: Path) -> None:
    checks.serve_and_probe(helm_template(), tmp_path)
