"""The scale benchmark's generator (bench/scale_graph.py), at a small size and untimed: the
generated subgraphs compose (ours, and Apollo's composition gives the same bytes), the
supergraph loads, and the generated operation is valid, has the asked number of fields and
plans into fetches to at least the asked number of subgraphs. The timings are
``make bench-scale``'s."""

from __future__ import annotations

import re
import shutil

import pytest
from graphql import FieldNode, parse, validate, visit
from graphql.language import Visitor

from bench.scale_graph import generate, operation
from gateway.composition import CompositionSuccess, compose
from gateway.planner import Planner
from gateway.supergraph import load_supergraph

from .harness import NODE_MODULES, _compose

SUBGRAPHS, TYPES, FIELDS, REACH = 12, 240, 40, 9


def _supergraph_sdl() -> str:
    result = compose(generate(SUBGRAPHS, TYPES).sources())
    assert isinstance(result, CompositionSuccess), [e.message for e in result.errors][:5]
    return result.supergraph_sdl


def _count_fields(query: str) -> int:
    class Count(Visitor):
        n = 0

        def enter_field(self, node: FieldNode, *_: object) -> None:
            Count.n += 1

    visit(parse(query), Count())
    return Count.n


def test_generated_federation_has_the_shapes_asked_for() -> None:
    graph = generate(SUBGRAPHS, TYPES)
    sdl = "\n".join(graph.sdl(g) for g in range(SUBGRAPHS))
    for shape in ("@requires(", "@provides(", "@shareable", "resolvable: false", "implements "):
        assert shape in sdl, shape
    for prefix in ("union U", "enum Status", "input Filter", "interface I"):
        assert prefix in sdl, prefix
    supergraph = load_supergraph(_supergraph_sdl())
    assert len(supergraph.graphs) == SUBGRAPHS
    assert len(supergraph.types) == TYPES + 1  # and Query


def test_generated_operation_plans_over_the_subgraphs_it_reaches() -> None:
    supergraph = load_supergraph(_supergraph_sdl())
    query = operation(generate(SUBGRAPHS, TYPES), FIELDS, REACH)
    document = parse(query)
    assert validate(supergraph.api_schema, document) == []
    assert _count_fields(query) == FIELDS
    plan = Planner(supergraph, batch=True).plan(document)
    services = set(re.findall(r"Fetch\(service='([^']+)'", repr(plan)))
    assert len(services) >= REACH


def test_the_operation_builder_says_when_the_graph_is_too_small() -> None:
    with pytest.raises(ValueError, match="subgraphs"):
        operation(generate(4, 80), 50, 10)


def test_generation_is_deterministic_for_a_seed() -> None:
    a, b = generate(SUBGRAPHS, TYPES, seed=3), generate(SUBGRAPHS, TYPES, seed=3)
    assert [s.sdl for s in a.sources()] == [s.sdl for s in b.sources()]
    assert [s.sdl for s in a.sources()] != [s.sdl for s in generate(SUBGRAPHS, TYPES).sources()]


@pytest.mark.node
@pytest.mark.skipif(
    shutil.which("node") is None or not NODE_MODULES.is_dir(),
    reason="needs Node and ../shared/bench/node_modules (Apollo's composition)",
)
def test_apollo_composition_gives_the_same_supergraph() -> None:
    graph = generate(SUBGRAPHS, TYPES)
    sdls = {s.name: s.sdl for s in graph.sources()}
    ours = compose(
        [type(s)(s.name, f"http://{s.name}.example/graphql", s.sdl) for s in graph.sources()]
    )
    assert isinstance(ours, CompositionSuccess)
    assert _compose(sdls) == ours.supergraph_sdl
