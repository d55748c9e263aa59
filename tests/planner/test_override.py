"""@override: a field moved to another subgraph is resolved only there (the old definition is
ignored, except where the old subgraph still needs it for a key); override from a subgraph
absent from the supergraph; overridden fields that other subgraphs require."""

from __future__ import annotations

from graphql import parse

from gateway.planner import Planner, format_plan
from gateway.supergraph import Supergraph

from .harness import expected, plan, supergraph

A = """
extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
type Query { product: Product }
type Product @key(fields: "id") { id: ID! name: String price: Int }
"""
B = """
extend schema @link(url: "https://specs.apollo.dev/federation/v2.3",
                    import: ["@key", "@override"])
type Product @key(fields: "id") { id: ID! price: Int @override(from: "a") stock: Int }
"""


def test_overridden_field_comes_from_new_owner() -> None:
    sg = supergraph(a=A, b=B)
    assert plan(sg, "{ product { name price } }") == expected(
        """
        QueryPlan {
          Sequence {
            Fetch(service: "a") {
              {
                product {
                  __typename
                  id
                  name
                }
              }
            },
            Flatten(path: "product") {
              Fetch(service: "b") {
                {
                  ... on Product {
                    __typename
                    id
                  }
                } =>
                {
                  ... on Product {
                    price
                  }
                }
              },
            },
          },
        }
        """
    )


def test_override_from_absent_subgraph() -> None:
    sg = supergraph(
        a="""
        extend schema @link(url: "https://specs.apollo.dev/federation/v2.3",
                            import: ["@key", "@override"])
        type Query { product: Product @override(from: "legacy") }
        type Product @key(fields: "id") { id: ID! name: String @override(from: "legacy") }
        """,
        b="""
        extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
        type Product @key(fields: "id") { id: ID! stock: Int }
        """,
    )
    assert plan(sg, "{ product { name stock } }") == expected(
        """
        QueryPlan {
          Sequence {
            Fetch(service: "a") {
              {
                product {
                  __typename
                  id
                  name
                }
              }
            },
            Flatten(path: "product") {
              Fetch(service: "b") {
                {
                  ... on Product {
                    __typename
                    id
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


def test_overridden_root_field() -> None:
    sg = supergraph(
        a="""
        extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
        type Query { product: Product }
        type Product @key(fields: "id") { id: ID! name: String }
        """,
        b="""
        extend schema @link(url: "https://specs.apollo.dev/federation/v2.3",
                            import: ["@key", "@override"])
        type Query { product: Product @override(from: "a") }
        type Product @key(fields: "id") { id: ID! stock: Int }
        """,
    )
    assert plan(sg, "{ product { stock } }") == expected(
        """
        QueryPlan {
          Fetch(service: "b") {
            {
              product {
                stock
              }
            }
          },
        }
        """
    )


C_REQUIRES = """
extend schema @link(url: "https://specs.apollo.dev/federation/v2.3",
                    import: ["@key", "@external", "@requires"])
type Product @key(fields: "id") {
  id: ID!
  price: Int @external
  tax: Int @requires(fields: "price")
}
"""


def test_overridden_field_required_by_another_subgraph() -> None:
    sg = supergraph(a=A, b=B, c=C_REQUIRES)
    # c requires `price`: it must be fetched from b (the owner after override), not a
    assert plan(sg, "{ product { name tax } }") == expected(
        """
        QueryPlan {
          Sequence {
            Fetch(service: "a") {
              {
                product {
                  __typename
                  id
                  name
                }
              }
            },
            Flatten(path: "product") {
              Fetch(service: "b") {
                {
                  ... on Product {
                    __typename
                    id
                  }
                } =>
                {
                  ... on Product {
                    price
                  }
                }
              },
            },
            Flatten(path: "product") {
              Fetch(service: "c") {
                {
                  ... on Product {
                    __typename
                    id
                    price
                  }
                } =>
                {
                  ... on Product {
                    tax
                  }
                }
              },
            },
          },
        }
        """
    )


def test_overridden_field_still_used_in_old_key() -> None:
    sg = supergraph(
        a="""
        extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
        type Query { product: Product }
        type Product @key(fields: "id") { id: ID! }
        """,
        b="""
        extend schema @link(url: "https://specs.apollo.dev/federation/v2.3",
                            import: ["@key", "@override"])
        type Product @key(fields: "id") @key(fields: "sku") {
          id: ID!
          sku: String @override(from: "c")
          name: String
        }
        """,
        c="""
        extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
        type Product @key(fields: "sku") { sku: String reviews: Int }
        """,
    )
    # c lost `sku` to b, but keeps it as its key: entering c works with `sku` from b
    assert plan(sg, "{ product { sku reviews } }") == expected(
        """
        QueryPlan {
          Sequence {
            Fetch(service: "a") {
              {
                product {
                  __typename
                  id
                }
              }
            },
            Flatten(path: "product") {
              Fetch(service: "b") {
                {
                  ... on Product {
                    __typename
                    id
                  }
                } =>
                {
                  ... on Product {
                    sku
                  }
                }
              },
            },
            Flatten(path: "product") {
              Fetch(service: "c") {
                {
                  ... on Product {
                    __typename
                    sku
                  }
                } =>
                {
                  ... on Product {
                    reviews
                  }
                }
              },
            },
          },
        }
        """
    )


PROGRESSIVE_A = """
extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])
type Query { product: Product }
type Product @key(fields: "id") { id: ID! name: String price: Int }
"""
PROGRESSIVE_B = """
extend schema @link(url: "https://specs.apollo.dev/federation/v2.7",
                    import: ["@key", "@override"])
type Query { topStock: Product }
type Product @key(fields: "id") {
  id: ID!
  price: Int @override(from: "a", label: "percent(10)")
  stock: Int
}
"""


ON = frozenset({"percent(10)"})


def _plan_with(sg: object, query: str, labels: frozenset[str]) -> str:
    assert isinstance(sg, Supergraph)
    return format_plan(Planner(sg).plan(parse(query), labels=labels))


def test_progressive_override_label_off_from_old_owner_root() -> None:
    # label off: `price` stays with its old owner a (as Apollo)
    sg = supergraph(a=PROGRESSIVE_A, b=PROGRESSIVE_B)
    assert _plan_with(sg, "{ product { name price stock } }", frozenset()) == expected(
        """
        QueryPlan {
          Sequence {
            Fetch(service: "a") {
              {
                product {
                  __typename
                  id
                  name
                  price
                }
              }
            },
            Flatten(path: "product") {
              Fetch(service: "b") {
                {
                  ... on Product {
                    __typename
                    id
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


def test_progressive_override_label_on_from_old_owner_root() -> None:
    # label on: `price` comes from its new owner b, with `stock` (as Apollo)
    sg = supergraph(a=PROGRESSIVE_A, b=PROGRESSIVE_B)
    assert _plan_with(
        sg, "{ product { name price stock } }", frozenset({"percent(10)"})
    ) == expected(
        """
        QueryPlan {
          Sequence {
            Fetch(service: "a") {
              {
                product {
                  __typename
                  id
                  name
                }
              }
            },
            Flatten(path: "product") {
              Fetch(service: "b") {
                {
                  ... on Product {
                    __typename
                    id
                  }
                } =>
                {
                  ... on Product {
                    price
                    stock
                  }
                }
              },
            },
          },
        }
        """
    )


def test_progressive_override_label_off_from_new_owner_root() -> None:
    # label off: b must not resolve `price` yet: one jump back to a (as Apollo)
    sg = supergraph(a=PROGRESSIVE_A, b=PROGRESSIVE_B)
    assert _plan_with(sg, "{ topStock { stock price } }", frozenset()) == expected(
        """
        QueryPlan {
          Sequence {
            Fetch(service: "b") {
              {
                topStock {
                  __typename
                  id
                  stock
                }
              }
            },
            Flatten(path: "topStock") {
              Fetch(service: "a") {
                {
                  ... on Product {
                    __typename
                    id
                  }
                } =>
                {
                  ... on Product {
                    price
                  }
                }
              },
            },
          },
        }
        """
    )


def test_progressive_override_label_on_from_new_owner_root() -> None:
    # label on: b resolves `price` itself (as Apollo)
    sg = supergraph(a=PROGRESSIVE_A, b=PROGRESSIVE_B)
    assert _plan_with(sg, "{ topStock { stock price } }", ON) == expected(
        """
        QueryPlan {
          Fetch(service: "b") {
            {
              topStock {
                stock
                price
              }
            }
          },
        }
        """
    )
