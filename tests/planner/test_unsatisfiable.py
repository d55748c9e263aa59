"""Operations no plan can satisfy raise ``PlanningError`` with a message that names the field
and the obstacle: a field reachable only through a `resolvable: false` key, an interface field
that no subgraph resolves for one of the implementations, requirements that cannot be
fetched, a value-type field no subgraph can reach, a mutation field that would have to be sent
twice. Apollo's composition rejects these graphs; hand-written supergraphs stand in for other
composers that may not."""

from __future__ import annotations

import textwrap

import pytest

from gateway.errors import PlanningError
from gateway.supergraph import Supergraph, load_supergraph

from .harness import _HEADER, plan, raw_supergraph


def _with_mutation(graphs: list[str], body: str) -> Supergraph:
    """``raw_supergraph`` with a mutation root type."""
    enum = "\n".join(
        f'  {g.upper()} @join__graph(name: "{g}", url: "http://{g}.example/graphql")'
        for g in graphs
    )
    header = _HEADER.format(graphs=enum).replace(
        "query: Query", "query: Query\n  mutation: Mutation"
    )
    return load_supergraph(header + textwrap.dedent(body))


def test_field_only_behind_unresolvable_key() -> None:
    sg = raw_supergraph(
        ["a", "b"],
        """
        type Query @join__type(graph: A) @join__type(graph: B) {
          products: [Product] @join__field(graph: A)
        }
        type Product
          @join__type(graph: A, key: "id")
          @join__type(graph: B, key: "id", resolvable: false)
        {
          id: ID!
          name: String @join__field(graph: A)
          stock: Int @join__field(graph: B)
        }
        """,
    )
    with pytest.raises(PlanningError, match=r"Product\.stock.*'b'") as info:
        plan(sg, "{ products { name stock } }")
    assert "@key" in info.value.message
    assert plan(sg, "{ products { name } }")  # the rest of the type is fine


def test_interface_field_unresolvable_for_one_implementation() -> None:
    sg = raw_supergraph(
        ["a", "b"],
        """
        type Query @join__type(graph: A) @join__type(graph: B) {
          nodes: [Node] @join__field(graph: A)
        }
        interface Node @join__type(graph: A) @join__type(graph: B) {
          id: ID!
          title: String
        }
        type User implements Node
          @join__implements(graph: A, interface: "Node")
          @join__type(graph: A, key: "id")
        {
          id: ID!
          title: String
        }
        type Team implements Node
          @join__implements(graph: A, interface: "Node")
          @join__implements(graph: B, interface: "Node")
          @join__type(graph: A)
          @join__type(graph: B)
        {
          id: ID!
          title: String @join__field(graph: B)
        }
        """,
    )
    # Team has no key: its `title` (only in b) cannot be fetched for objects `nodes` returns
    with pytest.raises(PlanningError, match=r"Team\.title"):
        plan(sg, "{ nodes { id title } }")
    # without `title`, or with it only on User, the operation is fine
    plan(sg, "{ nodes { id ... on User { title } } }")


def test_requirement_that_cannot_be_fetched() -> None:
    sg = raw_supergraph(
        ["a", "b", "c"],
        """
        type Query @join__type(graph: A) @join__type(graph: B) @join__type(graph: C) {
          order: Order @join__field(graph: A)
        }
        type Order
          @join__type(graph: A, key: "id")
          @join__type(graph: B, key: "id")
          @join__type(graph: C, key: "ref", resolvable: false)
        {
          id: ID!
          ref: ID @join__field(graph: C)
          secret: Int @join__field(graph: C)
          total: Int @join__field(graph: B, requires: "secret")
        }
        """,
    )
    with pytest.raises(PlanningError, match=r"Order\.secret\b"):
        plan(sg, "{ order { total } }")


def test_value_type_field_no_subgraph_can_reach() -> None:
    sg = raw_supergraph(
        ["a", "b"],
        """
        type Query @join__type(graph: A) @join__type(graph: B) {
          settings: Settings @join__field(graph: A)
        }
        type Settings @join__type(graph: A) @join__type(graph: B) {
          theme: String
          timezone: String @join__field(graph: B)
        }
        """,
    )
    # no key and no other way to `settings`: b can never be asked for it
    with pytest.raises(PlanningError, match=r"Settings\.timezone"):
        plan(sg, "{ settings { theme timezone } }")


def test_mutation_field_would_need_two_subgraphs() -> None:
    sg = _with_mutation(
        ["a", "b"],
        """
        type Query @join__type(graph: A) @join__type(graph: B) {
          settings: Settings @join__field(graph: A) @join__field(graph: B)
        }
        type Mutation @join__type(graph: A) @join__type(graph: B) {
          configure: Settings @join__field(graph: A) @join__field(graph: B)
        }
        type Settings @join__type(graph: A) @join__type(graph: B) {
          theme: String @join__field(graph: A)
          timezone: String @join__field(graph: B)
        }
        """,
    )
    # a query may ask both subgraphs; a mutation must not run twice
    plan(sg, "{ settings { theme timezone } }")
    with pytest.raises(PlanningError, match=r"Settings\.timezone|configure"):
        plan(sg, "mutation { configure { theme timezone } }")
