"""Unions (and interfaces) whose members differ per subgraph, under @shareable fields: only the
object types every subgraph serving the field can return are asked for
(docs/decisions/0013-partial-unions.md); as Apollo's and Hive's planners do. Executed in
``tests/execution/test_partial_unions_exec.py``."""

from __future__ import annotations

from .harness import expected, plan, supergraph
from .test_subgraph_operations import FEATURED_BOOKS, FEATURES, SHOP

SONGS = """
extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@shareable"])
type Query { viewer: Viewer @shareable }
type Viewer @shareable { media: Media song: Media }
union Media = Book | Song
type Book @shareable { title: String }
type Song @shareable { title: String }
"""
MOVIES = """
extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@shareable"])
type Query { viewer: Viewer @shareable }
type Viewer @shareable { media: Media book: Media }
union Media = Book | Movie
type Book @shareable { title: String }
type Movie @shareable { title: String }
"""
ALL = "__typename ... on Song { title } ... on Book { title } ... on Movie { title }"


def test_shared_field_asks_only_the_common_members() -> None:
    sg = supergraph(songs=SONGS, movies=MOVIES)
    assert plan(sg, f"{{ viewer {{ media {{ {ALL} }} }} }}") == expected(
        """
        QueryPlan {
          Fetch(service: "movies") {
            {
              viewer {
                media {
                  __typename
                  ... on Book {
                    title
                  }
                }
              }
            }
          },
        }
        """
    )


def test_field_of_one_subgraph_keeps_all_its_members() -> None:
    # `song` and `book` have one subgraph each: all of its members, from the same fetch
    sg = supergraph(songs=SONGS, movies=MOVIES)
    assert plan(sg, f"{{ viewer {{ book {{ {ALL} }} media {{ {ALL} }} }} }}") == expected(
        """
        QueryPlan {
          Fetch(service: "movies") {
            {
              viewer {
                book {
                  __typename
                  ... on Book {
                    title
                  }
                  ... on Movie {
                    title
                  }
                }
                media {
                  __typename
                  ... on Book {
                    title
                  }
                }
              }
            }
          },
        }
        """
    )


def test_fragment_only_on_a_member_not_shared() -> None:
    sg = supergraph(songs=SONGS, movies=MOVIES)
    assert plan(sg, "{ viewer { media { ... on Song { title } } } }") == expected(
        """
        QueryPlan {
          Fetch(service: "movies") {
            {
              viewer {
                media {
                  __typename
                }
              }
            }
          },
        }
        """
    )


def test_fragment_on_a_member_one_subgraph_lacks_does_not_pick_the_other() -> None:
    # `feature` is `Book` in books, `Media = Book | Song` in features: `Song` is never its value
    # (the common members are `Book` only), so `... on Song` must not make features look cheaper
    # than books, or the answer depends on the choice (difftest planner-f52837fedb9447ca-060cebf7)
    sg = supergraph(shop=SHOP, features=FEATURES, books=FEATURED_BOOKS)
    assert plan(sg, "{ products { feature { ... on Song { length } } } }") == expected(
        """
        QueryPlan {
          Sequence {
            Fetch(service: "shop") {
              {
                products {
                  __typename
                  id
                }
              }
            },
            Flatten(path: "products.@") {
              Fetch(service: "books") {
                {
                  ... on Product {
                    __typename
                    id
                  }
                } =>
                {
                  ... on Product {
                    feature {
                      __typename
                    }
                  }
                }
              },
            },
          },
        }
        """
    )
