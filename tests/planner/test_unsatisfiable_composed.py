"""Unplannable operations on graphs Apollo's composition accepts: the planner refuses them
(``PlanningError``, QUERY_PLANNING_FAILED) instead of answering partial data. Hive's planner
refuses both; Apollo's refuses the first and makes an empty plan for the second.

- ``node(id:)``, shareable, on an interface whose implementations each live in one subgraph
  that marks the other's ``id`` @external: no subgraph can answer ``id`` for every object it
  may return, and no key leads elsewhere (the key *is* the external ``id``).
- A field of an interface that only an @interfaceObject subgraph resolves, behind a
  ``resolvable: false`` key: no jump into that subgraph exists.

Executed in ``tests/execution/test_unsatisfiable_exec.py``."""

from __future__ import annotations

import pytest

from gateway.errors import PlanningError

from .harness import expected, plan, supergraph

NODES_A = """
extend schema @link(url: "https://specs.apollo.dev/federation/v2.3",
                    import: ["@key", "@shareable", "@external"])
type Query { node(id: ID!): Node @shareable user(id: ID!): User }
interface Node { id: ID! }
type User implements Node @key(fields: "id") { id: ID! name: String! }
type Post implements Node @key(fields: "id") { id: ID! @external author: User! }
"""
NODES_B = """
extend schema @link(url: "https://specs.apollo.dev/federation/v2.3",
                    import: ["@key", "@shareable", "@external"])
type Query { node(id: ID!): Node @shareable post(id: ID!): Post }
interface Node { id: ID! }
type User implements Node @key(fields: "id") { id: ID! @external posts: [Post!]! }
type Post implements Node @key(fields: "id") { id: ID! body: String! }
"""
MEDIA = """
extend schema @link(url: "https://specs.apollo.dev/federation/v2.3",
                    import: ["@key", "@interfaceObject"])
interface Media @key(fields: "id") { id: ID! }
type Query { featured: Media }
"""
RATINGS = """
extend schema @link(url: "https://specs.apollo.dev/federation/v2.3",
                    import: ["@key", "@interfaceObject"])
type Media @key(fields: "id", resolvable: false) @interfaceObject { id: ID! rating: Int }
type Query { top: Media }
"""


@pytest.mark.parametrize(
    "query",
    [
        '{ node(id: "u1") { id } }',
        '{ node(id: "u1") { id ... on Post { id } } }',
    ],
)
def test_node_id_no_subgraph_resolves_for_every_implementation(query: str) -> None:
    sg = supergraph(a=NODES_A, b=NODES_B)
    with pytest.raises(PlanningError, match=r"Cannot plan (Post|User)\.id") as info:
        plan(sg, query)
    assert info.value.code == "QUERY_PLANNING_FAILED"


def test_node_implementations_each_from_the_subgraph_that_owns_them() -> None:
    sg = supergraph(a=NODES_A, b=NODES_B)
    query = (
        '{ u: node(id: "u1") { ... on User { id name } } '
        'p: node(id: "p1") { ... on Post { id body } } }'
    )
    assert plan(sg, query) == expected(
        """
        QueryPlan {
          Parallel {
            Fetch(service: "a") {
              {
                u: node(id: "u1") {
                  __typename
                  ... on User {
                    id
                    name
                  }
                }
              }
            },
            Fetch(service: "b") {
              {
                p: node(id: "p1") {
                  __typename
                  ... on Post {
                    id
                    body
                  }
                }
              }
            },
          },
        }
        """
    )


def test_external_key_field_comes_from_the_owner() -> None:
    sg = supergraph(a=NODES_A, b=NODES_B)
    assert plan(sg, '{ post(id: "p1") { id author { name } } }') == expected(
        """
        QueryPlan {
          Sequence {
            Fetch(service: "b") {
              {
                post(id: "p1") {
                  __typename
                  id
                }
              }
            },
            Flatten(path: "post") {
              Fetch(service: "a") {
                {
                  ... on Post {
                    __typename
                    id
                  }
                } =>
                {
                  ... on Post {
                    author {
                      name
                    }
                  }
                }
              },
            },
          },
        }
        """
    )


def test_field_only_behind_unresolvable_interface_object_key() -> None:
    sg = supergraph(media=MEDIA, ratings=RATINGS)
    with pytest.raises(PlanningError, match=r"Media\.rating"):
        plan(sg, "{ featured { rating } }")


def test_node_id_per_implementation_fans_out_to_the_owners() -> None:
    # with a fragment per implementation each one has a subgraph that answers all of it: the
    # shareable root field is fetched from both (Apollo plans the same; only an `id` selected
    # on the interface itself has no subgraph, and the planner does not split it)
    sg = supergraph(a=NODES_A, b=NODES_B)
    query = '{ node(id: "p1") { ... on Post { id } ... on User { id } } }'
    assert plan(sg, query) == expected(
        """
        QueryPlan {
          Parallel {
            Fetch(service: "a") {
              {
                node(id: "p1") {
                  __typename
                  ... on User {
                    id
                  }
                }
              }
            },
            Fetch(service: "b") {
              {
                node(id: "p1") {
                  __typename
                  ... on Post {
                    id
                  }
                }
              }
            },
          },
        }
        """
    )


def test_node_fields_behind_an_external_key_fan_out_instead_of_jumping() -> None:
    # Post.body from `a` would need a jump into `b` with Post's key, which only `b` resolves:
    # no such jump; the root field is fetched from `b` for that fragment (as Apollo plans)
    sg = supergraph(a=NODES_A, b=NODES_B)
    assert plan(sg, '{ node(id: "p1") { ... on User { name } ... on Post { body } } }') == expected(
        """
        QueryPlan {
          Parallel {
            Fetch(service: "a") {
              {
                node(id: "p1") {
                  __typename
                  ... on User {
                    name
                  }
                }
              }
            },
            Fetch(service: "b") {
              {
                node(id: "p1") {
                  __typename
                  ... on Post {
                    body
                  }
                }
              }
            },
          },
        }
        """
    )
