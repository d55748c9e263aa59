"""Loading supergraph SDL: the model, the API schema, and clear errors for bad input."""

from __future__ import annotations

from pathlib import Path

import pytest
from graphql import print_schema

from gateway.errors import SupergraphError
from gateway.supergraph import load_supergraph

from ..planner.harness import raw_supergraph

BENCH = (Path(__file__).parent.parent / "fixtures" / "bench_supergraph.graphql").read_text()


def test_model_of_the_benchmark_supergraph() -> None:
    sg = load_supergraph(BENCH)
    assert list(sg.graphs) == ["accounts", "inventory", "products", "reviews"]
    assert sg.graphs["reviews"].url == "http://127.0.0.1:4200/reviews"
    product = sg.types["Product"]
    assert [(j.graph, j.key) for j in product.joins] == [
        ("inventory", "upc"),
        ("products", "upc"),
        ("reviews", "upc"),
    ]
    estimate = product.fields["shippingEstimate"].joins[0]
    assert (estimate.graph, estimate.requires) == ("inventory", "price weight")
    assert [j.graph for j in product.fields["price"].joins if j.external] == ["inventory"]


def test_api_schema_has_no_machinery() -> None:
    printed = print_schema(load_supergraph(BENCH).api_schema)
    assert "join__" not in printed
    assert "link" not in printed
    assert "type Product {" in printed


def test_inaccessible_elements_are_not_in_the_api_schema() -> None:
    sg = load_supergraph(
        BENCH.replace(
            '@link(url: "https://specs.apollo.dev/join/v0.3", for: EXECUTION)',
            '@link(url: "https://specs.apollo.dev/join/v0.3", for: EXECUTION)\n'
            '  @link(url: "https://specs.apollo.dev/inaccessible/v0.2", for: SECURITY)',
        )
        .replace("  birthday: Int", "  birthday: Int @inaccessible")
        .replace(
            "directive @join__enumValue",
            "directive @inaccessible on FIELD_DEFINITION | OBJECT | INTERFACE | UNION | "
            "ARGUMENT_DEFINITION | SCALAR | ENUM | ENUM_VALUE | INPUT_OBJECT | "
            "INPUT_FIELD_DEFINITION\n\ndirective @join__enumValue",
        )
    )
    user = sg.api_schema.get_type("User")
    assert user is not None
    assert "birthday" not in user.fields  # type: ignore[attr-defined]
    assert sg.types["User"].fields["birthday"].inaccessible


def test_syntax_error_names_file_line_and_column() -> None:
    with pytest.raises(SupergraphError, match=r"^sg\.graphql:2:\d+: syntax error"):
        load_supergraph('schema @link(url: "x") { query: Query }\ntype {', source="sg.graphql")


def test_plain_schema_is_not_a_supergraph() -> None:
    with pytest.raises(SupergraphError, match="not a supergraph"):
        load_supergraph("type Query { a: Int }")


def test_unsupported_execution_feature_is_refused() -> None:
    text = BENCH.replace("join/v0.3", "join/v0.9")
    with pytest.raises(SupergraphError, match=r"unsupported feature .*join/v0\.9 for EXECUTION"):
        load_supergraph(text)


def test_fed1_core_supergraph_is_refused_with_advice() -> None:
    with pytest.raises(SupergraphError, match="recompose"):
        load_supergraph(
            'schema @core(feature: "https://specs.apollo.dev/core/v0.1") { query: Query }\n'
            "type Query { a: Int }"
        )


def test_hand_written_supergraph_loads() -> None:
    sg = raw_supergraph(
        ["a"],
        """
        type Query @join__type(graph: A) { a: Int }
        """,
    )
    assert sg.query_type == "Query"


def test_context_argument_without_context_is_refused_clearly() -> None:
    text = BENCH.replace(
        '  shippingEstimate: Int @join__field(graph: INVENTORY, requires: "price weight")',
        '  shippingEstimate: Int @join__field(graph: INVENTORY, requires: "price weight", '
        'contextArguments: [{context: "c", name: "x", type: "Int", selection: "{ a }"}])',
    )
    assert text != BENCH
    with pytest.raises(SupergraphError, match='context "c", which no type sets'):
        load_supergraph(text)
