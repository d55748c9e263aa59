"""Estimated and actual costs against values worked out by hand (list_size 10), following
Apollo Router's rules: objects 1, scalars and enums 0, lists x their size, mutations 10."""

from __future__ import annotations

from typing import Any

import pytest
from graphql import FragmentDefinitionNode, OperationDefinitionNode, parse

from gateway.edge.cost import CostError, CostModel
from gateway.edge.cost_directives import cost_directives, requirements
from tests.edge.cost_graph import cost_supergraph


def model(list_size: int = 10) -> CostModel:
    supergraph = cost_supergraph()
    directives = cost_directives(supergraph.sdl)
    return CostModel(supergraph.api_schema, directives, list_size, requirements(supergraph))


def split(query: str) -> tuple[OperationDefinitionNode, dict[str, FragmentDefinitionNode]]:
    document = parse(query)
    [operation] = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    return operation, fragments


def estimate(query: str, variables: dict[str, Any] | None = None, list_size: int = 10) -> float:
    operation, fragments = split(query)
    return model(list_size).estimate(operation, fragments, variables or {})


CASES = [
    # a list without @listSize: the configured list_size (10) x Product (1)
    ("{ everything { name } }", {}, 10),
    # product 1 + price: Money @cost(weight: 3) + status: Status @cost(weight: 2)
    ("{ product(id: 1) { name price { amount } status } }", {}, 6),
    # 4 products x (1 + reviews: assumedSize 5 x Review 1)
    ("{ topProducts(first: 4) { id reviews { body } } }", {}, 24),
    # the slicing argument from a variable
    ("query($n: Int!) { topProducts(first: $n) { name } }", {"n": 7}, 7),
    # two slicing arguments given (allowed here): the larger
    ("{ products(first: 3, last: 8) { name } }", {}, 8),
    # no slicing argument given, no assumedSize: list_size
    ("{ products { name } }", {}, 10),
    # 3 x (1 + 5 x (Review 1 + author 1))
    ("{ featured { reviews { author { name } } } }", {}, 33),
    # a field's @cost replaces its type's cost
    ("{ expensive }", {}, 50),
    # 2 x Product 1 + argument @cost 7 + input field @cost 4
    ('{ search(term: "x", filter: {minPrice: 5, tags: ["a"]}) { id } }', {}, 13),
    # the same, the input object from a variable
    (
        'query($f: Filter) { search(term: "x", filter: $f) { id } }',
        {"f": {"minPrice": 1}},
        13,
    ),
    # sizedFields: page 1 + items 6 x Product 1
    ("{ page(first: 6) { total items { name } } }", {}, 7),
    # mutation 10 + Review 1 + author 1
    ('mutation { addReview(productId: 1, body: "b") { id author { name } } }', {}, 12),
    # fragments on an interface: node 1 + price 3 + author 1 (both fragments count)
    (
        "{ node(id: 1) { id ... on Product { price { amount } } ...R } }"
        " fragment R on Review { author { id } }",
        {},
        5,
    ),
    # @skip with a variable: price left out
    ("query($s: Boolean!) { product(id: 1) { price @skip(if: $s) { amount } } }", {"s": True}, 1),
    ("query($s: Boolean!) { product(id: 1) { price @skip(if: $s) { amount } } }", {"s": False}, 4),
    # a slicing argument left out counts with its default value
    ("{ recent { id } }", {}, 4),
    ("{ recent(count: 2) { id } }", {}, 2),
    # @requires: product 1 + shipping (Int, 0) + the required price (Money 3)
    ("{ product(id: 1) { shipping } }", {}, 4),
    # over a list: 10 x (1 + 3)
    ("{ everything { id shipping } }", {}, 40),
    # __typename costs nothing
    ("{ __typename everything { __typename } }", {}, 10),
]


@pytest.mark.parametrize(("query", "variables", "expected"), CASES)
def test_estimated_cost_matches_the_hand_computed_value(
    query: str, variables: dict[str, Any], expected: float
) -> None:
    assert estimate(query, variables) == expected


def test_the_default_list_size_scales_unsized_lists() -> None:
    assert estimate("{ everything { name } }", list_size=3) == 3
    assert estimate("{ everything { reviews { id } } }", list_size=3) == 3 * (1 + 5)


@pytest.mark.parametrize(
    "query", ["{ strict { name } }", "{ strict(first: 2, after: 3) { name } }"]
)
def test_require_one_slicing_argument_refuses_none_or_two(query: str) -> None:
    with pytest.raises(CostError, match="Exactly one slicing argument"):
        estimate(query)


def actual(
    query: str, data: dict[str, Any] | None, variables: dict[str, Any] | None = None
) -> float:
    operation, fragments = split(query)
    return model().actual(operation, fragments, variables or {}, data)


def test_actual_cost_counts_what_the_response_holds() -> None:
    query = "{ featured { reviews { author { name } } } }"
    data = {
        "featured": [
            {"reviews": [{"author": {"name": "a"}}, {"author": None}]},
            {"reviews": []},
            {"reviews": [{"author": {"name": "b"}}]},
        ]
    }
    # products 3 + reviews 3 + authors 2 (the null author costs nothing)
    assert actual(query, data) == 8


def test_actual_cost_of_weights_fragments_and_mutations() -> None:
    query = (
        "{ node(id: 1) { id ... on Product { price { amount } status } ... on Review { body } } }"
    )
    product = {
        "node": {"__typename": "Product", "id": "1", "price": {"amount": 1}, "status": "ACTIVE"}
    }
    # node 1 + Money 3 + Status 2
    assert actual(query, product) == 6
    review = {"node": {"__typename": "Review", "id": "2", "body": "x"}}
    assert actual(query, review) == 1
    mutation = 'mutation { addReview(productId: 1, body: "b") { id } }'
    assert actual(mutation, {"addReview": {"id": "9"}}) == 11
    assert actual(mutation, None) == 10
