"""fedgate composes every difftest corpus case to exactly the bytes Apollo's composition made.

``tests/difftest/corpus/<case>/supergraph.graphql`` is Apollo's ``supergraphSdl`` (2.14) of the
case's subgraph SDLs, written as is; this needs no Node, so it guards composition in CI.
"""

from __future__ import annotations

import pytest

from tests.difftest.corpus.compose import SUPERGRAPH, case_dirs, fedgate_compose, subgraph_sdls

CASES = {case.name: case for case in case_dirs()}


def test_the_corpus_is_there() -> None:
    assert len(CASES) >= 40


@pytest.mark.parametrize("name", sorted(CASES))
def test_fedgate_composes_apollos_bytes(name: str) -> None:
    case = CASES[name]
    assert fedgate_compose(subgraph_sdls(case)) == (case / SUPERGRAPH).read_text()
