"""Recompose the differential-test corpus with Apollo's composition.

Each case is a directory holding one ``<subgraph>.graphql`` SDL per subgraph and the
``supergraph.graphql`` that Apollo's composition made of them (``scripts/apollo_compose.mjs``;
routing URLs are ``http://<name>.example/graphql``). Run from the repository root:

    .venv/bin/python -m tests.difftest.corpus.compose            # rewrite every supergraph
    .venv/bin/python -m tests.difftest.corpus.compose --check    # fail if one is stale
    .venv/bin/python -m tests.difftest.corpus.compose --fedgate  # compare with fedgate compose

Needs Node and ``../shared/bench/node_modules`` (``../shared/bench/setup.sh``) except for
``--fedgate`` alone, which only reports.
"""

from __future__ import annotations

import argparse
import difflib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from gateway.composition import CompositionSuccess, SubgraphSource, compose

CORPUS = Path(__file__).parent
ROOT = CORPUS.parents[2]
NODE_MODULES = ROOT.parent / "shared" / "bench" / "node_modules"
SUPERGRAPH = "supergraph.graphql"


def case_dirs() -> list[Path]:
    return sorted(p for p in CORPUS.iterdir() if p.is_dir() and (p / SUPERGRAPH).exists())


def subgraph_sdls(case: Path) -> dict[str, str]:
    """The SDL of each subgraph of a case, by subgraph name (the file's stem)."""
    files = sorted(p for p in case.glob("*.graphql") if p.name != SUPERGRAPH)
    return {p.stem: p.read_text() for p in files}


def queries(case: Path) -> dict[str, str]:
    return {p.name: p.read_text() for p in sorted((case / "queries").glob("*.graphql"))}


def node_available() -> bool:
    return shutil.which("node") is not None and NODE_MODULES.is_dir()


def apollo_compose(sdls: dict[str, str]) -> str:
    """The supergraph Apollo's composition makes; raises with its errors when it fails."""
    return apollo_compose_many({"case": sdls})["case"]


def apollo_compose_many(cases: dict[str, dict[str, str]]) -> dict[str, str]:
    """Each case's supergraph, composed in one Node process; raises if one fails."""
    node = shutil.which("node")
    if node is None or not NODE_MODULES.is_dir():
        raise RuntimeError("needs node and ../shared/bench/node_modules (../shared/bench/setup.sh)")
    done = subprocess.run(
        [node, str(CORPUS / "compose_cases.mjs")],
        input=json.dumps(cases),
        capture_output=True,
        text=True,
        env=dict(os.environ, NODE_PATH=str(NODE_MODULES)),
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"node failed:\n{done.stderr}")
    results: dict[str, dict[str, object]] = json.loads(done.stdout)
    failed = {name: r["errors"] for name, r in results.items() if "errors" in r}
    if failed:
        raise RuntimeError(f"composition failed: {json.dumps(failed, indent=1)}")
    return {name: str(r["supergraph"]) for name, r in results.items()}


def fedgate_compose(sdls: dict[str, str]) -> str:
    """fedgate's own composition of the same SDLs (same URLs as the Apollo script)."""
    sources = [
        SubgraphSource(name, f"http://{name}.example/graphql", sdl) for name, sdl in sdls.items()
    ]
    result = compose(sources)
    if isinstance(result, CompositionSuccess):
        return result.supergraph_sdl
    raise RuntimeError("\n".join(f"{e.code}: {e.message}" for e in result.errors))


def _recompose(check: bool) -> int:
    stale = 0
    cases = case_dirs()
    composed = apollo_compose_many({case.name: subgraph_sdls(case) for case in cases})
    for case in cases:
        text = composed[case.name]
        path = case / SUPERGRAPH
        if path.read_text() != text:
            stale += 1
            print(f"{case.name}: {'stale' if check else 'rewritten'}")
            if not check:
                path.write_text(text)
    return 1 if check and stale else 0


def _compare_fedgate() -> int:
    for case in case_dirs():
        try:
            ours = fedgate_compose(subgraph_sdls(case))
        except RuntimeError as error:
            print(f"{case.name}: fedgate fails: {str(error).splitlines()[0]}")
            continue
        print(f"{case.name}: {_difference(ours, (case / SUPERGRAPH).read_text())}")
    return 0


def _difference(ours: str, apollo: str) -> str:
    if ours == apollo:
        return "same bytes"
    if ours.rstrip("\n") == apollo.rstrip("\n"):
        return "same but for the final newline"
    changed = [
        line
        for line in difflib.unified_diff(apollo.splitlines(), ours.splitlines(), lineterm="")
        if line[:1] in "+-" and line[:3] not in ("+++", "---")
    ]
    return f"differs ({len(changed)} lines): {' | '.join(changed[:4])}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--check", action="store_true", help="fail if a supergraph is stale")
    parser.add_argument("--fedgate", action="store_true", help="compare fedgate's composition")
    parser.add_argument("case", nargs="?", help="compose this new case directory only")
    args = parser.parse_args(argv)
    if args.fedgate:
        return _compare_fedgate()
    if args.case:
        case = CORPUS / args.case
        (case / SUPERGRAPH).write_text(apollo_compose(subgraph_sdls(case)))
        return 0
    return _recompose(args.check)


if __name__ == "__main__":
    sys.exit(main())
