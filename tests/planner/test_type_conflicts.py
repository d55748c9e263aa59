"""Fields whose type or nullability differs across subgraphs. The supergraph merges them
(e.g. `String!` in one subgraph and `String` in another is `String`), so a client selection
that is valid on the supergraph can be invalid in a subgraph (two fields with one response key
and different types in the same selection set): the planner aliases the conflicting selection
in the subgraph query and renames it back in the response. Likewise a client alias that takes
the response key of a field the planner needs (a key field, `__typename`) pushes the planner's
field to an alias of its own."""

from __future__ import annotations

from graphql import parse

from gateway.planner import Planner
from gateway.planner.plan import Fetch, Flatten, KeyRenamer, Parallel, PlanNode, Sequence
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


def renames(sg: Supergraph, query: str) -> list[tuple[str, KeyRenamer]]:
    """The output rewrites of every fetch (not shown in plan text), in plan order."""
    node = Planner(sg).plan(parse(query)).node
    return [
        (fetch.service, rw)
        for fetch in _fetches(node)
        for rw in fetch.output_rewrites
        if isinstance(rw, KeyRenamer)
    ]


A = """
extend schema @link(url: "https://specs.apollo.dev/federation/v2.3",
                    import: ["@key", "@shareable"])
type Query { media: [Media] }
interface Media { id: ID! }
type Book implements Media @key(fields: "id") {
  id: ID!
  title: String! @shareable
  author: Person! @shareable
  year: Int
}
type Movie implements Media @key(fields: "id") { id: ID! title: String author: Person year: Int }
type Person @shareable { name: String }
"""
B = """
extend schema @link(url: "https://specs.apollo.dev/federation/v2.3",
                    import: ["@key", "@shareable"])
type Query { book: Book }
type Book @key(fields: "id") { id: ID! title: String @shareable author: Person @shareable }
type Person @shareable { name: String }
"""


def test_nullability_conflict_is_aliased() -> None:
    sg = supergraph(a=A, b=B)
    query = "{ media { ... on Book { title } ... on Movie { title } } }"
    assert renames(sg, query) == [
        ("a", KeyRenamer(("media", "... on Movie", "title__fedgate_0"), "title"))
    ]
    assert plan(sg, query) == expected(
        """
        QueryPlan {
          Fetch(service: "a") {
            {
              media {
                __typename
                ... on Book {
                  title
                }
                ... on Movie {
                  title__fedgate_0: title
                }
              }
            }
          },
        }
        """
    )


def test_nullability_conflict_on_object_field() -> None:
    sg = supergraph(a=A, b=B)
    query = "{ media { ... on Book { author { name } } ... on Movie { author { name } } } }"
    assert renames(sg, query) == [
        ("a", KeyRenamer(("media", "... on Movie", "author__fedgate_0"), "author"))
    ]
    assert plan(sg, query) == expected(
        """
        QueryPlan {
          Fetch(service: "a") {
            {
              media {
                __typename
                ... on Book {
                  author {
                    name
                  }
                }
                ... on Movie {
                  author__fedgate_0: author {
                    name
                  }
                }
              }
            }
          },
        }
        """
    )


def test_same_types_need_no_alias() -> None:
    sg = supergraph(a=A, b=B)
    query = "{ media { ... on Book { year } ... on Movie { year } } }"
    assert renames(sg, query) == []
    assert plan(sg, query) == expected(
        """
        QueryPlan {
          Fetch(service: "a") {
            {
              media {
                __typename
                ... on Book {
                  year
                }
                ... on Movie {
                  year
                }
              }
            }
          },
        }
        """
    )


def test_client_alias_on_conflicting_field() -> None:
    sg = supergraph(a=A, b=B)
    query = "{ media { ... on Book { name: title } ... on Movie { name: title } } }"
    assert renames(sg, query) == [
        ("a", KeyRenamer(("media", "... on Movie", "name__fedgate_0"), "name"))
    ]
    assert plan(sg, query) == expected(
        """
        QueryPlan {
          Fetch(service: "a") {
            {
              media {
                __typename
                ... on Book {
                  name: title
                }
                ... on Movie {
                  name__fedgate_0: title
                }
              }
            }
          },
        }
        """
    )


def test_conflict_inside_entity_fetch() -> None:
    sg = supergraph(
        a=A,
        b=B,
        c="""
        extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
        type Query { feed: [Media] }
        interface Media { id: ID! }
        type Book implements Media @key(fields: "id") { id: ID! }
        type Movie implements Media @key(fields: "id") { id: ID! }
        """,
    )
    query = "{ feed { ... on Book { title } ... on Movie { title } } }"
    assert renames(sg, query) == [("a", KeyRenamer(("... on Movie", "title__fedgate_0"), "title"))]
    assert plan(sg, query) == expected(
        """
        QueryPlan {
          Sequence {
            Fetch(service: "c") {
              {
                feed {
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
            },
            Flatten(path: "feed.@") {
              Fetch(service: "a") {
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
                  ... on Book {
                    title
                  }
                  ... on Movie {
                    title__fedgate_0: title
                  }
                }
              },
            },
          },
        }
        """
    )


def test_jump_below_aliased_conflicting_field() -> None:
    sg = supergraph(
        a="""
        extend schema @link(url: "https://specs.apollo.dev/federation/v2.3",
                            import: ["@key", "@shareable"])
        type Query { media: [Media] }
        interface Media { id: ID! }
        type Book implements Media @key(fields: "id") { id: ID! author: Person! @shareable }
        type Movie implements Media @key(fields: "id") { id: ID! author: Person }
        type Person @key(fields: "id") { id: ID! }
        """,
        b="""
        extend schema @link(url: "https://specs.apollo.dev/federation/v2.3",
                            import: ["@key", "@shareable"])
        type Book @key(fields: "id") { id: ID! author: Person @shareable }
        type Person @key(fields: "id") { id: ID! }
        """,
        people="""
        extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
        type Person @key(fields: "id") { id: ID! name: String }
        """,
    )
    query = "{ media { ... on Book { author { name } } ... on Movie { author { name } } } }"
    # the jump reads `author` after the rename: its path has no alias in it
    assert renames(sg, query) == [
        ("a", KeyRenamer(("media", "... on Movie", "author__fedgate_0"), "author"))
    ]
    assert plan(sg, query) == expected(
        """
        QueryPlan {
          Sequence {
            Fetch(service: "a") {
              {
                media {
                  __typename
                  ... on Book {
                    author {
                      __typename
                      id
                    }
                  }
                  ... on Movie {
                    author__fedgate_0: author {
                      __typename
                      id
                    }
                  }
                }
              }
            },
            Flatten(path: "media.@.author") {
              Fetch(service: "people") {
                {
                  ... on Person {
                    __typename
                    id
                  }
                } =>
                {
                  ... on Person {
                    name
                  }
                }
              },
            },
          },
        }
        """
    )


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


def test_client_alias_takes_key_field_response_key() -> None:
    sg = supergraph(accounts=ACCOUNTS, reviews=REVIEWS)
    assert plan(sg, "{ me { id: name reviews { body } } }") == expected(
        """
        QueryPlan {
          Sequence {
            Fetch(service: "accounts") {
              {
                me {
                  __typename
                  id__fedgate_0: id
                  id: name
                }
              }
            },
            Flatten(path: "me") {
              Fetch(service: "reviews") {
                {
                  ... on User {
                    __typename
                    id__fedgate_0: id
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


def test_client_alias_takes_typename_response_key() -> None:
    # `__typename: name` is valid GraphQL; in the merged data `__typename` must stay the type
    # (fragments and representations read it), so the client's field is fetched under an
    # internal key and the shaper answers it from there. Apollo Gateway drops the field and
    # answers the type; Hive Gateway sends it as is and the subgraph rejects the conflict:
    # we answer what the GraphQL spec says (the name), with the reviews.
    sg = supergraph(accounts=ACCOUNTS, reviews=REVIEWS)
    assert plan(sg, "{ me { __typename: name reviews { body } } }") == expected(
        """
        QueryPlan {
          Sequence {
            Fetch(service: "accounts") {
              {
                me {
                  __typename
                  id
                  __typename__fedgate_alias: name
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


def test_key_fields_of_different_types_in_one_selection() -> None:
    # the planner's own key fields conflict too: Book.id is ID!, Movie.id is String!
    sg = supergraph(
        a="""
        extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
        type Query { results: [Result] }
        union Result = Book | Movie
        type Book @key(fields: "id") { id: ID! title: String }
        type Movie @key(fields: "id") { id: String! title: String }
        """,
        b="""
        extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
        type Book @key(fields: "id") { id: ID! pages: Int }
        type Movie @key(fields: "id") { id: String! minutes: Int }
        """,
    )
    query = "{ results { ... on Book { pages } ... on Movie { minutes } } }"
    assert renames(sg, query) == [
        ("a", KeyRenamer(("results", "... on Movie", "id__fedgate_0"), "id"))
    ]
    assert plan(sg, query) == expected(
        """
        QueryPlan {
          Sequence {
            Fetch(service: "a") {
              {
                results {
                  __typename
                  ... on Book {
                    __typename
                    id
                  }
                  ... on Movie {
                    __typename
                    id__fedgate_0: id
                  }
                }
              }
            },
            Flatten(path: "results.@") {
              Fetch(service: "b") {
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
                  ... on Book {
                    pages
                  }
                  ... on Movie {
                    minutes
                  }
                }
              },
            },
          },
        }
        """
    )


def test_conflict_from_interface_field_split_by_planner() -> None:
    # a's Media interface has no `title`: the planner splits it per type, which conflicts
    sg = supergraph(
        a="""
        extend schema @link(url: "https://specs.apollo.dev/federation/v2.3",
                            import: ["@key", "@shareable"])
        type Query { media: [Media] }
        interface Media { id: ID! }
        type Book implements Media @key(fields: "id") { id: ID! title: String! @shareable }
        type Movie implements Media @key(fields: "id") { id: ID! title: String }
        """,
        b="""
        extend schema @link(url: "https://specs.apollo.dev/federation/v2.3",
                            import: ["@key", "@shareable"])
        interface Media { id: ID! title: String }
        type Book implements Media @key(fields: "id") { id: ID! title: String @shareable }
        type Song implements Media @key(fields: "id") { id: ID! title: String }
        """,
    )
    query = "{ media { title } }"
    assert renames(sg, query) == [
        ("a", KeyRenamer(("media", "... on Movie", "title__fedgate_0"), "title"))
    ]
    assert plan(sg, query) == expected(
        """
        QueryPlan {
          Fetch(service: "a") {
            {
              media {
                __typename
                ... on Book {
                  title
                }
                ... on Movie {
                  title__fedgate_0: title
                }
              }
            }
          },
        }
        """
    )


def test_conflict_with_key_field_under_condition() -> None:
    sg = supergraph(
        a="""
        extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
        type Query { results: [Result] }
        union Result = Book | Movie
        type Book @key(fields: "id") { id: ID! title: String }
        type Movie @key(fields: "id") { id: String! title: String }
        """,
        b="""
        extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
        type Book @key(fields: "id") { id: ID! pages: Int }
        type Movie @key(fields: "id") { id: String! minutes: Int }
        """,
    )
    query = """
    query ($c: Boolean!) { results { ... on Book { pages @include(if: $c) } ... on Movie { id } } }
    """
    assert renames(sg, query) == [
        ("a", KeyRenamer(("results", "... on Movie", "id__fedgate_0"), "id"))
    ]
    assert plan(sg, query) == expected(
        """
        QueryPlan {
          Sequence {
            Fetch(service: "a") {
              {
                results {
                  __typename
                  ... on Book {
                    ... @include(if: $c) {
                      __typename
                      id
                    }
                  }
                  ... on Movie {
                    id__fedgate_0: id
                  }
                }
              }
            },
            Include(if: $c) {
              Flatten(path: "results.@") {
                Fetch(service: "b") {
                  {
                    ... on Book {
                      __typename
                      id
                    }
                  } =>
                  {
                    ... on Book {
                      pages @include(if: $c)
                    }
                  }
                },
              },
            },
          },
        }
        """
    )
