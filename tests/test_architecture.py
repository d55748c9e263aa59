"""The import rule of docs/architecture.md: data flows one way, so a stage never imports a
later one (spec ← supergraph ← composition; supergraph ← planner ← execution ← plugins ←
pipeline ← server ← cli). Checked on the source, so a violation fails here before it tangles
the code."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).parent.parent / "gateway"

# stage -> stages it may import (besides itself and the shared leaf modules)
ALLOWED: dict[str, set[str]] = {
    "spec": set(),
    "supergraph": {"spec"},
    "composition": {"spec", "supergraph"},
    "planner": {"spec", "supergraph"},
    "transport": set(),
    "resilience": {"transport"},
    "execution": {"spec", "supergraph", "planner", "transport"},
    "plugins": {"planner", "transport", "config"},
    "auth": {"spec", "supergraph", "config"},
    "edge": {"spec", "supergraph", "planner", "transport", "config"},  # plans: per-subgraph costs
    "telemetry": {"transport", "config"},
    # the entity cache (its cache-tag directives read from the supergraph SDL)
    "cache": {"supergraph", "transport", "execution", "config", "redis"},
    # shared state in Redis: the edge stores, the plan cache's tier (it sees the pipeline
    # through a protocol only)
    "redis": {"spec", "supergraph", "planner", "transport", "execution", "config", "auth", "edge"},
    # events from brokers: fields read from the supergraph, a client in front of transport
    "events": {"spec", "supergraph", "planner", "transport", "config"},
    "pipeline": {
        "spec",
        "supergraph",
        "planner",
        "transport",
        "execution",
        "config",
        "plugins",
        "auth",
        "edge",
        "telemetry",
        "cache",
        "redis",
        "events",
    },
    "subscriptions": {
        "spec",
        "supergraph",
        "planner",
        "transport",
        "execution",
        "pipeline",
        "config",
        "plugins",
        "events",
    },
    "server": {
        "telemetry",
        "spec",
        "supergraph",
        "planner",
        "transport",
        "execution",
        "pipeline",
        "config",
        "plugins",
        "subscriptions",
        "auth",
        "edge",
        "resilience",
        "cache",
        "redis",
        "events",
    },
}
LEAVES = {"errors", "error_codes", "context", "gc_pause", "side_listener", "__init__"}


def _stage(module: str) -> str | None:
    parts = module.split(".")
    if parts[0] != "gateway" or len(parts) < 2:
        return None
    return parts[1].removesuffix(".py")


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = "gateway." + ".".join(path.relative_to(PACKAGE).with_suffix("").parts)
    out: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: -node.level]
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module or ""
            out.add(module)
            out.update(f"{module}.{alias.name}" for alias in node.names)
    return out


def test_stages_import_only_earlier_stages() -> None:
    problems = []
    for path in sorted(PACKAGE.rglob("*.py")):
        stage = _stage("gateway." + ".".join(path.relative_to(PACKAGE).with_suffix("").parts))
        if stage not in ALLOWED:
            continue
        for module in _imports(path):
            target = _stage(module)
            if target is None or target == stage or target in LEAVES:
                continue
            if target in ALLOWED and target not in ALLOWED[stage]:
                problems.append(f"{path.relative_to(PACKAGE.parent)} imports {module}")
    assert not problems, "\n".join(sorted(set(problems)))
