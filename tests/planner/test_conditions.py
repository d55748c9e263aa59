"""@skip/@include: literal conditions are applied at planning time (a skipped selection costs
no fetch); variable conditions stay on the selection in the subgraph query, and an entity
fetch that only serves a conditional selection runs under a condition node (`Include`/`Skip`)
on that variable. Variables with defaults keep their defaults in the subgraph operations."""

from __future__ import annotations

from graphql import OperationDefinitionNode, parse, print_ast

from gateway.planner import Planner
from gateway.planner.plan import Condition, Fetch, Flatten, Parallel, PlanNode, Sequence
from gateway.supergraph import Supergraph

from .harness import expected, plan, supergraph

ACCOUNTS = """
extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
type Query { me: User }
type User @key(fields: "id") { id: ID! name: String }
"""
REVIEWS = """
extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
type Query { topReviews: [Review] }
type User @key(fields: "id") { id: ID! reviews: [Review] }
type Review { body: String }
"""


def test_literal_skip_removes_the_fetch() -> None:
    sg = supergraph(accounts=ACCOUNTS, reviews=REVIEWS)
    query = "{ me { name reviews @skip(if: true) { body } } }"
    assert plan(sg, query) == expected(
        """
        QueryPlan {
          Fetch(service: "accounts") {
            {
              me {
                name
              }
            }
          },
        }
        """
    )


def test_literal_include_true_is_plain() -> None:
    sg = supergraph(accounts=ACCOUNTS, reviews=REVIEWS)
    query = "{ me { name reviews @include(if: true) { body } } }"
    assert plan(sg, query) == expected(
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


def test_literal_conditions_on_root_fields_and_fragments() -> None:
    sg = supergraph(accounts=ACCOUNTS, reviews=REVIEWS)
    query = "{ me @include(if: false) { name } ... @skip(if: false) { topReviews { body } } }"
    assert plan(sg, query) == expected(
        """
        QueryPlan {
          Fetch(service: "reviews") {
            {
              topReviews {
                body
              }
            }
          },
        }
        """
    )


def test_variable_include_on_entity_jump() -> None:
    sg = supergraph(accounts=ACCOUNTS, reviews=REVIEWS)
    query = "query ($r: Boolean!) { me { name reviews @include(if: $r) { body } } }"
    assert plan(sg, query) == expected(
        """
        QueryPlan {
          Sequence {
            Fetch(service: "accounts") {
              {
                me {
                  name
                  ... @include(if: $r) {
                    __typename
                    id
                  }
                }
              }
            },
            Include(if: $r) {
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
                      reviews @include(if: $r) {
                        body
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


def test_variable_skip_on_entity_jump() -> None:
    sg = supergraph(accounts=ACCOUNTS, reviews=REVIEWS)
    query = "query ($r: Boolean!) { me { name reviews @skip(if: $r) { body } } }"
    assert plan(sg, query) == expected(
        """
        QueryPlan {
          Sequence {
            Fetch(service: "accounts") {
              {
                me {
                  name
                  ... @skip(if: $r) {
                    __typename
                    id
                  }
                }
              }
            },
            Skip(if: $r) {
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
                      reviews @skip(if: $r) {
                        body
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


def test_variable_condition_on_local_field() -> None:
    sg = supergraph(accounts=ACCOUNTS, reviews=REVIEWS)
    query = "query ($n: Boolean!) { me { id name @include(if: $n) } }"
    assert plan(sg, query) == expected(
        """
        QueryPlan {
          Fetch(service: "accounts") {
            {
              me {
                id
                name @include(if: $n)
              }
            }
          },
        }
        """
    )


def test_variable_condition_on_root_field() -> None:
    sg = supergraph(accounts=ACCOUNTS, reviews=REVIEWS)
    query = "query ($r: Boolean!) { me { name } topReviews @include(if: $r) { body } }"
    assert plan(sg, query) == expected(
        """
        QueryPlan {
          Parallel {
            Fetch(service: "accounts") {
              {
                me {
                  name
                }
              }
            },
            Include(if: $r) {
              Fetch(service: "reviews") {
                {
                  topReviews @include(if: $r) {
                    body
                  }
                }
              },
            },
          },
        }
        """
    )


def test_variable_condition_on_fragment_with_jump() -> None:
    sg = supergraph(accounts=ACCOUNTS, reviews=REVIEWS)
    query = "query ($r: Boolean!) { me { name ... @include(if: $r) { reviews { body } } } }"
    assert plan(sg, query) == expected(
        """
        QueryPlan {
          Sequence {
            Fetch(service: "accounts") {
              {
                me {
                  name
                  ... @include(if: $r) {
                    __typename
                    id
                  }
                }
              }
            },
            Include(if: $r) {
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
          },
        }
        """
    )


def test_nested_conditions() -> None:
    sg = supergraph(accounts=ACCOUNTS, reviews=REVIEWS)
    query = """
    query ($a: Boolean!, $b: Boolean!) {
      me @include(if: $a) { name reviews @skip(if: $b) { body } }
    }
    """
    assert plan(sg, query) == expected(
        """
        QueryPlan {
          Sequence {
            Include(if: $a) {
              Fetch(service: "accounts") {
                {
                  me @include(if: $a) {
                    name
                    ... @skip(if: $b) {
                      __typename
                      id
                    }
                  }
                }
              },
            },
            Include(if: $a) {
              Skip(if: $b) {
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
                        reviews @skip(if: $b) {
                          body
                        }
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


def _fetches(node: PlanNode | None) -> list[Fetch]:
    if isinstance(node, Fetch):
        return [node]
    if isinstance(node, Flatten):
        return [node.node]
    if isinstance(node, Sequence | Parallel):
        return [f for n in node.nodes for f in _fetches(n)]
    if isinstance(node, Condition):
        return _fetches(node.if_clause) + _fetches(node.else_clause)
    return []


def _variable_defaults(sg: Supergraph, query: str) -> list[tuple[str, str, str, str | None]]:
    """(service, variable, type, default) of every subgraph operation's variables."""
    out: list[tuple[str, str, str, str | None]] = []
    for fetch in _fetches(Planner(sg).plan(parse(query)).node):
        op = parse(fetch.operation).definitions[0]
        assert isinstance(op, OperationDefinitionNode)
        for v in op.variable_definitions or ():
            if v.variable.name.value != "representations":
                default = print_ast(v.default_value) if v.default_value else None
                out.append((fetch.service, v.variable.name.value, print_ast(v.type), default))
    return out


def test_variable_with_default_keeps_default_in_subgraph_operation() -> None:
    sg = supergraph(accounts=ACCOUNTS, reviews=REVIEWS)
    query = "query Q($n: Boolean = true) { me { id name @include(if: $n) } }"
    assert plan(sg, query) == expected(
        """
        QueryPlan {
          Fetch(service: "accounts") {
            {
              me {
                id
                name @include(if: $n)
              }
            }
          },
        }
        """
    )
    # `$n: Boolean` without its default would be invalid where `Boolean!` is expected
    assert _variable_defaults(sg, query) == [("accounts", "n", "Boolean", "true")]


def test_variable_with_default_on_entity_jump() -> None:
    sg = supergraph(accounts=ACCOUNTS, reviews=REVIEWS)
    query = "query ($r: Boolean = false) { me { name reviews @include(if: $r) { body } } }"
    assert _variable_defaults(sg, query) == [
        ("accounts", "r", "Boolean", "false"),
        ("reviews", "r", "Boolean", "false"),
    ]
    assert plan(sg, query) == expected(
        """
        QueryPlan {
          Sequence {
            Fetch(service: "accounts") {
              {
                me {
                  name
                  ... @include(if: $r) {
                    __typename
                    id
                  }
                }
              }
            },
            Include(if: $r) {
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
                      reviews @include(if: $r) {
                        body
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


def test_condition_on_field_with_requires() -> None:
    sg = supergraph(
        products="""
        extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
        type Query { product: Product }
        type Product @key(fields: "id") { id: ID! name: String weight: Int }
        """,
        shipping="""
        extend schema @link(url: "https://specs.apollo.dev/federation/v2.3",
                            import: ["@key", "@external", "@requires"])
        type Product @key(fields: "id") {
          id: ID!
          weight: Int @external
          estimate: Int @requires(fields: "weight")
        }
        """,
    )
    # the requirement (and the key) are fetched only when the field is
    query = "query ($e: Boolean!) { product { name estimate @include(if: $e) } }"
    assert plan(sg, query) == expected(
        """
        QueryPlan {
          Sequence {
            Fetch(service: "products") {
              {
                product {
                  name
                  ... @include(if: $e) {
                    __typename
                    id
                    weight
                  }
                }
              }
            },
            Include(if: $e) {
              Flatten(path: "product") {
                Fetch(service: "shipping") {
                  {
                    ... on Product {
                      __typename
                      id
                      weight
                    }
                  } =>
                  {
                    ... on Product {
                      estimate @include(if: $e)
                    }
                  }
                },
              },
            },
          },
        }
        """
    )


def test_skip_and_include_on_one_field() -> None:
    sg = supergraph(accounts=ACCOUNTS, reviews=REVIEWS)
    query = """
    query ($s: Boolean!, $i: Boolean!) {
      me { name reviews @skip(if: $s) @include(if: $i) { body } }
    }
    """
    assert plan(sg, query) == expected(
        """
        QueryPlan {
          Sequence {
            Fetch(service: "accounts") {
              {
                me {
                  name
                  ... @skip(if: $s) @include(if: $i) {
                    __typename
                    id
                  }
                }
              }
            },
            Skip(if: $s) {
              Include(if: $i) {
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
                        reviews @skip(if: $s) @include(if: $i) {
                          body
                        }
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
