"""Compose every planner fixture's inline SDLs with fedgate and compare with Apollo's output.

The planner tests keep only Apollo's supergraphs (``tests/planner/supergraphs/<hash>.graphql``,
keyed by a hash of the inline SDLs), so the inputs are recorded by running the planner tests
with ``harness.supergraph`` wrapped. A development check, not part of ``make test`` (it runs
the whole planner suite):

    .venv/bin/python scripts/compose_planner_fixtures.py     # exit 1 if one differs
"""

from __future__ import annotations

import difflib
import hashlib
import json
import sys
import textwrap
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from gateway.composition import CompositionSuccess, SubgraphSource, compose
from gateway.supergraph import Supergraph
from tests.planner import harness

inputs: dict[str, dict[str, str]] = {}
_original = harness.supergraph


def _recording(**subgraphs: str) -> Supergraph:
    sdls = {name: textwrap.dedent(sdl).strip() + "\n" for name, sdl in subgraphs.items()}
    key = hashlib.sha256(json.dumps(sdls, sort_keys=True).encode()).hexdigest()[:16]
    inputs[key] = sdls
    return _original(**subgraphs)


def _difference(key: str, sdls: dict[str, str]) -> str | None:
    apollo = (harness.FIXTURES / f"{key}.graphql").read_text()
    sources = [SubgraphSource(n, f"http://{n}.example/graphql", s) for n, s in sdls.items()]
    result = compose(sources)
    if not isinstance(result, CompositionSuccess):
        return "fails: " + "; ".join(f"{e.code}: {e.message[:200]}" for e in result.errors)
    if result.supergraph_sdl == apollo:
        return None
    diff = difflib.unified_diff(apollo.splitlines(), result.supergraph_sdl.splitlines(), n=0)
    return "differs: " + " | ".join(line for line in list(diff)[2:8])


def main() -> int:
    harness.supergraph = _recording  # before the test modules import it
    code = pytest.main(["-q", "-p", "no:cacheprovider", "tests/planner"])
    differing = {k: d for k, s in sorted(inputs.items()) if (d := _difference(k, s)) is not None}
    for key, difference in differing.items():
        print(f"{key}: {difference}")
    print(f"{len(inputs) - len(differing)} of {len(inputs)} planner supergraphs: same bytes")
    return 1 if differing or code != 0 else 0


if __name__ == "__main__":
    sys.exit(main())
