"""@shareable: fields and root fields several subgraphs resolve. The planner picks the subgraph
that needs the fewest fetches, keeps shareable fields in the subgraph already fetching, and
fans out (then merges through the entity key) when the requested fields of a shareable root
field are split across subgraphs."""

from __future__ import annotations

from .harness import expected, plan, supergraph

LINK = (
    'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", '
    'import: ["@key", "@shareable"])'
)

CATALOG = (
    LINK
    + """
type Query { products: [Product] @shareable  product(id: ID!): Product }
type Product @key(fields: "id") { id: ID! name: String @shareable weight: Int }
"""
)
PRICING = (
    LINK
    + """
type Query { products: [Product] @shareable }
type Product @key(fields: "id") { id: ID! name: String @shareable price: Int }
"""
)


def test_shareable_root_field_goes_where_all_fields_are() -> None:
    sg = supergraph(catalog=CATALOG, pricing=PRICING)
    assert plan(sg, "{ products { name price } }") == expected(
        """
        QueryPlan {
          Fetch(service: "pricing") {
            {
              products {
                name
                price
              }
            }
          },
        }
        """
    )


def test_shareable_root_field_other_subgraph() -> None:
    sg = supergraph(catalog=CATALOG, pricing=PRICING)
    assert plan(sg, "{ products { id weight name } }") == expected(
        """
        QueryPlan {
          Fetch(service: "catalog") {
            {
              products {
                id
                weight
                name
              }
            }
          },
        }
        """
    )


def test_shareable_root_field_split_across_subgraphs() -> None:
    sg = supergraph(catalog=CATALOG, pricing=PRICING)
    assert plan(sg, "{ products { name weight price } }") == expected(
        """
        QueryPlan {
          Sequence {
            Fetch(service: "catalog") {
              {
                products {
                  __typename
                  id
                  name
                  weight
                }
              }
            },
            Flatten(path: "products.@") {
              Fetch(service: "pricing") {
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


def test_shareable_field_stays_in_current_subgraph() -> None:
    sg = supergraph(catalog=CATALOG, pricing=PRICING)
    assert plan(sg, '{ product(id: "1") { name weight } }') == expected(
        """
        QueryPlan {
          Fetch(service: "catalog") {
            {
              product(id: "1") {
                name
                weight
              }
            }
          },
        }
        """
    )


def test_shareable_field_after_jump_stays_in_jumped_subgraph() -> None:
    sg = supergraph(catalog=CATALOG, pricing=PRICING)
    # price forces a jump to pricing; name can come from either catalog (already fetching)
    assert plan(sg, '{ product(id: "1") { price name } }') == expected(
        """
        QueryPlan {
          Sequence {
            Fetch(service: "catalog") {
              {
                product(id: "1") {
                  __typename
                  id
                  name
                }
              }
            },
            Flatten(path: "product") {
              Fetch(service: "pricing") {
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


REVIEWS = """
extend schema @link(url: "https://specs.apollo.dev/federation/v2.3",
                    import: ["@key", "@shareable"])
type Query { topReviews: [Review] }
type Review { body: String author: User }
type User @key(fields: "id") { id: ID! username: String @shareable }
"""
ACCOUNTS = """
extend schema @link(url: "https://specs.apollo.dev/federation/v2.3",
                    import: ["@key", "@shareable"])
type Query { me: User }
type User @key(fields: "id") { id: ID! username: String @shareable email: String }
"""


def test_shareable_entity_field_needs_no_jump() -> None:
    sg = supergraph(reviews=REVIEWS, accounts=ACCOUNTS)
    assert plan(sg, "{ topReviews { body author { username } } }") == expected(
        """
        QueryPlan {
          Fetch(service: "reviews") {
            {
              topReviews {
                body
                author {
                  username
                }
              }
            }
          },
        }
        """
    )


def test_shareable_entity_field_with_other_fields() -> None:
    sg = supergraph(reviews=REVIEWS, accounts=ACCOUNTS)
    assert plan(sg, "{ topReviews { author { username email } } }") == expected(
        """
        QueryPlan {
          Sequence {
            Fetch(service: "reviews") {
              {
                topReviews {
                  author {
                    __typename
                    id
                    username
                  }
                }
              }
            },
            Flatten(path: "topReviews.@.author") {
              Fetch(service: "accounts") {
                {
                  ... on User {
                    __typename
                    id
                  }
                } =>
                {
                  ... on User {
                    email
                  }
                }
              },
            },
          },
        }
        """
    )


THREE_A = """
extend schema @link(url: "https://specs.apollo.dev/federation/v2.3",
                    import: ["@key", "@shareable"])
type Query { node: Item @shareable }
type Item @key(fields: "id") { id: ID! a: Int }
"""
THREE_B = """
extend schema @link(url: "https://specs.apollo.dev/federation/v2.3",
                    import: ["@key", "@shareable"])
type Query { node: Item @shareable }
type Item @key(fields: "id") { id: ID! b: Int c: Int @shareable }
"""
THREE_C = """
extend schema @link(url: "https://specs.apollo.dev/federation/v2.3",
                    import: ["@key", "@shareable"])
type Item @key(fields: "id") { id: ID! c: Int @shareable d: Int }
"""


def test_shareable_root_field_fewest_fetches_among_three() -> None:
    sg = supergraph(a=THREE_A, b=THREE_B, c=THREE_C)
    # from b: b and c local, one jump to c for d; from a: two jumps
    assert plan(sg, "{ node { b c d } }") == expected(
        """
        QueryPlan {
          Sequence {
            Fetch(service: "b") {
              {
                node {
                  __typename
                  id
                  b
                  c
                }
              }
            },
            Flatten(path: "node") {
              Fetch(service: "c") {
                {
                  ... on Item {
                    __typename
                    id
                  }
                } =>
                {
                  ... on Item {
                    d
                  }
                }
              },
            },
          },
        }
        """
    )


def test_shareable_field_joins_existing_jump() -> None:
    sg = supergraph(a=THREE_A, b=THREE_B, c=THREE_C)
    # from a, `d` needs c anyway; `c` should ride along in that fetch rather than in b
    assert plan(sg, "{ node { a d c } }") == expected(
        """
        QueryPlan {
          Sequence {
            Fetch(service: "a") {
              {
                node {
                  __typename
                  id
                  a
                }
              }
            },
            Flatten(path: "node") {
              Fetch(service: "c") {
                {
                  ... on Item {
                    __typename
                    id
                  }
                } =>
                {
                  ... on Item {
                    d
                    c
                  }
                }
              },
            },
          },
        }
        """
    )


def test_shareable_root_value_type_split_fans_out() -> None:
    # no key on Settings: the only way to get both fields is to ask both subgraphs for the root
    # field and merge the two answers
    sg = supergraph(
        a="""
        extend schema @link(url: "https://specs.apollo.dev/federation/v2.3",
                            import: ["@shareable"])
        type Query { settings: Settings @shareable }
        type Settings @shareable { theme: String locale: String }
        """,
        b="""
        extend schema @link(url: "https://specs.apollo.dev/federation/v2.3",
                            import: ["@shareable"])
        type Query { settings: Settings @shareable }
        type Settings @shareable { theme: String timezone: String }
        """,
    )
    assert plan(sg, "{ settings { locale timezone theme } }") == expected(
        """
        QueryPlan {
          Parallel {
            Fetch(service: "a") {
              {
                settings {
                  locale
                  theme
                }
              }
            },
            Fetch(service: "b") {
              {
                settings {
                  timezone
                }
              }
            },
          },
        }
        """
    )


def test_shareable_field_choice_looks_below_direct_sub_fields() -> None:
    info = """
    extend schema @link(url: "https://specs.apollo.dev/federation/v2.3",
                        import: ["@key", "@shareable"])
    type Product @key(fields: "id") { id: ID! info: Info @shareable }
    type Info @shareable { x: Int deep: Deep }
    """
    sg = supergraph(
        a="""
        extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
        type Query { product: Product }
        type Product @key(fields: "id") { id: ID! name: String }
        """,
        b=info + "type Deep @shareable { a: Int }\n",
        c=info + "type Deep @shareable { a: Int b: Int }\n",
    )
    assert plan(sg, "{ product { info { x deep { a b } } } }") == expected(
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
              Fetch(service: "c") {
                {
                  ... on Product {
                    __typename
                    id
                  }
                } =>
                {
                  ... on Product {
                    info {
                      x
                      deep {
                        a
                        b
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


def test_fan_out_with_entity_jump_below() -> None:
    value = """
    extend schema @link(url: "https://specs.apollo.dev/federation/v2.3",
                        import: ["@key", "@shareable"])
    type Query { config: Config @shareable }
    """
    sg = supergraph(
        a=value
        + """
        type Config @shareable { theme: String owner: User }
        type User @key(fields: "id") { id: ID! }
        """,
        b=value
        + """
        type Config @shareable { theme: String region: Region }
        type Region @shareable { code: String }
        """,
        users="""
        extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
        type User @key(fields: "id") { id: ID! name: String }
        """,
    )
    # the jump to users hangs under a's half of the fan-out only
    query = "{ config { region { code } owner { name } theme } }"
    assert plan(sg, query) == expected(
        """
        QueryPlan {
          Parallel {
            Sequence {
              Fetch(service: "a") {
                {
                  config {
                    owner {
                      __typename
                      id
                    }
                    theme
                  }
                }
              },
              Flatten(path: "config.owner") {
                Fetch(service: "users") {
                  {
                    ... on User {
                      __typename
                      id
                    }
                  } =>
                  {
                    ... on User {
                      name
                    }
                  }
                },
              },
            },
            Fetch(service: "b") {
              {
                config {
                  region {
                    code
                  }
                }
              }
            },
          },
        }
        """
    )


def test_shareable_field_selected_before_the_jump_that_could_carry_it() -> None:
    sg = supergraph(a=THREE_A, b=THREE_B, c=THREE_C)
    # same as test_shareable_field_joins_existing_jump, with `c` first
    assert plan(sg, "{ node { c a d } }") == expected(
        """
        QueryPlan {
          Sequence {
            Fetch(service: "a") {
              {
                node {
                  __typename
                  id
                  a
                }
              }
            },
            Flatten(path: "node") {
              Fetch(service: "c") {
                {
                  ... on Item {
                    __typename
                    id
                  }
                } =>
                {
                  ... on Item {
                    d
                    c
                  }
                }
              },
            },
          },
        }
        """
    )
