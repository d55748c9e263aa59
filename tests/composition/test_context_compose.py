"""@context/@fromContext composed as Apollo's composition does: type-conditioned context
selections, @external fields read only by a context, and contexts set by every implementation
of an interface on the way (the reference supergraphs are the planner tests' fixtures)."""

from __future__ import annotations

import pytest

from gateway.composition.compose import compose
from gateway.composition.model import CompositionSuccess, SubgraphSource
from tests.planner import context_graphs as g
from tests.planner.harness import supergraph


@pytest.mark.parametrize("name", ["SAME", "OTHER", "COND", "IFACE", "JUMP"])
def test_context_supergraph_as_apollo_composes_it(name: str) -> None:
    a, b = getattr(g, f"{name}_A"), getattr(g, f"{name}_B")
    result = compose(
        [
            SubgraphSource("a", "http://a.example/graphql", a),
            SubgraphSource("b", "http://b.example/graphql", b),
        ]
    )
    assert isinstance(result, CompositionSuccess), result
    assert result.supergraph_sdl.strip() == supergraph(a=a, b=b).sdl.strip()
