"""docs/production.md says what the repository does: its paths exist, its variables are the
ones ``fedgate serve`` reads, its drain numbers are the manifests'."""

from __future__ import annotations

import math
import re
from pathlib import Path

from gateway.server.serve_env import ENV_NAMES

from . import checks
from .tools import ROOT, kustomize

DOC = (ROOT / "docs" / "production.md").read_text()


def test_every_path_it_names_exists() -> None:
    paths = set(re.findall(r"`((?:deploy|docs|scripts|tests|bench)/[\w./-]+)`", DOC))
    assert "deploy/kubernetes/base" in paths
    for path in paths:
        assert (ROOT / path.rstrip("/")).exists(), path


def test_the_variables_are_the_ones_serve_reads() -> None:
    table = DOC.split("| variable | flag | image default |")[1].split("\n\n")[0]
    named = set(re.findall(r"`((?:FEDGATE|APOLLO_ROUTER)_\w+)`", table))
    serve = {name for names in ENV_NAMES.values() for name in names}
    extra = {"FEDGATE_HOT_RELOAD", "APOLLO_ROUTER_HOT_RELOAD", "FEDGATE_HEALTHCHECK_URL"}
    assert named == serve | extra
    assert "FEDGATE_HEALTHCHECK_URL=" in (ROOT / "Dockerfile").read_text()


def test_the_drain_numbers_are_the_manifests(tmp_path: Path) -> None:
    docs = kustomize("base")
    config, _ = checks.gateway_config(docs, tmp_path)
    deployment = checks.gateway(docs)
    pre_stop = checks.container(deployment)["lifecycle"]["preStop"]["exec"]["command"][1]
    grace = deployment["spec"]["template"]["spec"]["terminationGracePeriodSeconds"]
    assert f"`preStop: sleep {pre_stop}`" in DOC
    assert f"(`{math.ceil(config.shutdown_grace_period)}s` in the manifests" in DOC
    assert f"`terminationGracePeriodSeconds: {grace}`" in DOC
    assert f"`health_check.listen: 0.0.0.0:{checks.named_ports(deployment)['health']}`" in DOC
