"""Composed supergraphs compared byte for byte with Apollo's composition of the same input.

The expected files were produced by @apollo/composition 2.14 from the SDLs next to them.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from gateway.composition import CompositionSuccess, SubgraphSource, compose
from gateway.composition.api_schema import print_api_schema
from gateway.composition.config import load_config, load_sources

from .helpers import FIXTURES, SNAPSHOTS


def _compose(case: str, shuffle: bool = False) -> CompositionSuccess:
    config = load_config(FIXTURES / case / "supergraph.yaml")
    subgraph_sources = load_sources(config)
    if shuffle:
        random.Random(7).shuffle(subgraph_sources)
    result = compose(subgraph_sources, latest=config.composition.latest)
    assert isinstance(result, CompositionSuccess), result
    return result


@pytest.mark.parametrize("case", SNAPSHOTS)
def test_supergraph_matches_apollo(case: str) -> None:
    # The fixture files were written with a final newline, as `fedgate compose` writes files.
    expected = (FIXTURES / case / "expected.supergraph.graphql").read_text()
    assert _compose(case).file_text == expected


@pytest.mark.parametrize("case", SNAPSHOTS)
def test_composition_is_deterministic(case: str) -> None:
    first = _compose(case).supergraph_sdl.encode()
    assert _compose(case).supergraph_sdl.encode() == first
    assert _compose(case, shuffle=True).supergraph_sdl.encode() == first


def test_hints_report_compatible_inconsistencies() -> None:
    codes = {h.code for h in _compose("features").hints}
    assert {
        "INCONSISTENT_UNION_MEMBER",
        "INCONSISTENT_BUT_COMPATIBLE_FIELD_TYPE",
        "INCONSISTENT_INPUT_OBJECT_FIELD",
        "INCONSISTENT_ENUM_VALUE_FOR_OUTPUT_ENUM",
    } <= codes
    described = next(
        h
        for h in _compose("shared").hints
        if h.code == "INCONSISTENT_DESCRIPTION" and h.element == "Thing"
    )
    assert described.element == "Thing"
    assert described.message.startswith(
        'Element "Thing" has inconsistent descriptions across subgraphs. The supergraph will use '
        '"Desc B" (from subgraphs "b" and "c"); other descriptions: subgraph "a": "Desc A".'
    )


BENCH = Path(__file__).resolve().parents[3] / "shared" / "bench" / "supergraph"


@pytest.mark.skipif(not (BENCH / "supergraph.graphql").is_file(), reason="needs ../shared/bench")
def test_same_api_schema_as_apollo_on_the_bench_subgraphs() -> None:
    names = ("accounts", "inventory", "products", "reviews")
    sources = [
        SubgraphSource(n, f"http://127.0.0.1:4200/{n}", (BENCH / f"{n}.graphql").read_text())
        for n in names
    ]
    result = compose(sources)
    assert isinstance(result, CompositionSuccess)
    apollo = (BENCH / "supergraph.graphql").read_text()
    assert print_api_schema(result.supergraph_sdl) == print_api_schema(apollo)
    assert result.file_text == apollo  # bench/supergraph/compose.mjs adds the final newline
