"""The Kubernetes tools the deployment tests run, and the rendered manifests.

``scripts/install-k8s-tools.sh`` (run by ``make test``) puts ``kubectl`` and ``helm`` in
``.venv/k8s-tools`` where they are not on PATH; where it could not, it leaves the reason in
``.venv/k8s-tool-install-reason-<tool>.txt`` and ``require_tool`` skips the test with it.
``FEDGATE_REQUIRE_SERVICES=1`` turns the skip into a failure, as for the servers.
"""

from __future__ import annotations

import functools
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
KUSTOMIZE = ROOT / "deploy" / "kubernetes"
OVERLAYS = ("base", "overlays/demo", "overlays/production")
CHART = ROOT / "deploy" / "helm" / "fedgate"
# the oldest Kubernetes the manifests are for (HPA v2, PDB v1, seccompProfile); the newest
# schema kubernetes-validate bundles is checked too
K8S_VERSIONS = ("1.29.0",)

Doc = dict[str, Any]


def _kustomize_ok(kubectl: str) -> bool:
    out = subprocess.run([kubectl, "version", "--client"], capture_output=True, text=True)
    return re.search(r"Kustomize Version: v([4-9]|[1-9]\d)", out.stdout) is not None


@functools.cache
def require_tool(tool: str) -> str:
    """The path of ``tool`` (kubectl or helm), or skip the test saying why it is missing."""
    assert tool in ("kubectl", "helm"), tool
    on_path = shutil.which(tool)
    if on_path and (tool != "kubectl" or _kustomize_ok(on_path)):
        return on_path
    installed = ROOT / ".venv" / "k8s-tools" / tool
    if installed.is_file() and os.access(installed, os.X_OK):
        return str(installed)
    reason_file = ROOT / ".venv" / f"k8s-tool-install-reason-{tool}.txt"
    if reason_file.exists():
        why = reason_file.read_text().strip()
        reason = f"{tool} is not installed: scripts/install-k8s-tools.sh could not ({why})"
    else:
        reason = f"{tool} is not installed: run scripts/install-k8s-tools.sh (`make test` does)"
    if os.environ.get("FEDGATE_REQUIRE_SERVICES") == "1":
        pytest.fail(reason + " (and FEDGATE_REQUIRE_SERVICES=1)")
    pytest.skip(reason)


def run(argv: list[str]) -> str:
    result = subprocess.run(argv, capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert result.returncode == 0, f"{argv}: {result.stderr}"
    return result.stdout


@functools.cache
def kustomize(overlay: str) -> tuple[Doc, ...]:
    """``kubectl kustomize deploy/kubernetes/<overlay>``, parsed."""
    out = run([require_tool("kubectl"), "kustomize", str(KUSTOMIZE / overlay)])
    return tuple(doc for doc in yaml.safe_load_all(out) if doc)


def helm_template(*values_files: Path, release: str = "fedgate") -> tuple[Doc, ...]:
    """``helm template`` of the chart with values files (``-f``), parsed."""
    argv = [require_tool("helm"), "template", release, str(CHART)]
    for values in values_files:
        argv += ["-f", str(values)]
    return tuple(doc for doc in yaml.safe_load_all(run(argv)) if doc)


def find(docs: tuple[Doc, ...], kind: str, name: str | None = None) -> list[Doc]:
    return [
        d for d in docs if d["kind"] == kind and (name is None or d["metadata"]["name"] == name)
    ]


def one(docs: tuple[Doc, ...], kind: str, name: str) -> Doc:
    found = find(docs, kind, name)
    assert len(found) == 1, f"{kind}/{name}: {len(found)} found"
    return found[0]
