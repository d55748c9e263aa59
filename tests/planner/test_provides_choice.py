"""Which subgraph serves a shareable field when one of them @provides part of the subtree:
between plans with as many fetches, the one whose root fetch answers more itself (fewer
fields fetched through entity jumps afterwards), so a provided field is never fetched again
from its owner and the subgraph that only lists the objects is not asked. Also through an
interface-typed list (``items { ... on Book { title } }``). Executed in
``tests/execution/test_provides_choice_exec.py``."""

from __future__ import annotations

from .harness import expected, plan, supergraph

LISTING = """
extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", "@shareable"])
type Query { feed: [Entry] @shareable shelf: Shelf @shareable }
union Entry = Article | Video
type Article @key(fields: "id") { id: ID! }
type Video @key(fields: "id") { id: ID! }
interface Item { id: ID! }
type Shelf @key(fields: "id") { id: ID! items: [Item] @shareable }
type Book implements Item @key(fields: "id") { id: ID! }
type Song implements Item @key(fields: "id") { id: ID! }
"""
PROVIDER = """
extend schema @link(url: "https://specs.apollo.dev/federation/v2.3",
                    import: ["@key", "@shareable", "@provides", "@external"])
type Query {
  feed: [Entry] @shareable @provides(fields: "... on Article { headline }")
  shelf: Shelf @shareable @provides(fields: "items { ... on Book { title } }")
}
union Entry = Article | Video
type Article @key(fields: "id") { id: ID! headline: String @external }
type Video @key(fields: "id") { id: ID! }
interface Item { id: ID! }
type Shelf @key(fields: "id") { id: ID! items: [Item] @shareable }
type Book implements Item @key(fields: "id") { id: ID! title: String @external }
type Song implements Item @key(fields: "id") { id: ID! }
"""
OWNER = """
extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", "@shareable"])
type Article @key(fields: "id") { id: ID! headline: String @shareable }
type Video @key(fields: "id") { id: ID! headline: String @shareable }
type Book @key(fields: "id") { id: ID! title: String @shareable }
type Song @key(fields: "id") { id: ID! title: String @shareable }
"""


def graphs() -> dict[str, str]:
    return {"listing": LISTING, "provider": PROVIDER, "owner": OWNER}


def test_provided_field_keeps_the_root_field_on_the_provider() -> None:
    sg = supergraph(**graphs())
    query = "{ feed { ... on Article { id headline } ... on Video { id headline } } }"
    assert plan(sg, query) == expected(
        """
        QueryPlan {
          Sequence {
            Fetch(service: "provider") {
              {
                feed {
                  __typename
                  ... on Article {
                    id
                    headline
                  }
                  ... on Video {
                    __typename
                    id
                  }
                }
              }
            },
            Flatten(path: "feed.@") {
              Fetch(service: "owner") {
                {
                  ... on Video {
                    __typename
                    id
                  }
                } =>
                {
                  ... on Video {
                    headline
                  }
                }
              },
            },
          },
        }
        """
    )


def test_provided_field_through_an_interface_list() -> None:
    sg = supergraph(**graphs())
    query = "{ shelf { items { id ... on Book { title } ... on Song { title } } } }"
    assert plan(sg, query) == expected(
        """
        QueryPlan {
          Sequence {
            Fetch(service: "provider") {
              {
                shelf {
                  items {
                    __typename
                    id
                    ... on Book {
                      title
                    }
                    ... on Song {
                      __typename
                      id
                    }
                  }
                }
              }
            },
            Flatten(path: "shelf.items.@") {
              Fetch(service: "owner") {
                {
                  ... on Song {
                    __typename
                    id
                  }
                } =>
                {
                  ... on Song {
                    title
                  }
                }
              },
            },
          },
        }
        """
    )


def test_tied_root_field_joins_the_fetch_another_root_field_needs() -> None:
    # `shelf { id }` costs the same from both; `feed` is cheaper from the provider: one root
    # fetch for both (Apollo and Hive plan the same), whichever comes first in the query
    sg = supergraph(**graphs())
    query = "{ shelf { id } feed { ... on Article { headline } } }"
    assert plan(sg, query) == expected(
        """
        QueryPlan {
          Fetch(service: "provider") {
            {
              shelf {
                id
              }
              feed {
                __typename
                ... on Article {
                  headline
                }
              }
            }
          },
        }
        """
    )
