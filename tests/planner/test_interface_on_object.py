"""An interface fragment on a field typed as one of its implementations applies to that
object only: the interface's other implementations need no plan there."""

from __future__ import annotations

from .harness import expected, plan, supergraph

NODE_A = """
extend schema @link(url: "https://specs.apollo.dev/federation/v2.3",
                    import: ["@key", "@shareable", "@external"])
type Query { node(id: ID!): Node @shareable user(id: ID!): User }
interface Node { id: ID! }
type Post implements Node @key(fields: "id") { id: ID! @external author: User! }
type User implements Node @key(fields: "id") { id: ID! name: String! }
"""
NODE_B = """
extend schema @link(url: "https://specs.apollo.dev/federation/v2.3",
                    import: ["@key", "@shareable", "@external"])
type Query { node(id: ID!): Node @shareable post(id: ID!): Post }
interface Node { id: ID! }
type Post implements Node @key(fields: "id") { id: ID! body: String! }
type User implements Node @key(fields: "id") { id: ID! @external posts: [Post!]! }
"""


def test_interface_fragment_on_an_object_plans_only_that_object() -> None:
    # ``... on Node`` on a Post selects a Post's fields: User.id, external in b and not
    # reachable from there, is no reason to refuse the plan (both references plan it)
    sg = supergraph(a=NODE_A, b=NODE_B)
    assert plan(sg, '{ post(id: "1") { ... on Node { id } } }') == expected(
        """
        QueryPlan {
          Fetch(service: "b") {
            {
              post(id: "1") {
                ... on Node {
                  id
                }
              }
            }
          },
        }
        """
    )
