"""The corpus of supergraphs the differential tester runs over.

- ``tests/difftest/corpus/<case>/supergraph.graphql`` (+ optional ``queries/*.graphql``),
- the planner tests' supergraphs (``tests/planner/supergraphs/*.graphql``),
- the example graph (``schema/supergraph.graphql``) and the benchmark graph
  (``tests/fixtures/bench_supergraph.graphql``, with its heavy query).

Case ids are URL-safe (the data server routes ``/<case>/<subgraph>``) and stable, so a
regression file names its supergraph by id and path.
"""

from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass
from pathlib import Path

__all__ = ["ROOT", "Case", "HandQuery", "discover", "load_case"]

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "tests" / "difftest" / "corpus"


@dataclass(frozen=True, slots=True)
class HandQuery:
    name: str
    text: str


@dataclass(frozen=True, slots=True)
class Case:
    id: str
    path: str  # the supergraph file, relative to the repository root
    queries: tuple[HandQuery, ...] = ()

    @property
    def sdl(self) -> str:
        return (ROOT / self.path).read_text(encoding="utf-8")


def _safe(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]", "_", name)


def _queries(folder: Path) -> tuple[HandQuery, ...]:
    if not folder.is_dir():
        return ()
    return tuple(
        HandQuery(p.stem, p.read_text(encoding="utf-8")) for p in sorted(folder.glob("*.graphql"))
    )


def _relative(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def discover(pattern: str = "*") -> list[Case]:
    """Every case whose id matches the glob ``pattern`` (comma-separated globs allowed)."""
    cases: list[Case] = []
    if CORPUS.is_dir():
        for folder in sorted(CORPUS.iterdir()):
            supergraph = folder / "supergraph.graphql"
            if supergraph.is_file():
                cases.append(
                    Case(
                        f"corpus-{_safe(folder.name)}",
                        _relative(supergraph),
                        _queries(folder / "queries"),
                    )
                )
    for path in sorted((ROOT / "tests" / "planner" / "supergraphs").glob("*.graphql")):
        cases.append(Case(f"planner-{_safe(path.stem)}", _relative(path)))
    cases.append(Case("example", "schema/supergraph.graphql"))
    heavy = HandQuery("heavy", (ROOT / "tests" / "fixtures" / "heavy.graphql").read_text())
    cases.append(Case("bench", "tests/fixtures/bench_supergraph.graphql", (heavy,)))
    globs = [g.strip() for g in pattern.split(",") if g.strip()]
    return [c for c in cases if any(fnmatch.fnmatchcase(c.id, g) for g in globs)]


def load_case(case_id: str, path: str) -> Case:
    """The case a regression file names (by id and supergraph path)."""
    return Case(case_id, path)
