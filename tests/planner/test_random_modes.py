"""Random valid operations on every composed supergraph of the golden tests, the benchmark and
the demo graph: each subgraph operation must be valid for its subgraph (the generated subgraphs
validate every request) and both plan modes must answer the same (``modes.py``). A fixed seed
per supergraph keeps the sample reproducible; the failures it found are golden tests now
(``test_subgraph_operations.py``)."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from graphql import parse, validate

from gateway.errors import PlanningError
from gateway.supergraph import load_supergraph

from .modes import check_modes
from .random_operations import random_operation

HERE = Path(__file__).parent
ROOT = HERE.parent.parent
SUPERGRAPHS = [
    *sorted((HERE / "supergraphs").glob("*.graphql")),
    ROOT / "tests" / "fixtures" / "bench_supergraph.graphql",
    ROOT / "schema" / "supergraph.graphql",
]
PER_SUPERGRAPH = 4


@pytest.mark.parametrize("path", SUPERGRAPHS, ids=lambda p: p.stem)
def test_random_operations_answer_alike_in_both_modes(path: Path) -> None:
    sg = load_supergraph(path.read_text())
    rng = random.Random(path.stem)
    checked = 0
    for _ in range(PER_SUPERGRAPH * 3):
        query = random_operation(sg.api_schema, rng)
        document = parse(query)
        if validate(sg.api_schema, document):
            continue  # e.g. two aliases that do not merge: not a valid operation
        try:
            check_modes(sg, document, None, notes=True)
        except PlanningError:
            continue  # no plan can satisfy it: refusing is right (tests/planner/test_unsatisfiable)
        except AssertionError as error:
            raise AssertionError(f"{query}\n{error}") from None
        checked += 1
        if checked == PER_SUPERGRAPH:
            break
