"""Interfaces and unions whose implementations or members differ per subgraph: each subgraph
receives only fragments on types it knows (and knows as implementations/members of that
abstract type), chosen per path; fields of implementations that live elsewhere are fetched
through their key."""

from __future__ import annotations

from .harness import expected, plan, supergraph

A = """
extend schema @link(url: "https://specs.apollo.dev/federation/v2.3",
                    import: ["@key", "@shareable"])
type Query { nodes: [Node] resultsA: [Result] }
interface Node { id: ID! }
union Result = User | Team
type User implements Node @key(fields: "id") { id: ID! name: String }
type Team implements Node @key(fields: "id") { id: ID! size: Int }
type Bot @key(fields: "id") { id: ID! owner: String }
"""
B = """
extend schema @link(url: "https://specs.apollo.dev/federation/v2.3",
                    import: ["@key", "@shareable"])
type Query { search: [Node] resultsB: [Result] }
interface Node { id: ID! }
union Result = User | Bot
type User implements Node @key(fields: "id") { id: ID! email: String }
type Bot implements Node @key(fields: "id") { id: ID! model: String }
"""

FRAGMENTS = """
fragment F on Node {
  id
  ... on User { name email }
  ... on Team { size }
  ... on Bot { model }
}
"""


def test_interface_fragments_only_on_types_the_subgraph_knows() -> None:
    sg = supergraph(a=A, b=B)
    assert plan(sg, "{ nodes { ...F } }" + FRAGMENTS) == expected(
        """
        QueryPlan {
          Sequence {
            Fetch(service: "a") {
              {
                nodes {
                  __typename
                  id
                  ... on User {
                    __typename
                    id
                    name
                  }
                  ... on Team {
                    size
                  }
                }
              }
            },
            Flatten(path: "nodes.@") {
              Fetch(service: "b") {
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


def test_same_fragment_differs_per_path() -> None:
    sg = supergraph(a=A, b=B)
    assert plan(sg, "{ nodes { ...F } search { ...F } }" + FRAGMENTS) == expected(
        """
        QueryPlan {
          Parallel {
            Sequence {
              Fetch(service: "a") {
                {
                  nodes {
                    __typename
                    id
                    ... on User {
                      __typename
                      id
                      name
                    }
                    ... on Team {
                      size
                    }
                  }
                }
              },
              Flatten(path: "nodes.@") {
                Fetch(service: "b") {
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
            Sequence {
              Fetch(service: "b") {
                {
                  search {
                    __typename
                    id
                    ... on User {
                      __typename
                      id
                      email
                    }
                    ... on Bot {
                      model
                    }
                  }
                }
              },
              Flatten(path: "search.@") {
                Fetch(service: "a") {
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


def test_union_members_differ_per_subgraph() -> None:
    sg = supergraph(a=A, b=B)
    query = """
    {
      resultsA { ... on User { name } ... on Team { size } ... on Bot { model } }
      resultsB { ... on User { name } ... on Team { size } ... on Bot { model } }
    }
    """
    assert plan(sg, query) == expected(
        """
        QueryPlan {
          Parallel {
            Fetch(service: "a") {
              {
                resultsA {
                  __typename
                  ... on User {
                    name
                  }
                  ... on Team {
                    size
                  }
                }
              }
            },
            Sequence {
              Fetch(service: "b") {
                {
                  resultsB {
                    __typename
                    ... on User {
                      __typename
                      id
                    }
                    ... on Bot {
                      model
                    }
                  }
                }
              },
              Flatten(path: "resultsB.@") {
                Fetch(service: "a") {
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


def test_type_not_implementing_interface_in_subgraph() -> None:
    sg = supergraph(a=A, b=B)
    # Bot exists in a, but does not implement Node there: `nodes` from a never returns a Bot,
    # so `... on Bot` must not be sent to a (it would not even be valid there)
    assert plan(sg, "{ nodes { id ... on Bot { owner model } } }") == expected(
        """
        QueryPlan {
          Fetch(service: "a") {
            {
              nodes {
                __typename
                id
              }
            }
          },
        }
        """
    )


def test_interface_field_of_implementation_elsewhere() -> None:
    sg = supergraph(a=A, b=B)
    assert plan(sg, "{ search { ... on User { name } ... on Bot { owner } } }") == expected(
        """
        QueryPlan {
          Sequence {
            Fetch(service: "b") {
              {
                search {
                  __typename
                  ... on User {
                    __typename
                    id
                  }
                  ... on Bot {
                    __typename
                    id
                  }
                }
              }
            },
            Flatten(path: "search.@") {
              Fetch(service: "a") {
                {
                  ... on User {
                    __typename
                    id
                  }
                  ... on Bot {
                    __typename
                    id
                  }
                } =>
                {
                  ... on User {
                    name
                  }
                  ... on Bot {
                    owner
                  }
                }
              },
            },
          },
        }
        """
    )


NESTED_A = """
extend schema @link(url: "https://specs.apollo.dev/federation/v2.3",
                    import: ["@key", "@shareable"])
type Query { feed: [Item] }
interface Item { id: ID! }
type Post implements Item @key(fields: "id") { id: ID! text: String }
type Photo implements Item @key(fields: "id") { id: ID! url: String }
"""
NESTED_B = """
extend schema @link(url: "https://specs.apollo.dev/federation/v2.3",
                    import: ["@key", "@shareable"])
interface Item { id: ID! }
type Post implements Item @key(fields: "id") { id: ID! related: [Item] }
type Video implements Item @key(fields: "id") { id: ID! length: Int }
type Photo @key(fields: "id") { id: ID! likes: Int }
"""


def test_abstract_field_inside_entity_fetch() -> None:
    sg = supergraph(a=NESTED_A, b=NESTED_B)
    # `related` is resolved by b, which knows Post and Video as Items, but not Photo
    query = """
    { feed { ... on Post { related { id ... on Video { length } ... on Photo { url likes } } } } }
    """
    assert plan(sg, query) == expected(
        """
        QueryPlan {
          Sequence {
            Fetch(service: "a") {
              {
                feed {
                  __typename
                  ... on Post {
                    __typename
                    id
                  }
                }
              }
            },
            Flatten(path: "feed.@") {
              Fetch(service: "b") {
                {
                  ... on Post {
                    __typename
                    id
                  }
                } =>
                {
                  ... on Post {
                    related {
                      __typename
                      id
                      ... on Video {
                        length
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


NAMED_A = """
extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
type Query { nodes: [Node] }
interface Node { id: ID! }
type User implements Node @key(fields: "id") { id: ID! }
type Team implements Node @key(fields: "id") { id: ID! }
"""
NAMED_B = """
extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
interface Named { name: String }
type User implements Named @key(fields: "id") { id: ID! name: String }
type Team @key(fields: "id") { id: ID! label: String }
"""


def test_fragment_on_interface_unknown_to_subgraph() -> None:
    sg = supergraph(a=NAMED_A, b=NAMED_B)
    # a does not know `Named`: it must get the matching object types (User) instead
    assert plan(sg, "{ nodes { id ... on Named { name } } }") == expected(
        """
        QueryPlan {
          Sequence {
            Fetch(service: "a") {
              {
                nodes {
                  __typename
                  id
                  ... on User {
                    __typename
                    id
                  }
                }
              }
            },
            Flatten(path: "nodes.@") {
              Fetch(service: "b") {
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


def test_interface_field_resolved_differently_per_implementation() -> None:
    sg = supergraph(
        a="""
        extend schema @link(url: "https://specs.apollo.dev/federation/v2.3",
                            import: ["@key", "@shareable"])
        type Query { nodes: [Node] }
        interface Node { id: ID! }
        type User implements Node @key(fields: "id") { id: ID! title: String @shareable }
        type Team implements Node @key(fields: "id") { id: ID! }
        """,
        b="""
        extend schema @link(url: "https://specs.apollo.dev/federation/v2.3",
                            import: ["@key", "@shareable"])
        interface Node { id: ID! title: String }
        type User implements Node @key(fields: "id") { id: ID! title: String @shareable }
        type Team implements Node @key(fields: "id") { id: ID! title: String }
        """,
    )
    assert plan(sg, "{ nodes { id title } }") == expected(
        """
        QueryPlan {
          Sequence {
            Fetch(service: "a") {
              {
                nodes {
                  __typename
                  id
                  ... on Team {
                    __typename
                    id
                  }
                  ... on User {
                    title
                  }
                }
              }
            },
            Flatten(path: "nodes.@") {
              Fetch(service: "b") {
                {
                  ... on Team {
                    __typename
                    id
                  }
                } =>
                {
                  ... on Team {
                    title
                  }
                }
              },
            },
          },
        }
        """
    )
