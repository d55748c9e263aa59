"""@interfaceObject: a subgraph adds fields to an entity interface without knowing its
implementations. Its fields are reached from any implementation through the interface's key;
objects it returns carry the interface's name as ``__typename``, so the real ``__typename``
and any type condition on an implementation must come from the subgraph that knows the
concrete types."""

from __future__ import annotations

from typing import Any

from graphql import parse

from gateway.execution.representations import RepBuilder, apply_value_setters
from gateway.execution.typematch import TypeMatcher
from gateway.planner import Planner
from gateway.planner.plan import Fetch, Flatten, Parallel, PlanNode, Sequence
from gateway.supergraph import Supergraph

from .harness import expected, plan, supergraph


def _fetches(node: PlanNode | None) -> list[Fetch]:
    if isinstance(node, Fetch):
        return [node]
    if isinstance(node, Flatten):
        return [node.node]
    if isinstance(node, Sequence | Parallel):
        return [f for n in node.nodes for f in _fetches(n)]
    return []


def sent(sg: Supergraph, query: str, service: str, obj: dict[str, Any]) -> list[Any]:
    """The representation each entity fetch to ``service`` would send for the response object
    ``obj``, built as the executor builds it (requires selection, then input rewrites, which
    the plan text does not show)."""
    matcher = TypeMatcher(sg.api_schema)
    out: list[Any] = []
    for fetch in _fetches(Planner(sg).plan(parse(query)).node):
        if fetch.service == service and fetch.requires is not None:
            rep = RepBuilder(fetch.requires, sg.api_schema, matcher).build(dict(obj))
            if rep is not None:
                apply_value_setters([rep], fetch.input_rewrites, matcher)
            out.append(rep)
    return out


INVENTORY = """
extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
type Query { products: [Product] }
interface Product @key(fields: "id") { id: ID! title: String }
type Book implements Product @key(fields: "id") { id: ID! title: String pages: Int }
type Movie implements Product @key(fields: "id") { id: ID! title: String minutes: Int }
"""
REVIEWS = """
extend schema @link(url: "https://specs.apollo.dev/federation/v2.3",
                    import: ["@key", "@interfaceObject"])
type Query { topRated: [Product] }
type Product @key(fields: "id") @interfaceObject { id: ID! rating: Int reviews: [Review] }
type Review { body: String }
"""


def test_interface_object_field_from_implementations() -> None:
    sg = supergraph(inventory=INVENTORY, reviews=REVIEWS)
    # reviews knows no Book or Movie: the representations must say `Product`
    for typename in ("Book", "Movie"):
        obj = {"__typename": typename, "id": "1", "title": "t"}
        assert sent(sg, "{ products { title rating } }", "reviews", obj) == [
            {"__typename": "Product", "id": "1"}
        ]
    assert plan(sg, "{ products { title rating } }") == expected(
        """
        QueryPlan {
          Sequence {
            Fetch(service: "inventory") {
              {
                products {
                  __typename
                  title
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
            },
            Flatten(path: "products.@") {
              Fetch(service: "reviews") {
                {
                  ... on Book {
                    __typename
                    id
                  }
                  ... on Movie {
                    __typename
                    id
                  }
                } =>
                {
                  ... on Product {
                    rating
                  }
                }
              },
            },
          },
        }
        """
    )


def test_interface_object_field_under_type_condition() -> None:
    sg = supergraph(inventory=INVENTORY, reviews=REVIEWS)
    query = "{ products { ... on Book { pages rating } ... on Movie { minutes } } }"
    book = {"__typename": "Book", "id": "1", "pages": 3}
    assert sent(sg, query, "reviews", book) == [{"__typename": "Product", "id": "1"}]
    assert sent(sg, query, "reviews", {"__typename": "Movie", "id": "2"}) == [None]
    assert plan(sg, query) == expected(
        """
        QueryPlan {
          Sequence {
            Fetch(service: "inventory") {
              {
                products {
                  __typename
                  ... on Book {
                    __typename
                    id
                    pages
                  }
                  ... on Movie {
                    minutes
                  }
                }
              }
            },
            Flatten(path: "products.@") {
              Fetch(service: "reviews") {
                {
                  ... on Book {
                    __typename
                    id
                  }
                } =>
                {
                  ... on Product {
                    rating
                  }
                }
              },
            },
          },
        }
        """
    )


def test_interface_field_from_interface_object_root() -> None:
    sg = supergraph(inventory=INVENTORY, reviews=REVIEWS)
    assert plan(sg, "{ topRated { rating title } }") == expected(
        """
        QueryPlan {
          Sequence {
            Fetch(service: "reviews") {
              {
                topRated {
                  __typename
                  rating
                  id
                }
              }
            },
            Flatten(path: "topRated.@") {
              Fetch(service: "inventory") {
                {
                  ... on Product {
                    __typename
                    id
                  }
                } =>
                {
                  ... on Product {
                    __typename
                    title
                  }
                }
              },
            },
          },
        }
        """
    )


def test_interface_object_local_fields_only() -> None:
    sg = supergraph(inventory=INVENTORY, reviews=REVIEWS)
    assert plan(sg, "{ topRated { id rating reviews { body } } }") == expected(
        """
        QueryPlan {
          Fetch(service: "reviews") {
            {
              topRated {
                __typename
                id
                rating
                reviews {
                  body
                }
              }
            }
          },
        }
        """
    )


def test_real_typename_from_subgraph_with_concrete_types() -> None:
    sg = supergraph(inventory=INVENTORY, reviews=REVIEWS)
    assert plan(sg, "{ topRated { __typename rating } }") == expected(
        """
        QueryPlan {
          Sequence {
            Fetch(service: "reviews") {
              {
                topRated {
                  __typename
                  id
                  rating
                }
              }
            },
            Flatten(path: "topRated.@") {
              Fetch(service: "inventory") {
                {
                  ... on Product {
                    __typename
                    id
                  }
                } =>
                {
                  ... on Product {
                    __typename
                  }
                }
              },
            },
          },
        }
        """
    )


def test_type_condition_through_interface_object() -> None:
    sg = supergraph(inventory=INVENTORY, reviews=REVIEWS)
    query = "{ topRated { rating ... on Book { pages } ... on Movie { title } } }"
    assert plan(sg, query) == expected(
        """
        QueryPlan {
          Sequence {
            Fetch(service: "reviews") {
              {
                topRated {
                  __typename
                  rating
                  id
                }
              }
            },
            Flatten(path: "topRated.@") {
              Fetch(service: "inventory") {
                {
                  ... on Product {
                    __typename
                    id
                  }
                } =>
                {
                  ... on Product {
                    __typename
                    ... on Book {
                      pages
                    }
                    ... on Movie {
                      title
                    }
                  }
                }
              },
            },
          },
        }
        """
    )


def test_interface_object_field_under_condition_from_interface_object_root() -> None:
    sg = supergraph(inventory=INVENTORY, reviews=REVIEWS)
    assert plan(sg, "{ topRated { ... on Book { pages rating } } }") == expected(
        """
        QueryPlan {
          Sequence {
            Fetch(service: "reviews") {
              {
                topRated {
                  __typename
                  id
                }
              }
            },
            Flatten(path: "topRated.@") {
              Fetch(service: "inventory") {
                {
                  ... on Product {
                    __typename
                    id
                  }
                } =>
                {
                  ... on Product {
                    __typename
                    ... on Book {
                      __typename
                      id
                      pages
                    }
                  }
                }
              },
            },
            Flatten(path: "topRated.@") {
              Fetch(service: "reviews") {
                {
                  ... on Book {
                    __typename
                    id
                  }
                } =>
                {
                  ... on Product {
                    rating
                  }
                }
              },
            },
          },
        }
        """
    )


def test_interface_field_through_interface_object_from_third_subgraph() -> None:
    sg = supergraph(
        inventory=INVENTORY,
        reviews=REVIEWS,
        stock="""
        extend schema @link(url: "https://specs.apollo.dev/federation/v2.3",
                            import: ["@key", "@interfaceObject"])
        type Product @key(fields: "id") @interfaceObject { id: ID! inStock: Boolean }
        """,
    )
    assert plan(sg, "{ topRated { rating inStock } }") == expected(
        """
        QueryPlan {
          Sequence {
            Fetch(service: "reviews") {
              {
                topRated {
                  __typename
                  rating
                  id
                }
              }
            },
            Flatten(path: "topRated.@") {
              Fetch(service: "stock") {
                {
                  ... on Product {
                    __typename
                    id
                  }
                } =>
                {
                  ... on Product {
                    inStock
                  }
                }
              },
            },
          },
        }
        """
    )


PRICED = """
extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
type Query { products: [Product] }
interface Product @key(fields: "id") { id: ID! price: Int }
type Book implements Product @key(fields: "id") { id: ID! price: Int }
type Movie implements Product @key(fields: "id") { id: ID! price: Int }
"""
DEALS = """
extend schema @link(url: "https://specs.apollo.dev/federation/v2.3",
                    import: ["@key", "@interfaceObject", "@external", "@requires"])
type Query { deals: [Product] }
type Product @key(fields: "id") @interfaceObject {
  id: ID!
  price: Int @external
  discounted: Int @requires(fields: "price")
}
"""


def test_requires_in_interface_object_from_implementations() -> None:
    sg = supergraph(priced=PRICED, deals=DEALS)
    query = "{ products { discounted } }"
    for typename in ("Book", "Movie"):
        obj = {"__typename": typename, "id": "1", "price": 3}
        assert sent(sg, query, "deals", obj) == [{"__typename": "Product", "id": "1", "price": 3}]
    assert plan(sg, query) == expected(
        """
        QueryPlan {
          Sequence {
            Fetch(service: "priced") {
              {
                products {
                  __typename
                  ... on Book {
                    __typename
                    id
                    price
                  }
                  ... on Movie {
                    __typename
                    id
                    price
                  }
                }
              }
            },
            Flatten(path: "products.@") {
              Fetch(service: "deals") {
                {
                  ... on Book {
                    __typename
                    id
                    price
                  }
                  ... on Movie {
                    __typename
                    id
                    price
                  }
                } =>
                {
                  ... on Product {
                    discounted
                  }
                }
              },
            },
          },
        }
        """
    )


def test_requires_in_interface_object_from_its_root() -> None:
    sg = supergraph(priced=PRICED, deals=DEALS)
    assert plan(sg, "{ deals { discounted } }") == expected(
        """
        QueryPlan {
          Sequence {
            Fetch(service: "deals") {
              {
                deals {
                  __typename
                  id
                }
              }
            },
            Flatten(path: "deals.@") {
              Fetch(service: "priced") {
                {
                  ... on Product {
                    __typename
                    id
                  }
                } =>
                {
                  ... on Product {
                    __typename
                    price
                  }
                }
              },
            },
            Flatten(path: "deals.@") {
              Fetch(service: "deals") {
                {
                  ... on Product {
                    __typename
                    id
                    price
                  }
                } =>
                {
                  ... on Product {
                    discounted
                  }
                }
              },
            },
          },
        }
        """
    )
    # whether the object is still typed `Product` (as deals answered) or has its concrete type
    # by now (if priced was asked for it), deals must receive `Product`
    for typename in ("Product", "Book"):
        obj = {"__typename": typename, "id": "1", "price": 3}
        reps = sent(sg, "{ deals { discounted } }", "deals", obj)
        assert reps == [{"__typename": "Product", "id": "1", "price": 3}]


def test_interface_object_field_twice_through_type_condition() -> None:
    sg = supergraph(priced=PRICED, deals=DEALS)
    # one fetch to deals can answer both `discounted` and the Movie-only alias of it
    query = "{ deals { discounted ... on Movie { movieDiscount: discounted } } }"
    assert plan(sg, query) == expected(
        """
        QueryPlan {
          Sequence {
            Fetch(service: "deals") {
              {
                deals {
                  __typename
                  id
                }
              }
            },
            Flatten(path: "deals.@") {
              Fetch(service: "priced") {
                {
                  ... on Product {
                    __typename
                    id
                  }
                } =>
                {
                  ... on Product {
                    __typename
                    price
                    ... on Movie {
                      __typename
                      id
                      price
                    }
                  }
                }
              },
            },
            Flatten(path: "deals.@") {
              Fetch(service: "deals") {
                {
                  ... on Product {
                    __typename
                    id
                    price
                  }
                  ... on Movie {
                    __typename
                    id
                    price
                  }
                } =>
                {
                  ... on Product {
                    discounted
                    movieDiscount: discounted
                  }
                }
              },
            },
          },
        }
        """
    )
