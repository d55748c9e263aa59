"""@requires: the required fields are fetched (from wherever they resolve) before the entity
fetch that needs them and are sent in its representations. Several fields, nested
selections, arguments (a client field of the same name with other arguments forces an alias
on the internal one), inline fragments on abstract types, chains and cycles between
subgraphs, and requirements on interface-typed fields."""

from __future__ import annotations

from .harness import expected, plan, supergraph

PRODUCTS = """
extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
type Query { product: Product products: [Product] }
type Product @key(fields: "id") {
  id: ID!
  name: String
  weight: Int
  size: Int
  dimensions: Dimensions
}
type Dimensions { width: Int height: Int depth: Int }
"""
SHIPPING = """
extend schema @link(url: "https://specs.apollo.dev/federation/v2.3",
                    import: ["@key", "@external", "@requires"])
type Product @key(fields: "id") {
  id: ID!
  weight: Int @external
  size: Int @external
  dimensions: Dimensions @external
  shippingEstimate: Int @requires(fields: "weight size")
  boxType: String @requires(fields: "dimensions { width height }")
}
type Dimensions { width: Int @external height: Int @external }
"""


def test_requires_several_fields() -> None:
    sg = supergraph(products=PRODUCTS, shipping=SHIPPING)
    assert plan(sg, "{ products { name shippingEstimate } }") == expected(
        """
        QueryPlan {
          Sequence {
            Fetch(service: "products") {
              {
                products {
                  __typename
                  id
                  weight
                  size
                  name
                }
              }
            },
            Flatten(path: "products.@") {
              Fetch(service: "shipping") {
                {
                  ... on Product {
                    __typename
                    id
                    weight
                    size
                  }
                } =>
                {
                  ... on Product {
                    shippingEstimate
                  }
                }
              },
            },
          },
        }
        """
    )


def test_requires_nested_selection() -> None:
    sg = supergraph(products=PRODUCTS, shipping=SHIPPING)
    assert plan(sg, "{ product { boxType } }") == expected(
        """
        QueryPlan {
          Sequence {
            Fetch(service: "products") {
              {
                product {
                  __typename
                  id
                  dimensions {
                    width
                    height
                  }
                }
              }
            },
            Flatten(path: "product") {
              Fetch(service: "shipping") {
                {
                  ... on Product {
                    __typename
                    id
                    dimensions {
                      width
                      height
                    }
                  }
                } =>
                {
                  ... on Product {
                    boxType
                  }
                }
              },
            },
          },
        }
        """
    )


def test_requires_client_selects_required_field_too() -> None:
    sg = supergraph(products=PRODUCTS, shipping=SHIPPING)
    query = "{ product { weight dimensions { depth width } shippingEstimate boxType } }"
    assert plan(sg, query) == expected(
        """
        QueryPlan {
          Sequence {
            Fetch(service: "products") {
              {
                product {
                  __typename
                  id
                  size
                  weight
                  dimensions {
                    depth
                    width
                    height
                  }
                }
              }
            },
            Flatten(path: "product") {
              Fetch(service: "shipping") {
                {
                  ... on Product {
                    __typename
                    id
                    weight
                    size
                    dimensions {
                      width
                      height
                    }
                  }
                } =>
                {
                  ... on Product {
                    shippingEstimate
                    boxType
                  }
                }
              },
            },
          },
        }
        """
    )


def test_requires_with_client_alias_on_required_field() -> None:
    sg = supergraph(products=PRODUCTS, shipping=SHIPPING)
    # the client uses `weight` as an alias for `size` and `size` for `name`: the required
    # fields must be fetched under keys that do not clash
    query = "{ product { weight: size size: name shippingEstimate } }"
    assert plan(sg, query) == expected(
        """
        QueryPlan {
          Sequence {
            Fetch(service: "products") {
              {
                product {
                  __typename
                  id
                  weight__fedgate_0: weight
                  size__fedgate_0: size
                  weight: size
                  size: name
                }
              }
            },
            Flatten(path: "product") {
              Fetch(service: "shipping") {
                {
                  ... on Product {
                    __typename
                    id
                    weight__fedgate_0: weight
                    size__fedgate_0: size
                  }
                } =>
                {
                  ... on Product {
                    shippingEstimate
                  }
                }
              },
            },
          },
        }
        """
    )


PRICES = """
extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
type Query { item: Item }
enum Currency { EUR USD }
type Item @key(fields: "id") { id: ID! price(currency: Currency!): Int }
"""
TAX = """
extend schema @link(url: "https://specs.apollo.dev/federation/v2.3",
                    import: ["@key", "@external", "@requires"])
enum Currency { EUR USD }
type Item @key(fields: "id") {
  id: ID!
  price(currency: Currency!): Int @external
  vat: Int @requires(fields: "price(currency: EUR)")
}
"""


def test_requires_with_arguments() -> None:
    sg = supergraph(prices=PRICES, tax=TAX)
    assert plan(sg, "{ item { vat } }") == expected(
        """
        QueryPlan {
          Sequence {
            Fetch(service: "prices") {
              {
                item {
                  __typename
                  id
                  price(currency: EUR)
                }
              }
            },
            Flatten(path: "item") {
              Fetch(service: "tax") {
                {
                  ... on Item {
                    __typename
                    id
                    price
                  }
                } =>
                {
                  ... on Item {
                    vat
                  }
                }
              },
            },
          },
        }
        """
    )


def test_requires_with_arguments_client_same_field_other_arguments() -> None:
    sg = supergraph(prices=PRICES, tax=TAX)
    assert plan(sg, "{ item { price(currency: USD) vat } }") == expected(
        """
        QueryPlan {
          Sequence {
            Fetch(service: "prices") {
              {
                item {
                  __typename
                  id
                  price__fedgate_0: price(currency: EUR)
                  price(currency: USD)
                }
              }
            },
            Flatten(path: "item") {
              Fetch(service: "tax") {
                {
                  ... on Item {
                    __typename
                    id
                    price__fedgate_0: price
                  }
                } =>
                {
                  ... on Item {
                    vat
                  }
                }
              },
            },
          },
        }
        """
    )


def test_requires_with_arguments_client_same_field_same_arguments() -> None:
    sg = supergraph(prices=PRICES, tax=TAX)
    assert plan(sg, "{ item { price(currency: EUR) vat } }") == expected(
        """
        QueryPlan {
          Sequence {
            Fetch(service: "prices") {
              {
                item {
                  __typename
                  id
                  price(currency: EUR)
                }
              }
            },
            Flatten(path: "item") {
              Fetch(service: "tax") {
                {
                  ... on Item {
                    __typename
                    id
                    price
                  }
                } =>
                {
                  ... on Item {
                    vat
                  }
                }
              },
            },
          },
        }
        """
    )


LIBRARY = """
extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
type Query { shelf: Shelf }
type Shelf @key(fields: "id") { id: ID! items: [Media] }
interface Media { id: ID! title: String }
type Book implements Media @key(fields: "id") { id: ID! title: String pages: Int }
type Movie implements Media @key(fields: "id") { id: ID! title: String minutes: Int }
"""
LOANS = """
extend schema @link(url: "https://specs.apollo.dev/federation/v2.3",
                    import: ["@key", "@external", "@requires"])
type Shelf @key(fields: "id") {
  id: ID!
  items: [Media] @external
  readingTime: Int @requires(fields: "items { ... on Book { pages } ... on Movie { minutes } }")
  titles: [String] @requires(fields: "items { title }")
}
interface Media { id: ID! title: String }
type Book implements Media @key(fields: "id") {
  id: ID!
  title: String @external
  pages: Int @external
}
type Movie implements Media @key(fields: "id") {
  id: ID!
  title: String @external
  minutes: Int @external
}
"""


def test_requires_inline_fragments_on_interface() -> None:
    sg = supergraph(library=LIBRARY, loans=LOANS)
    assert plan(sg, "{ shelf { readingTime } }") == expected(
        """
        QueryPlan {
          Sequence {
            Fetch(service: "library") {
              {
                shelf {
                  __typename
                  id
                  items {
                    __typename
                    ... on Book {
                      pages
                    }
                    ... on Movie {
                      minutes
                    }
                  }
                }
              }
            },
            Flatten(path: "shelf") {
              Fetch(service: "loans") {
                {
                  ... on Shelf {
                    __typename
                    id
                    items {
                      ... on Book {
                        pages
                      }
                      ... on Movie {
                        minutes
                      }
                    }
                  }
                } =>
                {
                  ... on Shelf {
                    readingTime
                  }
                }
              },
            },
          },
        }
        """
    )


def test_requires_interface_typed_field() -> None:
    sg = supergraph(library=LIBRARY, loans=LOANS)
    assert plan(sg, "{ shelf { titles } }") == expected(
        """
        QueryPlan {
          Sequence {
            Fetch(service: "library") {
              {
                shelf {
                  __typename
                  id
                  items {
                    __typename
                    title
                  }
                }
              }
            },
            Flatten(path: "shelf") {
              Fetch(service: "loans") {
                {
                  ... on Shelf {
                    __typename
                    id
                    items {
                      title
                    }
                  }
                } =>
                {
                  ... on Shelf {
                    titles
                  }
                }
              },
            },
          },
        }
        """
    )


CHAIN_A = """
extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
type Query { order: Order }
type Order @key(fields: "id") { id: ID! amount: Int }
"""
CHAIN_B = """
extend schema @link(url: "https://specs.apollo.dev/federation/v2.3",
                    import: ["@key", "@external", "@requires"])
type Order @key(fields: "id") { id: ID! amount: Int @external tax: Int @requires(fields: "amount") }
"""
CHAIN_C = """
extend schema @link(url: "https://specs.apollo.dev/federation/v2.3",
                    import: ["@key", "@external", "@requires"])
type Order @key(fields: "id") { id: ID! tax: Int @external total: Int @requires(fields: "tax") }
"""


def test_requires_chain_across_three_subgraphs() -> None:
    sg = supergraph(a=CHAIN_A, b=CHAIN_B, c=CHAIN_C)
    assert plan(sg, "{ order { total } }") == expected(
        """
        QueryPlan {
          Sequence {
            Fetch(service: "a") {
              {
                order {
                  __typename
                  id
                  amount
                }
              }
            },
            Flatten(path: "order") {
              Fetch(service: "b") {
                {
                  ... on Order {
                    __typename
                    id
                    amount
                  }
                } =>
                {
                  ... on Order {
                    tax
                  }
                }
              },
            },
            Flatten(path: "order") {
              Fetch(service: "c") {
                {
                  ... on Order {
                    __typename
                    id
                    tax
                  }
                } =>
                {
                  ... on Order {
                    total
                  }
                }
              },
            },
          },
        }
        """
    )


def test_requires_chain_with_intermediate_field_selected() -> None:
    sg = supergraph(a=CHAIN_A, b=CHAIN_B, c=CHAIN_C)
    assert plan(sg, "{ order { amount total tax } }") == expected(
        """
        QueryPlan {
          Sequence {
            Fetch(service: "a") {
              {
                order {
                  __typename
                  id
                  amount
                }
              }
            },
            Flatten(path: "order") {
              Fetch(service: "b") {
                {
                  ... on Order {
                    __typename
                    id
                    amount
                  }
                } =>
                {
                  ... on Order {
                    tax
                  }
                }
              },
            },
            Flatten(path: "order") {
              Fetch(service: "c") {
                {
                  ... on Order {
                    __typename
                    id
                    tax
                  }
                } =>
                {
                  ... on Order {
                    total
                  }
                }
              },
            },
          },
        }
        """
    )


CYCLE_A = """
extend schema @link(url: "https://specs.apollo.dev/federation/v2.3",
                    import: ["@key", "@external", "@requires"])
type Query { cart: Cart }
type Cart @key(fields: "id") {
  id: ID!
  subtotal: Int
  discount: Int @external
  total: Int @requires(fields: "discount")
}
"""
CYCLE_B = """
extend schema @link(url: "https://specs.apollo.dev/federation/v2.3",
                    import: ["@key", "@external", "@requires"])
type Cart @key(fields: "id") {
  id: ID!
  subtotal: Int @external
  discount: Int @requires(fields: "subtotal")
}
"""


def test_requires_cycle_back_to_first_subgraph() -> None:
    # a.subtotal -> b.discount (requires subtotal) -> a.total (requires discount)
    sg = supergraph(a=CYCLE_A, b=CYCLE_B)
    assert plan(sg, "{ cart { total } }") == expected(
        """
        QueryPlan {
          Sequence {
            Fetch(service: "a") {
              {
                cart {
                  __typename
                  id
                  subtotal
                }
              }
            },
            Flatten(path: "cart") {
              Fetch(service: "b") {
                {
                  ... on Cart {
                    __typename
                    id
                    subtotal
                  }
                } =>
                {
                  ... on Cart {
                    discount
                  }
                }
              },
            },
            Flatten(path: "cart") {
              Fetch(service: "a") {
                {
                  ... on Cart {
                    __typename
                    id
                    discount
                  }
                } =>
                {
                  ... on Cart {
                    total
                  }
                }
              },
            },
          },
        }
        """
    )


def test_requires_cycle_with_all_fields() -> None:
    sg = supergraph(a=CYCLE_A, b=CYCLE_B)
    assert plan(sg, "{ cart { subtotal discount total } }") == expected(
        """
        QueryPlan {
          Sequence {
            Fetch(service: "a") {
              {
                cart {
                  __typename
                  id
                  subtotal
                }
              }
            },
            Flatten(path: "cart") {
              Fetch(service: "b") {
                {
                  ... on Cart {
                    __typename
                    id
                    subtotal
                  }
                } =>
                {
                  ... on Cart {
                    discount
                  }
                }
              },
            },
            Flatten(path: "cart") {
              Fetch(service: "a") {
                {
                  ... on Cart {
                    __typename
                    id
                    discount
                  }
                } =>
                {
                  ... on Cart {
                    total
                  }
                }
              },
            },
          },
        }
        """
    )


def test_requires_in_list_of_entities_at_depth() -> None:
    sg = supergraph(
        a="""
        extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
        type Query { users: [User] }
        type User @key(fields: "id") { id: ID! cart: Cart }
        type Cart @key(fields: "id") { id: ID! subtotal: Int }
        """,
        b=CYCLE_B.replace("Cart @key", "Cart @key", 1),
    )
    assert plan(sg, "{ users { cart { discount } } }") == expected(
        """
        QueryPlan {
          Sequence {
            Fetch(service: "a") {
              {
                users {
                  cart {
                    __typename
                    id
                    subtotal
                  }
                }
              }
            },
            Flatten(path: "users.@.cart") {
              Fetch(service: "b") {
                {
                  ... on Cart {
                    __typename
                    id
                    subtotal
                  }
                } =>
                {
                  ... on Cart {
                    discount
                  }
                }
              },
            },
          },
        }
        """
    )


def test_requires_client_alias_inside_nested_required_selection() -> None:
    sg = supergraph(products=PRODUCTS, shipping=SHIPPING)
    # the client's `width` is another field: the required `width` needs its own key
    query = "{ product { dimensions { width: depth height } boxType } }"
    assert plan(sg, query) == expected(
        """
        QueryPlan {
          Sequence {
            Fetch(service: "products") {
              {
                product {
                  __typename
                  id
                  dimensions {
                    width: depth
                    height
                    width__fedgate_0: width
                  }
                }
              }
            },
            Flatten(path: "product") {
              Fetch(service: "shipping") {
                {
                  ... on Product {
                    __typename
                    id
                    dimensions {
                      width__fedgate_0: width
                      height
                    }
                  }
                } =>
                {
                  ... on Product {
                    boxType
                  }
                }
              },
            },
          },
        }
        """
    )


MERGE_A = """
extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
type Query { account: Account }
type Account @key(fields: "id") { id: ID! balance: Int }
"""
MERGE_B = """
extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
type Account @key(fields: "id") { id: ID! risk: Int }
"""
MERGE_C = """
extend schema @link(url: "https://specs.apollo.dev/federation/v2.3",
                    import: ["@key", "@external", "@requires"])
type Account @key(fields: "id") {
  id: ID!
  balance: Int @external
  risk: Int @external
  limit: Int @requires(fields: "balance")
  rating: Int @requires(fields: "risk")
}
"""


def test_requires_from_two_subgraphs_into_one_fetch() -> None:
    sg = supergraph(a=MERGE_A, b=MERGE_B, c=MERGE_C)
    assert plan(sg, "{ account { limit rating } }") == expected(
        """
        QueryPlan {
          Sequence {
            Fetch(service: "a") {
              {
                account {
                  __typename
                  id
                  balance
                }
              }
            },
            Flatten(path: "account") {
              Fetch(service: "b") {
                {
                  ... on Account {
                    __typename
                    id
                  }
                } =>
                {
                  ... on Account {
                    risk
                  }
                }
              },
            },
            Flatten(path: "account") {
              Fetch(service: "c") {
                {
                  ... on Account {
                    __typename
                    id
                    balance
                    risk
                  }
                } =>
                {
                  ... on Account {
                    limit
                    rating
                  }
                }
              },
            },
          },
        }
        """
    )


ABSTRACT_REQ = """
extend schema @link(url: "https://specs.apollo.dev/federation/v2.3",
                    import: ["@key", "@external", "@requires"])
type Book @key(fields: "id") {
  id: ID!
  pages: Int @external
  readingHours: Int @requires(fields: "pages")
}
"""


def test_requires_on_implementation_of_interface() -> None:
    sg = supergraph(library=LIBRARY, reading=ABSTRACT_REQ)
    query = "{ shelf { items { title ... on Book { readingHours } } } }"
    assert plan(sg, query) == expected(
        """
        QueryPlan {
          Sequence {
            Fetch(service: "library") {
              {
                shelf {
                  items {
                    __typename
                    title
                    ... on Book {
                      __typename
                      id
                      pages
                    }
                  }
                }
              }
            },
            Flatten(path: "shelf.items.@") {
              Fetch(service: "reading") {
                {
                  ... on Book {
                    __typename
                    id
                    pages
                  }
                } =>
                {
                  ... on Book {
                    readingHours
                  }
                }
              },
            },
          },
        }
        """
    )


def test_requires_field_after_entity_jump() -> None:
    sg = supergraph(
        accounts="""
        extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
        type Query { me: User }
        type User @key(fields: "id") { id: ID! }
        """,
        orders="""
        extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
        type User @key(fields: "id") { id: ID! orders: [Order] }
        type Order @key(fields: "id") { id: ID! amount: Int }
        """,
        tax="""
        extend schema @link(url: "https://specs.apollo.dev/federation/v2.3",
                            import: ["@key", "@external", "@requires"])
        type Order @key(fields: "id") {
          id: ID!
          amount: Int @external
          tax: Int @requires(fields: "amount")
        }
        """,
    )
    assert plan(sg, "{ me { orders { tax } } }") == expected(
        """
        QueryPlan {
          Sequence {
            Fetch(service: "accounts") {
              {
                me {
                  __typename
                  id
                }
              }
            },
            Flatten(path: "me") {
              Fetch(service: "orders") {
                {
                  ... on User {
                    __typename
                    id
                  }
                } =>
                {
                  ... on User {
                    orders {
                      __typename
                      id
                      amount
                    }
                  }
                }
              },
            },
            Flatten(path: "me.orders.@") {
              Fetch(service: "tax") {
                {
                  ... on Order {
                    __typename
                    id
                    amount
                  }
                } =>
                {
                  ... on Order {
                    tax
                  }
                }
              },
            },
          },
        }
        """
    )


TAX_TWO = """
extend schema @link(url: "https://specs.apollo.dev/federation/v2.3",
                    import: ["@key", "@external", "@requires"])
enum Currency { EUR USD }
type Item @key(fields: "id") {
  id: ID!
  price(currency: Currency!): Int @external
  vat: Int @requires(fields: "price(currency: EUR)")
  usTax: Int @requires(fields: "price(currency: USD)")
}
"""


def test_two_requirements_same_field_other_arguments() -> None:
    # one representation cannot carry `price` twice: vat and usTax need separate fetches
    sg = supergraph(prices=PRICES, tax=TAX_TWO)
    assert plan(sg, "{ item { vat usTax } }") == expected(
        """
        QueryPlan {
          Sequence {
            Fetch(service: "prices") {
              {
                item {
                  __typename
                  id
                  price(currency: EUR)
                  price__fedgate_0: price(currency: USD)
                }
              }
            },
            Parallel {
              Flatten(path: "item") {
                Fetch(service: "tax") {
                  {
                    ... on Item {
                      __typename
                      id
                      price
                    }
                  } =>
                  {
                    ... on Item {
                      vat
                    }
                  }
                },
              },
              Flatten(path: "item") {
                Fetch(service: "tax") {
                  {
                    ... on Item {
                      __typename
                      id
                      price__fedgate_0: price
                    }
                  } =>
                  {
                    ... on Item {
                      usTax
                    }
                  }
                },
              },
            },
          },
        }
        """
    )


def test_two_requirements_same_field_other_arguments_and_client_field() -> None:
    sg = supergraph(prices=PRICES, tax=TAX_TWO)
    assert plan(sg, "{ item { price(currency: USD) vat usTax } }") == expected(
        """
        QueryPlan {
          Sequence {
            Fetch(service: "prices") {
              {
                item {
                  __typename
                  id
                  price__fedgate_0: price(currency: EUR)
                  price(currency: USD)
                }
              }
            },
            Parallel {
              Flatten(path: "item") {
                Fetch(service: "tax") {
                  {
                    ... on Item {
                      __typename
                      id
                      price__fedgate_0: price
                    }
                  } =>
                  {
                    ... on Item {
                      vat
                    }
                  }
                },
              },
              Flatten(path: "item") {
                Fetch(service: "tax") {
                  {
                    ... on Item {
                      __typename
                      id
                      price
                    }
                  } =>
                  {
                    ... on Item {
                      usTax
                    }
                  }
                },
              },
            },
          },
        }
        """
    )


def test_nested_requirement_fetched_through_another_jump() -> None:
    sg = supergraph(
        lib="""
        extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
        type Query { shelf: Shelf }
        type Shelf @key(fields: "id") { id: ID! items: [Book] }
        type Book @key(fields: "id") { id: ID! }
        """,
        pages="""
        extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
        type Book @key(fields: "id") { id: ID! pages: Int }
        """,
        loans="""
        extend schema @link(url: "https://specs.apollo.dev/federation/v2.3",
                            import: ["@key", "@external", "@requires"])
        type Shelf @key(fields: "id") {
          id: ID!
          items: [Book] @external
          totalPages: Int @requires(fields: "items { pages }")
        }
        type Book @key(fields: "id") { id: ID! pages: Int @external }
        """,
    )
    # `items` comes from lib, their `pages` from pages: loans waits for both
    assert plan(sg, "{ shelf { totalPages } }") == expected(
        """
        QueryPlan {
          Sequence {
            Fetch(service: "lib") {
              {
                shelf {
                  __typename
                  id
                  items {
                    __typename
                    id
                  }
                }
              }
            },
            Flatten(path: "shelf.items.@") {
              Fetch(service: "pages") {
                {
                  ... on Book {
                    __typename
                    id
                  }
                } =>
                {
                  ... on Book {
                    pages
                  }
                }
              },
            },
            Flatten(path: "shelf") {
              Fetch(service: "loans") {
                {
                  ... on Shelf {
                    __typename
                    id
                    items {
                      pages
                    }
                  }
                } =>
                {
                  ... on Shelf {
                    totalPages
                  }
                }
              },
            },
          },
        }
        """
    )


def test_requirement_on_interface_field_resolved_per_implementation() -> None:
    iface = """
    extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
    interface Media { id: ID! title: String }
    type TYPE implements Media @key(fields: "id") { id: ID! title: String }
    """
    sg = supergraph(
        lib="""
        extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
        type Query { shelf: Shelf }
        type Shelf @key(fields: "id") { id: ID! featured: Media }
        interface Media { id: ID! }
        type Book implements Media @key(fields: "id") { id: ID! }
        type Movie implements Media @key(fields: "id") { id: ID! }
        """,
        books=iface.replace("TYPE", "Book"),
        movies=iface.replace("TYPE", "Movie"),
        loans="""
        extend schema @link(url: "https://specs.apollo.dev/federation/v2.3",
                            import: ["@key", "@external", "@requires"])
        type Shelf @key(fields: "id") {
          id: ID!
          featured: Media @external
          label: String @requires(fields: "featured { title }")
        }
        interface Media { id: ID! title: String }
        type Book implements Media @key(fields: "id") { id: ID! title: String @external }
        type Movie implements Media @key(fields: "id") { id: ID! title: String @external }
        """,
    )
    # `title` of a Book comes from books, of a Movie from movies: loans waits for both
    assert plan(sg, "{ shelf { label } }") == expected(
        """
        QueryPlan {
          Sequence {
            Fetch(service: "lib") {
              {
                shelf {
                  __typename
                  id
                  featured {
                    __typename
                    ... on Book {
                      __typename
                      id
                    }
                    ... on Movie {
                      __typename
                      id
                    }
                  }
                }
              }
            },
            Parallel {
              Flatten(path: "shelf.featured") {
                Fetch(service: "books") {
                  {
                    ... on Book {
                      __typename
                      id
                    }
                  } =>
                  {
                    ... on Book {
                      title
                    }
                  }
                },
              },
              Flatten(path: "shelf.featured") {
                Fetch(service: "movies") {
                  {
                    ... on Movie {
                      __typename
                      id
                    }
                  } =>
                  {
                    ... on Movie {
                      title
                    }
                  }
                },
              },
            },
            Flatten(path: "shelf") {
              Fetch(service: "loans") {
                {
                  ... on Shelf {
                    __typename
                    id
                    featured {
                      title
                    }
                  }
                } =>
                {
                  ... on Shelf {
                    label
                  }
                }
              },
            },
          },
        }
        """
    )


def test_requirement_through_two_entity_jumps() -> None:
    sg = supergraph(
        a="""
        extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
        type Query { products: [Product] }
        type Product @key(fields: "id") { id: ID! name: String }
        """,
        b="""
        extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
        type Product @key(fields: "id") { id: ID! vendor: Vendor }
        type Vendor @key(fields: "id") { id: ID! }
        """,
        v="""
        extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
        type Vendor @key(fields: "id") { id: ID! country: String name: String }
        """,
        c="""
        extend schema @link(url: "https://specs.apollo.dev/federation/v2.3",
                            import: ["@key", "@external", "@requires"])
        type Product @key(fields: "id") {
          id: ID!
          vendor: Vendor @external
          tax: Int @requires(fields: "vendor { country }")
        }
        type Vendor @key(fields: "id") { id: ID! country: String @external }
        """,
    )
    # a (id) → b (vendor id) → v (country) → c (tax)
    assert plan(sg, "{ products { name tax vendor { name } } }") == expected(
        """
        QueryPlan {
          Sequence {
            Fetch(service: "a") {
              {
                products {
                  __typename
                  id
                  name
                }
              }
            },
            Flatten(path: "products.@") {
              Fetch(service: "b") {
                {
                  ... on Product {
                    __typename
                    id
                  }
                } =>
                {
                  ... on Product {
                    vendor {
                      __typename
                      id
                    }
                  }
                }
              },
            },
            Flatten(path: "products.@.vendor") {
              Fetch(service: "v") {
                {
                  ... on Vendor {
                    __typename
                    id
                  }
                } =>
                {
                  ... on Vendor {
                    country
                    name
                  }
                }
              },
            },
            Flatten(path: "products.@") {
              Fetch(service: "c") {
                {
                  ... on Product {
                    __typename
                    id
                    vendor {
                      country
                    }
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


def test_two_requirements_same_field_other_arguments_one_conditional() -> None:
    sg = supergraph(prices=PRICES, tax=TAX_TWO)
    query = "query ($c: Boolean!) { item { vat usTax @include(if: $c) } }"
    assert plan(sg, query) == expected(
        """
        QueryPlan {
          Sequence {
            Fetch(service: "prices") {
              {
                item {
                  __typename
                  id
                  price(currency: EUR)
                  ... @include(if: $c) {
                    __typename
                    id
                    price__fedgate_0: price(currency: USD)
                  }
                }
              }
            },
            Parallel {
              Flatten(path: "item") {
                Fetch(service: "tax") {
                  {
                    ... on Item {
                      __typename
                      id
                      price
                    }
                  } =>
                  {
                    ... on Item {
                      vat
                    }
                  }
                },
              },
              Include(if: $c) {
                Flatten(path: "item") {
                  Fetch(service: "tax") {
                    {
                      ... on Item {
                        __typename
                        id
                        price__fedgate_0: price
                      }
                    } =>
                    {
                      ... on Item {
                        usTax @include(if: $c)
                      }
                    }
                  },
                },
              },
            },
          },
        }
        """
    )


def test_requirement_and_key_hidden_from_the_api() -> None:
    # `id` and `secret` are @inaccessible: clients cannot select them, the planner still must
    link = (
        'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", '
        'import: ["@key", "@inaccessible", "@external", "@requires"])'
    )
    sg = supergraph(
        a=link
        + """
        type Query { me: User }
        type User @key(fields: "id") { id: ID! @inaccessible name: String }
        """,
        b=link
        + """
        type User @key(fields: "id") {
          id: ID! @inaccessible
          secret: String @inaccessible
          reviews: [String]
        }
        """,
        c=link
        + """
        type User @key(fields: "id") {
          id: ID! @inaccessible
          secret: String @external
          hint: String @requires(fields: "secret")
        }
        """,
    )
    assert plan(sg, "{ me { name reviews hint } }") == expected(
        """
        QueryPlan {
          Sequence {
            Fetch(service: "a") {
              {
                me {
                  __typename
                  id
                  name
                }
              }
            },
            Flatten(path: "me") {
              Fetch(service: "b") {
                {
                  ... on User {
                    __typename
                    id
                  }
                } =>
                {
                  ... on User {
                    reviews
                    secret
                  }
                }
              },
            },
            Flatten(path: "me") {
              Fetch(service: "c") {
                {
                  ... on User {
                    __typename
                    id
                    secret
                  }
                } =>
                {
                  ... on User {
                    hint
                  }
                }
              },
            },
          },
        }
        """
    )
