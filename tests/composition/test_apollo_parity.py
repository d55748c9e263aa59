"""Parity with @apollo/composition, run only when Node and the bench's node_modules exist."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from .error_cases import CASES
from .helpers import FIXTURES, SNAPSHOTS

BENCH = Path(__file__).resolve().parents[3] / "shared" / "bench"
COMPOSITION = BENCH / "node_modules" / "@apollo" / "composition"
SCRIPT = """
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
const require = createRequire(process.argv[3] + '/package.json');
const { parse } = require('graphql');
const { composeServices } = require('@apollo/composition');
const inputs = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const out = inputs.map((subgraphs) => {
  try {
    const services = subgraphs.map(([name, url, sdl]) => ({ name, url, typeDefs: parse(sdl) }));
    const r = composeServices(services);
    return { codes: (r.errors ?? []).map((e) => e.extensions?.code), sdl: r.supergraphSdl };
  } catch (e) {
    return { codes: ['INVALID_GRAPHQL'], sdl: null };
  }
});
console.log(JSON.stringify(out));
"""

pytestmark = [
    pytest.mark.node,
    pytest.mark.skipif(
        shutil.which("node") is None or not COMPOSITION.is_dir(),
        reason="needs node and @apollo/composition in ../shared/bench",
    ),
]


def _apollo(inputs: list[list[tuple[str, str, str]]], tmp_path: Path) -> list[dict[str, object]]:
    script = tmp_path / "compose.mjs"
    script.write_text(SCRIPT)
    data = tmp_path / "inputs.json"
    data.write_text(json.dumps(inputs))
    done = subprocess.run(
        ["node", str(script), str(data), str(BENCH)],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    result: list[dict[str, object]] = json.loads(done.stdout)
    return result


def test_apollo_reports_the_same_error_codes(tmp_path: Path) -> None:
    cases = [c for c in CASES if c.apollo]
    inputs = [[(n, f"http://{n}", sdl) for n, sdl in c.sdls.items()] for c in cases]
    for case, answer in zip(cases, _apollo(inputs, tmp_path), strict=True):
        assert case.code in answer["codes"], (case.code, answer["codes"])  # type: ignore[operator]


def test_snapshot_fixtures_are_apollo_output(tmp_path: Path) -> None:
    from gateway.composition.config import load_config, load_sources

    cases = SNAPSHOTS
    inputs = []
    for case in cases:
        config = load_config(FIXTURES / case / "supergraph.yaml")
        inputs.append([(s.name, s.url, s.sdl) for s in load_sources(config)])
    for case, answer in zip(cases, _apollo(inputs, tmp_path), strict=True):
        expected = (FIXTURES / case / "expected.supergraph.graphql").read_text()
        assert str(answer["sdl"]).rstrip("\n") == expected.rstrip("\n"), case


def test_apollo_gives_the_same_satisfiability_verdicts(tmp_path: Path) -> None:
    from .test_satisfiability import CASES as SATISFIABILITY

    inputs = [
        [(n, f"http://{n}", sdl) for n, sdl in sdls.items()] for sdls, _ in SATISFIABILITY.values()
    ]
    answers = _apollo(inputs, tmp_path)
    for (name, (_, codes)), answer in zip(SATISFIABILITY.items(), answers, strict=True):
        assert sorted(answer["codes"]) == sorted(codes), name  # type: ignore[arg-type]


def test_apollo_gives_the_same_external_verdicts(tmp_path: Path) -> None:
    from .test_requires_external import CASES as EXTERNAL

    inputs = [[(n, f"http://{n}", sdl) for n, sdl in sdls.items()] for sdls, _ in EXTERNAL.values()]
    answers = _apollo(inputs, tmp_path)
    for (name, (_, messages)), answer in zip(EXTERNAL.items(), answers, strict=True):
        codes = [m.split(" for @")[1].split("(")[0] for m in messages]
        expected = [f"{c.upper()}_FIELDS_MISSING_EXTERNAL" for c in codes]
        assert answer["codes"] == expected, name


def test_apollo_gives_the_same_context_selection_verdicts(tmp_path: Path) -> None:
    from .test_context_selection import CASES as SELECTIONS
    from .test_context_selection import sdl

    answers = _apollo([[("a", "http://a", sdl(name))] for name in SELECTIONS], tmp_path)
    for (name, (_, ends)), answer in zip(SELECTIONS.items(), answers, strict=True):
        assert answer["codes"] == ["CONTEXT_INVALID_SELECTION"] * len(ends), name


def test_apollo_gives_the_same_transitive_auth_verdicts(tmp_path: Path) -> None:
    from .test_auth_requires import CASES as AUTH
    from .test_auth_requires import CODE

    inputs = [[(n, f"http://{n}", sdl) for n, sdl in sdls.items()] for sdls, _ in AUTH.values()]
    answers = _apollo(inputs, tmp_path)
    for (name, (_, transitive)), answer in zip(AUTH.items(), answers, strict=True):
        assert answer["codes"] == ([] if transitive is None else [CODE]), name
