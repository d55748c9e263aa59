"""Entity jumps through resolvable @key: several keys, composite and nested keys, keys that
differ per subgraph, and `resolvable: false` keys that are never a way in."""

from __future__ import annotations

import pytest

from gateway.errors import PlanningError

from .harness import expected, plan, raw_supergraph, supergraph

ACCOUNTS = """
extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
type Query { me: User }
type User @key(fields: "id") { id: ID! name: String }
"""
REVIEWS = """
extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
type User @key(fields: "id") { id: ID! reviews: [Review] }
type Review { body: String }
"""


def test_jump_through_key() -> None:
    sg = supergraph(accounts=ACCOUNTS, reviews=REVIEWS)
    assert plan(sg, "{ me { name reviews { body } } }") == expected(
        """
        QueryPlan {
          Sequence {
            Fetch(service: "accounts") {
              {
                me {
                  __typename
                  id
                  name
                }
              }
            },
            Flatten(path: "me") {
              Fetch(service: "reviews") {
                {
                  ... on User {
                    __typename
                    id
                  }
                } =>
                {
                  ... on User {
                    reviews {
                      body
                    }
                  }
                }
              },
            },
          },
        }
        """
    )


def test_key_differs_per_subgraph_and_composite_key() -> None:
    sg = supergraph(
        a="""
        extend schema @link(url: "https://specs.apollo.dev/federation/v2.3",
                            import: ["@key", "@shareable"])
        type Query { product: Product }
        type Product @key(fields: "id") @key(fields: "sku brand { code }") {
          id: ID!
          sku: String!
          brand: Brand!
        }
        type Brand @shareable { code: String! }
        """,
        b="""
        extend schema @link(url: "https://specs.apollo.dev/federation/v2.3",
                            import: ["@key", "@shareable"])
        type Product @key(fields: "sku brand { code }") {
          sku: String!
          brand: Brand!
          stock: Int
        }
        type Brand @shareable { code: String! }
        """,
    )
    assert plan(sg, "{ product { stock } }") == expected(
        """
        QueryPlan {
          Sequence {
            Fetch(service: "a") {
              {
                product {
                  __typename
                  sku
                  brand {
                    code
                  }
                }
              }
            },
            Flatten(path: "product") {
              Fetch(service: "b") {
                {
                  ... on Product {
                    __typename
                    sku
                    brand {
                      code
                    }
                  }
                } =>
                {
                  ... on Product {
                    stock
                  }
                }
              },
            },
          },
        }
        """
    )


def test_unresolvable_key_is_no_way_in() -> None:
    # Apollo's composition rejects this graph (SATISFIABILITY_ERROR); other composers may not,
    # and the runtime must then refuse the operation with a clear error.
    sg = raw_supergraph(
        ["a", "b"],
        """
        type Query @join__type(graph: A) @join__type(graph: B) {
          users: [User] @join__field(graph: A)
          topUser: User @join__field(graph: B)
        }
        type User
          @join__type(graph: A, key: "id", resolvable: false)
          @join__type(graph: B, key: "id", resolvable: false)
        {
          id: ID!
          name: String @join__field(graph: B)
        }
        """,
    )
    with pytest.raises(PlanningError, match=r"User\.name"):
        plan(sg, "{ users { name } }")
