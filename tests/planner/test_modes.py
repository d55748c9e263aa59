"""The generated subgraphs that ``modes.py`` runs both plan modes on: valid schemas for every
composed fixture, deterministic answers, entities answered from their representation."""

from __future__ import annotations

from pathlib import Path

from graphql import graphql_sync, validate_schema

from gateway.supergraph import load_supergraph

from .modes import generated_apps, root_value

FIXTURES = Path(__file__).parent / "supergraphs"
BENCH = Path(__file__).parent.parent / "fixtures" / "bench_supergraph.graphql"


def test_composed_fixtures_have_valid_generated_subgraphs() -> None:
    """Nearly all: the generator refuses a supergraph it cannot model (an entity interface
    with no object type in its subgraph); the both-modes check then compares plans only."""
    paths = sorted(FIXTURES.glob("*.graphql"))
    generated = [generated_apps(load_supergraph(p.read_text())) for p in paths]
    assert sum(g is not None for g in generated) >= 0.9 * len(paths)
    for schemas in generated:
        for schema in (schemas or {}).values():
            assert not validate_schema(schema)


def test_answers_are_deterministic_and_entities_echo_their_keys() -> None:
    schemas = generated_apps(load_supergraph(BENCH.read_text()))
    assert schemas is not None
    products = schemas["products"]
    query = "{ topProducts { upc name price } }"
    first = graphql_sync(products, query, root_value=root_value())
    assert first.errors is None and first.data is not None
    assert graphql_sync(products, query, root_value=root_value()).data == first.data
    reps = "query($r: [_Any!]!) { _entities(representations: $r) { ... on Product { upc name } } }"
    variables = {"r": [{"__typename": "Product", "upc": "u1"}, {"__typename": "Nope"}]}
    entities = graphql_sync(products, reps, root_value=root_value(), variable_values=variables)
    assert entities.errors is None and entities.data is not None
    [product, unknown] = entities.data["_entities"]
    assert product["upc"] == "u1" and unknown is None
