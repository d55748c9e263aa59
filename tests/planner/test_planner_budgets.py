"""The planner never recurses without bound: an entity jump whose key the current subgraph
cannot fetch must not need the same jump to fetch it (it used to end in "maximum recursion
depth exceeded"); whatever still recurses too deep becomes a coded planning error."""

from __future__ import annotations

import sys

import pytest
from graphql import (
    DocumentNode,
    FieldNode,
    NameNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
)

from gateway.errors import PlanningError
from gateway.planner import Planner
from gateway.planner.budget import Limits

from .harness import expected, plan, supergraph

_LINK = """extend schema @link(url: "https://specs.apollo.dev/federation/v2.3",
                    import: ["@key", "@shareable"])
"""
# ``N`` is a value type in ``a`` (without its key field ``id``) and in ``b`` (with it), and an
# entity in ``d``: ``N.y`` from ``a`` needs ``N.id``, which only the way through ``E`` to
# ``b`` can fetch. Four subgraphs, as in the report.
A = (
    _LINK
    + """
type Query { e: E }
type E @key(fields: "id") { id: ID! v: V @shareable }
type V @shareable { a: String n: N }
type N @shareable { x: String }
"""
)
B = (
    _LINK
    + """
type E @key(fields: "id") { id: ID! v: V @shareable }
type V @shareable { b: String n: N }
type N @shareable { id: ID! x: String }
"""
)
C = (
    _LINK
    + """
type E @key(fields: "id") { id: ID! c: String }
"""
)
D = (
    _LINK
    + """
type N @key(fields: "id") { id: ID! y: String }
"""
)


def test_key_of_a_nested_value_type_comes_through_the_parent_entity() -> None:
    assert plan(supergraph(a=A, b=B, c=C, d=D), "{ e { v { a n { x y } } } }") == expected(
        """
        QueryPlan {
          Sequence {
            Fetch(service: "a") {
              {
                e {
                  __typename
                  id
                  v {
                    a
                    n {
                      __typename
                      x
                    }
                  }
                }
              }
            },
            Flatten(path: "e") {
              Fetch(service: "b") {
                {
                  ... on E {
                    __typename
                    id
                  }
                } =>
                {
                  ... on E {
                    v {
                      n {
                        id
                      }
                    }
                  }
                }
              },
            },
            Flatten(path: "e.v.n") {
              Fetch(service: "d") {
                {
                  ... on N {
                    __typename
                    id
                  }
                } =>
                {
                  ... on N {
                    y
                  }
                }
              },
            },
          },
        }
        """
    )


def test_recursion_past_pythons_limit_is_a_coded_planning_error() -> None:
    """Any recursion the budgets did not bound ends as QUERY_PLANNING_FAILED, never as a
    RecursionError: an operation nested deeper than Python's recursion limit allows, built in
    code (the parser refuses such nesting), with the budgets lifted to reach the planner."""
    sg = supergraph(
        chain=_LINK
        + 'type Query { node: Node } type Node @key(fields: "id") { id: ID! child: Node }'
    )
    leaf = FieldNode(name=NameNode(value="id"))
    for _ in range(sys.getrecursionlimit() // 2):
        leaf = FieldNode(
            name=NameNode(value="child"), selection_set=SelectionSetNode(selections=(leaf,))
        )
    root = FieldNode(
        name=NameNode(value="node"), selection_set=SelectionSetNode(selections=(leaf,))
    )
    operation = OperationDefinitionNode(
        operation=OperationType.QUERY, selection_set=SelectionSetNode(selections=(root,))
    )
    document = DocumentNode(definitions=(operation,))
    lifted = Limits(max_depth=10**6, max_nesting=10**6)
    with pytest.raises(PlanningError) as raised:
        Planner(sg, limits=lifted).plan(document)
    assert raised.value.code == "QUERY_PLANNING_FAILED"
    assert "recursed" in raised.value.message
    # with the default budgets, the same operation is refused before planning
    with pytest.raises(PlanningError) as refused:
        Planner(sg).plan(document)
    assert refused.value.code == "MAX_DEPTH_LIMIT"
