"""Generate (or check) the committed schema files in ``schema/`` from the services' code.

    python -m subgraphs.schema_files            # rewrite schema/*.graphql
    python -m subgraphs.schema_files --check    # exit 1 if any file differs from the code

``schema/<service>.graphql`` is each service's ``--print-sdl`` output.
``schema/supergraph.graphql`` is composed from ``schema/supergraph.yaml`` (rover format)
and the freshly generated SDL by ``fedgate compose`` — exactly what a user runs. The tests
also compose it with Apollo's composition (``apollo_compose``, via
``scripts/compose_with_apollo.mjs``; needs Node.js and ``@apollo/composition`` in
``--node-modules`` / ``FEDGATE_NODE_MODULES`` / ``../shared/bench/node_modules``) and check
that both give the same bytes.
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from subgraphs import SERVICE_NAMES
from subgraphs.services import SERVICES

REPO_ROOT = Path(__file__).resolve().parent.parent
SCHEMA_DIR = REPO_ROOT / "schema"
COMPOSE_SCRIPT = REPO_ROOT / "scripts" / "compose_with_apollo.mjs"
SUPERGRAPHS = {"supergraph.yaml": "supergraph.graphql"}
"""Composition config file -> composed supergraph file, both in ``schema/``."""


class ComposeUnavailable(RuntimeError):
    """Node.js or @apollo/composition is missing (for the cross-check with Apollo)."""


class ComposeFailed(RuntimeError):
    """``fedgate compose`` reported errors."""


def service_sdl_files() -> dict[str, str]:
    """``<service>.graphql`` -> the SDL the service's code prints."""
    return {f"{name}.graphql": SERVICES[name].sdl() for name in SERVICE_NAMES}


def default_node_modules() -> Path:
    configured = os.environ.get("FEDGATE_NODE_MODULES")
    if configured:
        return Path(configured)
    return REPO_ROOT.parent / "shared" / "bench" / "node_modules"


def compose_unavailable_reason(node_modules: Path | None = None) -> str | None:
    """Why composing cannot run here, or ``None`` if it can."""
    node_modules = node_modules or default_node_modules()
    if shutil.which("node") is None:
        return "Node.js (`node`) is not on PATH"
    if not (node_modules / "@apollo" / "composition").is_dir():
        return f"@apollo/composition is not installed in {node_modules}"
    return None


def compose(config: Path, output: Path) -> None:
    """``fedgate compose --config CONFIG --output OUTPUT``, run as users run it."""
    command = ["compose", "--config", str(config), "--output", str(output)]
    result = subprocess.run(
        [sys.executable, "-m", "gateway", *command],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        detail = result.stdout + result.stderr
        raise ComposeFailed(f"fedgate compose {config.name} failed:\n{detail}")


def apollo_compose(config: Path, output: Path, node_modules: Path | None = None) -> None:
    """Compose the supergraph described by ``config`` into ``output`` with Apollo's library."""
    node_modules = node_modules or default_node_modules()
    reason = compose_unavailable_reason(node_modules)
    if reason is not None:
        raise ComposeUnavailable(reason)
    result = subprocess.run(
        [
            "node",
            str(COMPOSE_SCRIPT),
            str(config),
            str(output),
            "--node-modules",
            str(node_modules),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"composition of {config.name} failed:\n{result.stderr}")


def generate_all(*, apollo: bool = False, node_modules: Path | None = None) -> dict[str, str]:
    """Every generated file of ``schema/`` (name -> content), composed in a scratch folder
    by ``fedgate compose`` (``apollo=True``: by Apollo's composition, for the cross-check;
    raises :class:`ComposeUnavailable` when that cannot run here)."""
    files = service_sdl_files()
    with tempfile.TemporaryDirectory(prefix="fedgate-schema-") as scratch:
        folder = Path(scratch)
        for name, content in files.items():
            (folder / name).write_text(content)
        for config_name, output_name in SUPERGRAPHS.items():
            shutil.copyfile(SCHEMA_DIR / config_name, folder / config_name)
            if apollo:
                apollo_compose(folder / config_name, folder / output_name, node_modules)
            else:
                compose(folder / config_name, folder / output_name)
            files[output_name] = (folder / output_name).read_text()
    return files


def differences(expected: dict[str, str], folder: Path = SCHEMA_DIR) -> list[str]:
    """Names of files in ``folder`` that are missing or differ from ``expected``."""
    return [
        name
        for name, content in expected.items()
        if not (folder / name).is_file() or (folder / name).read_text() != content
    ]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m subgraphs.schema_files", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--check", action="store_true", help="compare, do not write")
    args = parser.parse_args(argv)

    try:
        files = generate_all()
    except ComposeFailed as error:
        print(f"error: {error}", file=sys.stderr)
        return 1

    if args.check:
        stale = differences(files)
        for name in stale:
            print(f"schema/{name} differs from the code; run python -m subgraphs.schema_files")
        return 1 if stale else 0
    for name, content in files.items():
        (SCHEMA_DIR / name).write_text(content)
        print(f"wrote schema/{name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
