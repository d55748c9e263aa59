"""Value types (no @key) shared between subgraphs: a field of a value type that the current
subgraph lacks is fetched through the nearest entity above it (its key), re-selecting the path
down to the value; several levels of value types; value types in lists and at the root."""

from __future__ import annotations

from .harness import expected, plan, supergraph

CATALOG = """
extend schema @link(url: "https://specs.apollo.dev/federation/v2.3",
                    import: ["@key", "@shareable"])
type Query { product: Product products: [Product] }
type Product @key(fields: "id") { id: ID! name: String details: Details @shareable }
type Details @shareable { color: String size: Size }
type Size @shareable { width: Int }
"""
SPECS = """
extend schema @link(url: "https://specs.apollo.dev/federation/v2.3",
                    import: ["@key", "@shareable"])
type Product @key(fields: "id") { id: ID! details: Details @shareable }
type Details @shareable { material: String size: Size }
type Size @shareable { width: Int height: Int }
"""
REVIEWS = """
extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
type Query { topReviews: [Review] }
type Review { product: Product }
type Product @key(fields: "id") { id: ID! }
"""


def test_value_type_field_through_parent_entity() -> None:
    sg = supergraph(catalog=CATALOG, specs=SPECS)
    assert plan(sg, "{ product { name details { color material } } }") == expected(
        """
        QueryPlan {
          Sequence {
            Fetch(service: "catalog") {
              {
                product {
                  __typename
                  id
                  name
                  details {
                    color
                  }
                }
              }
            },
            Flatten(path: "product") {
              Fetch(service: "specs") {
                {
                  ... on Product {
                    __typename
                    id
                  }
                } =>
                {
                  ... on Product {
                    details {
                      material
                    }
                  }
                }
              },
            },
          },
        }
        """
    )


def test_nested_value_types() -> None:
    sg = supergraph(catalog=CATALOG, specs=SPECS)
    query = "{ products { details { color size { width height } } } }"
    assert plan(sg, query) == expected(
        """
        QueryPlan {
          Sequence {
            Fetch(service: "catalog") {
              {
                products {
                  __typename
                  id
                  details {
                    color
                    size {
                      width
                    }
                  }
                }
              }
            },
            Flatten(path: "products.@") {
              Fetch(service: "specs") {
                {
                  ... on Product {
                    __typename
                    id
                  }
                } =>
                {
                  ... on Product {
                    details {
                      size {
                        height
                      }
                    }
                  }
                }
              },
            },
          },
        }
        """
    )


def test_value_type_all_fields_local() -> None:
    sg = supergraph(catalog=CATALOG, specs=SPECS)
    assert plan(sg, "{ product { details { color size { width } } } }") == expected(
        """
        QueryPlan {
          Fetch(service: "catalog") {
            {
              product {
                details {
                  color
                  size {
                    width
                  }
                }
              }
            }
          },
        }
        """
    )


def test_value_type_under_entity_reached_by_jump() -> None:
    sg = supergraph(
        catalog=CATALOG,
        specs=SPECS,
        reviews=REVIEWS,
    )
    # `material` is escalated to the product, which the catalog fetch was entered at with the
    # key reviews fetched: specs takes the same key from reviews, in the same round as catalog
    query = "{ topReviews { product { details { color material } } } }"
    assert plan(sg, query) == expected(
        """
        QueryPlan {
          Sequence {
            Fetch(service: "reviews") {
              {
                topReviews {
                  product {
                    __typename
                    id
                  }
                }
              }
            },
            Parallel {
              Flatten(path: "topReviews.@.product") {
                Fetch(service: "catalog") {
                  {
                    ... on Product {
                      __typename
                      id
                    }
                  } =>
                  {
                    ... on Product {
                      details {
                        color
                      }
                    }
                  }
                },
              },
              Flatten(path: "topReviews.@.product") {
                Fetch(service: "specs") {
                  {
                    ... on Product {
                      __typename
                      id
                    }
                  } =>
                  {
                    ... on Product {
                      details {
                        material
                      }
                    }
                  }
                },
              },
            },
          },
        }
        """
    )


def test_value_type_in_root_field_without_entity() -> None:
    sg = supergraph(
        a="""
        extend schema @link(url: "https://specs.apollo.dev/federation/v2.3",
                            import: ["@shareable"])
        type Query { config: Config @shareable }
        type Config @shareable { flags: Flags }
        type Flags @shareable { beta: Boolean }
        """,
        b="""
        extend schema @link(url: "https://specs.apollo.dev/federation/v2.3",
                            import: ["@shareable"])
        type Query { config: Config @shareable }
        type Config @shareable { flags: Flags region: String }
        type Flags @shareable { beta: Boolean dark: Boolean }
        """,
    )
    assert plan(sg, "{ config { flags { beta dark } } }") == expected(
        """
        QueryPlan {
          Fetch(service: "b") {
            {
              config {
                flags {
                  beta
                  dark
                }
              }
            }
          },
        }
        """
    )


def test_list_of_value_types_through_parent_entity() -> None:
    sg = supergraph(
        a="""
        extend schema @link(url: "https://specs.apollo.dev/federation/v2.3",
                            import: ["@key", "@shareable"])
        type Query { orders: [Order] }
        type Order @key(fields: "id") { id: ID! lines: [Line] @shareable }
        type Line @shareable { sku: String qty: Int }
        """,
        b="""
        extend schema @link(url: "https://specs.apollo.dev/federation/v2.3",
                            import: ["@key", "@shareable"])
        type Order @key(fields: "id") { id: ID! lines: [Line] @shareable }
        type Line @shareable { sku: String qty: Int price: Int }
        """,
    )
    # `price` of each line comes from b, by re-selecting `lines` under the order's key
    assert plan(sg, "{ orders { lines { sku price } } }") == expected(
        """
        QueryPlan {
          Sequence {
            Fetch(service: "a") {
              {
                orders {
                  __typename
                  id
                  lines {
                    sku
                  }
                }
              }
            },
            Flatten(path: "orders.@") {
              Fetch(service: "b") {
                {
                  ... on Order {
                    __typename
                    id
                  }
                } =>
                {
                  ... on Order {
                    lines {
                      price
                    }
                  }
                }
              },
            },
          },
        }
        """
    )


def test_entity_inside_value_type() -> None:
    sg = supergraph(
        a="""
        extend schema @link(url: "https://specs.apollo.dev/federation/v2.3",
                            import: ["@key", "@shareable"])
        type Query { order: Order }
        type Order @key(fields: "id") { id: ID! shipping: Shipping }
        type Shipping { carrier: Carrier eta: Int }
        type Carrier @key(fields: "code") { code: String! }
        """,
        b="""
        extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
        type Carrier @key(fields: "code") { code: String! name: String }
        """,
    )
    assert plan(sg, "{ order { shipping { eta carrier { name } } } }") == expected(
        """
        QueryPlan {
          Sequence {
            Fetch(service: "a") {
              {
                order {
                  shipping {
                    eta
                    carrier {
                      __typename
                      code
                    }
                  }
                }
              }
            },
            Flatten(path: "order.shipping.carrier") {
              Fetch(service: "b") {
                {
                  ... on Carrier {
                    __typename
                    code
                  }
                } =>
                {
                  ... on Carrier {
                    name
                  }
                }
              },
            },
          },
        }
        """
    )
