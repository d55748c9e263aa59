"""Which subgraph a root field several subgraphs resolve goes to, where its costs tie: the
one adding the fewest root fetches to those the other root fields make anyway, else the
first (``roots._assign``)."""

from __future__ import annotations

from .harness import expected, plan, supergraph

MOVIES = """
extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@shareable"])
type Query { viewer: Viewer @shareable }
type Viewer @shareable { media: Media book: Media @shareable }
union Media = Book | Movie
type Book @shareable { title: String }
type Movie { title: String }
"""
SONGS = """
extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@shareable"])
type Query { viewer: Viewer @shareable }
type Viewer @shareable { media: Media song: Media @shareable }
union Media = Book | Song
type Book @shareable { title: String }
type Song { title: String }
"""


def test_a_tie_that_needs_both_subgraphs_either_way_goes_to_the_first() -> None:
    # ``b: viewer`` needs movies (book) and songs (song) from either subgraph; the other root
    # field going to songs saves no fetch, so the shared ``media`` stays with movies, as
    # Apollo and Hive plan (the answer may depend on it where the data disagree)
    sg = supergraph(movies=MOVIES, songs=SONGS)
    query = """
    { b: viewer { book { __typename } media { __typename } song { __typename } }
      viewer { b: song { __typename } } }
    """
    assert plan(sg, query) == expected(
        """
        QueryPlan {
          Parallel {
            Fetch(service: "movies") {
              {
                b: viewer {
                  book {
                    __typename
                  }
                  media {
                    __typename
                  }
                }
              }
            },
            Fetch(service: "songs") {
              {
                b: viewer {
                  song {
                    __typename
                  }
                }
                viewer {
                  b: song {
                    __typename
                  }
                }
              }
            },
          },
        }
        """
    )


def test_a_tie_goes_where_another_root_field_goes_anyway() -> None:
    sg = supergraph(movies=MOVIES, songs=SONGS)
    query = "{ a: viewer { media { __typename } } viewer { song { __typename } } }"
    assert plan(sg, query) == expected(
        """
        QueryPlan {
          Fetch(service: "songs") {
            {
              a: viewer {
                media {
                  __typename
                }
              }
              viewer {
                song {
                  __typename
                }
              }
            }
          },
        }
        """
    )


def test_one_root_field_selected_twice_is_chosen_for_as_one() -> None:
    # CollectFields merges both ``viewer`` selections: the tie is the whole subtree's
    sg = supergraph(movies=MOVIES, songs=SONGS)
    query = (
        "{ viewer { book { __typename } } viewer { media { __typename } a: song { __typename } } }"
    )
    assert plan(sg, query) == expected(
        """
        QueryPlan {
          Parallel {
            Fetch(service: "movies") {
              {
                viewer {
                  book {
                    __typename
                  }
                  media {
                    __typename
                  }
                }
              }
            },
            Fetch(service: "songs") {
              {
                viewer {
                  a: song {
                    __typename
                  }
                }
              }
            },
          },
        }
        """
    )
