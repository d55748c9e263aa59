"""Mutations: top-level mutation fields run one after another in document order (consecutive
fields on one subgraph may share a fetch), each followed by the entity fetches its selection
needs before the next mutation field runs."""

from __future__ import annotations

from .harness import expected, plan, supergraph

ACCOUNTS = """
extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
type Query { me: User }
type Mutation { login(name: String!): User rename(name: String!): User }
type User @key(fields: "id") { id: ID! name: String }
"""
ORDERS = """
extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
type Mutation { placeOrder(item: String!): Order cancelOrder(id: ID!): Order }
type Order @key(fields: "id") { id: ID! item: String buyer: User }
type User @key(fields: "id") { id: ID! orders: [Order] }
"""


def test_mutation_fields_in_document_order() -> None:
    sg = supergraph(accounts=ACCOUNTS, orders=ORDERS)
    query = """
    mutation {
      login(name: "ann") { id }
      placeOrder(item: "book") { id }
      rename(name: "bob") { name }
    }
    """
    assert plan(sg, query) == expected(
        """
        QueryPlan {
          Sequence {
            Fetch(service: "accounts") {
              mutation {
                login(name: "ann") {
                  id
                }
              }
            },
            Fetch(service: "orders") {
              mutation {
                placeOrder(item: "book") {
                  id
                }
              }
            },
            Fetch(service: "accounts") {
              mutation {
                rename(name: "bob") {
                  name
                }
              }
            },
          },
        }
        """
    )


def test_consecutive_fields_on_one_subgraph() -> None:
    sg = supergraph(accounts=ACCOUNTS, orders=ORDERS)
    query = """
    mutation {
      login(name: "ann") { id }
      rename(name: "bob") { name }
      placeOrder(item: "book") { id }
      cancelOrder(id: "1") { id }
    }
    """
    assert plan(sg, query) == expected(
        """
        QueryPlan {
          Sequence {
            Fetch(service: "accounts") {
              mutation {
                login(name: "ann") {
                  id
                }
                rename(name: "bob") {
                  name
                }
              }
            },
            Fetch(service: "orders") {
              mutation {
                placeOrder(item: "book") {
                  id
                }
                cancelOrder(id: "1") {
                  id
                }
              }
            },
          },
        }
        """
    )


def test_each_mutation_field_with_its_follow_ups() -> None:
    sg = supergraph(accounts=ACCOUNTS, orders=ORDERS)
    query = """
    mutation {
      placeOrder(item: "book") { item buyer { name } }
      rename(name: "bob") { name orders { item } }
      cancelOrder(id: "1") { buyer { name } }
    }
    """
    assert plan(sg, query) == expected(
        """
        QueryPlan {
          Sequence {
            Fetch(service: "orders") {
              mutation {
                placeOrder(item: "book") {
                  item
                  buyer {
                    __typename
                    id
                  }
                }
              }
            },
            Flatten(path: "placeOrder.buyer") {
              Fetch(service: "accounts") {
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
            Fetch(service: "accounts") {
              mutation {
                rename(name: "bob") {
                  __typename
                  id
                  name
                }
              }
            },
            Flatten(path: "rename") {
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
                      item
                    }
                  }
                }
              },
            },
            Fetch(service: "orders") {
              mutation {
                cancelOrder(id: "1") {
                  buyer {
                    __typename
                    id
                  }
                }
              }
            },
            Flatten(path: "cancelOrder.buyer") {
              Fetch(service: "accounts") {
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
        }
        """
    )


def test_mutation_with_variables_and_fragments() -> None:
    sg = supergraph(accounts=ACCOUNTS, orders=ORDERS)
    query = """
    mutation Checkout($item: String!, $name: String!) {
      ...Order
      rename(name: $name) { name }
    }
    fragment Order on Mutation { placeOrder(item: $item) { id buyer { name } } }
    """
    assert plan(sg, query) == expected(
        """
        QueryPlan {
          Sequence {
            Fetch(service: "orders") {
              mutation {
                placeOrder(item: $item) {
                  id
                  buyer {
                    __typename
                    id
                  }
                }
              }
            },
            Flatten(path: "placeOrder.buyer") {
              Fetch(service: "accounts") {
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
            Fetch(service: "accounts") {
              mutation {
                rename(name: $name) {
                  name
                }
              }
            },
          },
        }
        """
    )


def test_consecutive_fields_with_follow_ups() -> None:
    sg = supergraph(accounts=ACCOUNTS, orders=ORDERS)
    query = """
    mutation {
      login(name: "ann") { orders { item } }
      rename(name: "bob") { name }
    }
    """
    assert plan(sg, query) == expected(
        """
        QueryPlan {
          Sequence {
            Fetch(service: "accounts") {
              mutation {
                login(name: "ann") {
                  __typename
                  id
                }
                rename(name: "bob") {
                  name
                }
              }
            },
            Flatten(path: "login") {
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
                      item
                    }
                  }
                }
              },
            },
          },
        }
        """
    )


def test_mutation_entity_follow_up_on_same_subgraph_later() -> None:
    sg = supergraph(accounts=ACCOUNTS, orders=ORDERS)
    # the follow-up of `placeOrder` (accounts) must not be merged into `rename`'s mutation
    # fetch to accounts, and must run before it
    query = """
    mutation {
      placeOrder(item: "book") { buyer { name } }
      rename(name: "bob") { name }
    }
    """
    assert plan(sg, query) == expected(
        """
        QueryPlan {
          Sequence {
            Fetch(service: "orders") {
              mutation {
                placeOrder(item: "book") {
                  buyer {
                    __typename
                    id
                  }
                }
              }
            },
            Flatten(path: "placeOrder.buyer") {
              Fetch(service: "accounts") {
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
            Fetch(service: "accounts") {
              mutation {
                rename(name: "bob") {
                  name
                }
              }
            },
          },
        }
        """
    )


def test_conditional_mutation_fields() -> None:
    sg = supergraph(accounts=ACCOUNTS, orders=ORDERS)
    query = """
    mutation ($x: Boolean!) {
      login(name: "a") @include(if: $x) { id }
      rename(name: "b") { name }
      placeOrder(item: "c") @skip(if: $x) { buyer { name } }
    }
    """
    assert plan(sg, query) == expected(
        """
        QueryPlan {
          Sequence {
            Fetch(service: "accounts") {
              mutation {
                login(name: "a") @include(if: $x) {
                  id
                }
                rename(name: "b") {
                  name
                }
              }
            },
            Skip(if: $x) {
              Fetch(service: "orders") {
                mutation {
                  placeOrder(item: "c") @skip(if: $x) {
                    buyer {
                      __typename
                      id
                    }
                  }
                }
              },
            },
            Skip(if: $x) {
              Flatten(path: "placeOrder.buyer") {
                Fetch(service: "accounts") {
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
          },
        }
        """
    )


def test_mutation_returning_interface() -> None:
    sg = supergraph(
        accounts=ACCOUNTS,
        orders=ORDERS,
        media="""
        extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
        type Mutation { publish(title: String!): Media }
        interface Media { id: ID! title: String }
        type Book implements Media @key(fields: "id") { id: ID! title: String owner: User }
        type Movie implements Media @key(fields: "id") { id: ID! title: String }
        type User @key(fields: "id") { id: ID! }
        """,
    )
    query = """
    mutation {
      publish(title: "t") { title ... on Book { owner { name } } }
      rename(name: "b") { name }
    }
    """
    assert plan(sg, query) == expected(
        """
        QueryPlan {
          Sequence {
            Fetch(service: "media") {
              mutation {
                publish(title: "t") {
                  __typename
                  title
                  ... on Book {
                    owner {
                      __typename
                      id
                    }
                  }
                }
              }
            },
            Flatten(path: "publish.owner") {
              Fetch(service: "accounts") {
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
            Fetch(service: "accounts") {
              mutation {
                rename(name: "b") {
                  name
                }
              }
            },
          },
        }
        """
    )
