"""@context/@fromContext: a field argument whose value is a field of the nearest ancestor that
sets the context. The argument becomes a variable of an entity fetch (Apollo Router's plans; Apollo
Gateway does not execute them)."""

from __future__ import annotations

from gateway.planner.plan import Fetch, Flatten, Parallel, Sequence

from . import context_graphs as g
from .harness import expected, plan, supergraph


def test_context_two_levels_up_same_subgraph() -> None:
    # the field needs an entity fetch of its own even in the subgraph of its parent: the context
    # value is a variable of the _entities call (Apollo: the same fetches, other order)
    sg = supergraph(a=g.SAME_A, b=g.SAME_B)
    assert plan(sg, "{ ts { prop u { b field } v { us { c field } } } }") == expected(
        """
        QueryPlan {
          Sequence {
            Fetch(service: "a") {
              {
                ts {
                  __typename
                  prop
                  u {
                    __typename
                    id
                    b
                  }
                  v {
                    us {
                      __typename
                      id
                    }
                  }
                }
              }
            },
            Parallel {
              Flatten(path: "ts.@.u") {
                Fetch(service: "a") {
                  {
                    ... on U {
                      __typename
                      id
                    }
                  } =>
                  {
                    ... on U {
                      field(a: $contextualArgument_1_0)
                    }
                  }
                },
              },
              Flatten(path: "ts.@.v.us.@") {
                Fetch(service: "b") {
                  {
                    ... on U {
                      __typename
                      id
                    }
                  } =>
                  {
                    ... on U {
                      c
                    }
                  }
                },
              },
              Flatten(path: "ts.@.v.us.@") {
                Fetch(service: "a") {
                  {
                    ... on U {
                      __typename
                      id
                    }
                  } =>
                  {
                    ... on U {
                      field(a: $contextualArgument_1_0)
                    }
                  }
                },
              },
            },
          },
        }
        """
    )


def test_context_in_another_subgraph() -> None:
    # prop comes from a, and b's T entity fetch passes it: the field stays in that fetch (as Apollo)
    sg = supergraph(a=g.OTHER_A, b=g.OTHER_B)
    assert plan(sg, "{ ts { u { field } } }") == expected(
        """
        QueryPlan {
          Sequence {
            Fetch(service: "a") {
              {
                ts {
                  __typename
                  id
                  prop
                }
              }
            },
            Flatten(path: "ts.@") {
              Fetch(service: "b") {
                {
                  ... on T {
                    __typename
                    id
                  }
                } =>
                {
                  ... on T {
                    u {
                      field(a: $contextualArgument_2_0)
                    }
                  }
                }
              },
            },
          },
        }
        """
    )


def test_context_with_type_conditions() -> None:
    # each ancestor type reads its own field of the selection (as Apollo)
    sg = supergraph(a=g.COND_A, b=g.COND_B)
    assert plan(sg, "{ t { u { field } } s { u { field } } }") == expected(
        """
        QueryPlan {
          Sequence {
            Fetch(service: "a") {
              {
                t {
                  __typename
                  prop
                  u {
                    __typename
                    id
                  }
                }
                s {
                  __typename
                  other
                  u {
                    __typename
                    id
                  }
                }
              }
            },
            Parallel {
              Flatten(path: "t.u") {
                Fetch(service: "a") {
                  {
                    ... on U {
                      __typename
                      id
                    }
                  } =>
                  {
                    ... on U {
                      field(a: $contextualArgument_1_0)
                    }
                  }
                },
              },
              Flatten(path: "s.u") {
                Fetch(service: "a") {
                  {
                    ... on U {
                      __typename
                      id
                    }
                  } =>
                  {
                    ... on U {
                      field(a: $contextualArgument_1_0)
                    }
                  }
                },
              },
            },
          },
        }
        """
    )


def _fetches(node: object) -> list[Fetch]:
    if isinstance(node, Flatten):
        return [node.node]
    if isinstance(node, Fetch):
        return [node]
    if isinstance(node, Sequence | Parallel):
        return [f for n in node.nodes for f in _fetches(n)]
    return []


def test_context_rewrites_say_where_the_value_is_read() -> None:
    from graphql import parse

    from gateway.planner import Planner

    sg = supergraph(a=g.SAME_A, b=g.SAME_B)
    query = parse("{ ts { u { field } v { us { field } } } }")
    fetches = [f for f in _fetches(Planner(sg).plan(query).node) if f.context_rewrites]
    paths = sorted(rw.path for f in fetches for rw in f.context_rewrites)
    assert paths == [("..", "..", "... on T", "prop"), ("..", "... on T", "prop")]
    assert all(f.context_variables[0][1] == "String" for f in fetches)


def test_context_under_an_interface_with_aliases_and_a_clashing_client_field() -> None:
    # Apollo's planner fails on this one ("Was not able to find any options for field(n: 1)");
    # we read the context from either implementation, under an internal alias because the
    # client selects `prop` with an argument, and both aliases of `field` share the value
    sg = supergraph(a=g.IFACE_A, b=g.IFACE_B)
    query = "{ nodes { ... on T { prop(x: 1) } u { f1: field(n: 1) f2: field(n: 2) } } }"
    assert plan(sg, query) == expected(
        """
        QueryPlan {
          Sequence {
            Fetch(service: "a") {
              {
                nodes {
                  __typename
                  ... on T {
                    prop__fedgate_0: prop
                    prop(x: 1)
                  }
                  u {
                    __typename
                    id
                  }
                  ... on S {
                    prop__fedgate_0: prop
                  }
                }
              }
            },
            Flatten(path: "nodes.@.u") {
              Fetch(service: "a") {
                {
                  ... on U {
                    __typename
                    id
                  }
                } =>
                {
                  ... on U {
                    f1: field(n: 1, a: $contextualArgument_1_0)
                    f2: field(n: 2, a: $contextualArgument_1_0)
                  }
                }
              },
            },
          },
        }
        """
    )


def test_context_field_fetched_by_a_jump_from_the_ancestor() -> None:
    # prop is external where T sets the context: fetched from a, and the field's entity fetch
    # waits for it (as Apollo)
    sg = supergraph(a=g.JUMP_A, b=g.JUMP_B)
    assert plan(sg, "{ ts { u { field } } }") == expected(
        """
        QueryPlan {
          Sequence {
            Fetch(service: "b") {
              {
                ts {
                  __typename
                  id
                  u {
                    __typename
                    id
                  }
                }
              }
            },
            Flatten(path: "ts.@") {
              Fetch(service: "a") {
                {
                  ... on T {
                    __typename
                    id
                  }
                } =>
                {
                  ... on T {
                    prop
                  }
                }
              },
            },
            Flatten(path: "ts.@.u") {
              Fetch(service: "b") {
                {
                  ... on U {
                    __typename
                    id
                  }
                } =>
                {
                  ... on U {
                    field(a: $contextualArgument_2_0)
                  }
                }
              },
            },
          },
        }
        """
    )
