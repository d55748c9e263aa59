"""Subgraph operations are valid GraphQL for the subgraph that receives them.

* A selection set never ends up empty: where literal ``@skip``/``@include`` remove every
  sub-selection, or every fragment under a field is pruned for the serving subgraph, or the
  selections moved to another fetch, the subgraph is asked for ``__typename`` (the client's
  response keeps ``{}``); a fetch that selects nothing is not sent.
* Each operation declares exactly the variables it uses (with the client's types and defaults).
* A field is planned on the type the *serving* subgraph gives it (``join__field(type:)``): a union
  or interface in the supergraph may be one object type there, and fragments on the other types
  are pruned (Apollo's plans do the same).

The executed counterparts are in ``tests/execution/test_subgraph_operations.py``.
"""

from __future__ import annotations

from graphql import parse

from gateway.planner import Planner
from gateway.planner.plan import BatchFetch, Condition, Fetch, Flatten, Parallel, PlanNode, Sequence
from gateway.supergraph import Supergraph

from .harness import expected, plan, supergraph

PRODUCTS = """
extend schema @link(url: "https://specs.apollo.dev/federation/v2.3",
                    import: ["@key", "@shareable"])
type Query { products: [Product] }
type Product @key(fields: "id") { id: ID! name: String dims: Dims @shareable }
type Dims @shareable { w: Int }
"""
STOCK = """
extend schema @link(url: "https://specs.apollo.dev/federation/v2.3",
                    import: ["@key", "@shareable"])
type Product @key(fields: "id") { id: ID! stock: Int dims: Dims @shareable }
type Dims @shareable { w: Int h: Int }
"""
MEDIA = """
extend schema @link(url: "https://specs.apollo.dev/federation/v2.3",
                    import: ["@key", "@shareable"])
type Query { media: Media @shareable item: Item @shareable shelf: Shelf @shareable }
union Media = Book | Song
interface Item { id: ID! }
type Book implements Item @key(fields: "id") { id: ID! title: String @shareable }
type Song implements Item @key(fields: "id") { id: ID! length: Int }
type Shelf @shareable { top: Media }
"""
BOOKS = """
extend schema @link(url: "https://specs.apollo.dev/federation/v2.3",
                    import: ["@key", "@shareable"])
type Query { media: Book @shareable item: Book @shareable shelf: Shelf @shareable }
type Book @key(fields: "id") { id: ID! title: String @shareable pages: Int }
type Shelf @shareable { top: Book }
"""


SHOP = """
extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
type Query { products: [Product] }
type Product @key(fields: "id") { id: ID! }
"""
FEATURES = """
extend schema @link(url: "https://specs.apollo.dev/federation/v2.3",
                    import: ["@key", "@shareable"])
type Product @key(fields: "id") { id: ID! feature: Media @shareable }
union Media = Book | Song
type Book @key(fields: "id") { id: ID! title: String @shareable }
type Song @key(fields: "id") { id: ID! length: Int }
"""
FEATURED_BOOKS = """
extend schema @link(url: "https://specs.apollo.dev/federation/v2.3",
                    import: ["@key", "@shareable"])
type Product @key(fields: "id") { id: ID! feature: Book @shareable }
type Book @key(fields: "id") { id: ID! title: String @shareable pages: Int }
"""


def products() -> Supergraph:
    return supergraph(products=PRODUCTS, stock=STOCK)


def media() -> Supergraph:
    return supergraph(media=MEDIA, books=BOOKS)


def operations(sg: Supergraph, query: str) -> list[tuple[str, str]]:
    """(service, operation text) of every fetch, in plan order: what the plan text hides
    (the operation's name and variable definitions)."""
    return list(_operations(Planner(sg).plan(parse(query)).node))


def _operations(node: PlanNode | None) -> list[tuple[str, str]]:
    match node:
        case (
            Fetch(service=service, operation=operation)
            | BatchFetch(service=service, operation=operation)
        ):
            return [(service, operation)]
        case Flatten(node=inner):
            return _operations(inner)
        case Sequence(nodes=nodes) | Parallel(nodes=nodes):
            return [op for n in nodes for op in _operations(n)]
        case Condition(if_clause=yes, else_clause=no):
            return _operations(yes) + _operations(no)
    return []


def test_literal_skip_of_every_subfield_asks_for_typename() -> None:
    """The issue's demo query: `inStock @skip(if: true)` alone used to leave `topProducts` with no
    selection set; Apollo keeps the key fields there, we ask for `__typename`."""
    query = "{ products { name @skip(if: true) } }"
    assert plan(products(), query) == expected(
        """
        QueryPlan {
          Fetch(service: "products") {
            {
              products {
                __typename
              }
            }
          },
        }
        """
    )


def test_literal_include_false_in_a_fragment_asks_for_typename() -> None:
    query = "{ products { ... on Product { stock @include(if: false) } } }"
    assert plan(products(), query) == expected(
        """
        QueryPlan {
          Fetch(service: "products") {
            {
              products {
                __typename
              }
            }
          },
        }
        """
    )


def test_an_entity_fetch_that_selects_nothing_is_not_sent() -> None:
    """Only the key fields remain in the root fetch; nothing is left to ask `stock` for."""
    query = "{ products { id stock @skip(if: true) } }"
    assert plan(products(), query) == expected(
        """
        QueryPlan {
          Fetch(service: "products") {
            {
              products {
                id
              }
            }
          },
        }
        """
    )


def test_literal_skip_under_an_entity_fetch() -> None:
    query = "{ products { dims @skip(if: false) { h @skip(if: true) } } }"
    assert plan(products(), query) == expected(
        """
        QueryPlan {
          Fetch(service: "products") {
            {
              products {
                dims {
                  __typename
                }
              }
            }
          },
        }
        """
    )


def test_value_type_whose_fields_come_through_the_parent_key() -> None:
    """`dims` is fetched from the products subgraph but all of its selection (`h`) comes
    through `Product`'s key from stock: `dims` used to be sent as `dims {}`."""
    query = "{ products { dims { h } } }"
    assert plan(products(), query) == expected(
        """
        QueryPlan {
          Sequence {
            Fetch(service: "products") {
              {
                products {
                  __typename
                  id
                  dims {
                    __typename
                  }
                }
              }
            },
            Flatten(path: "products.@") {
              Fetch(service: "stock") {
                {
                  ... on Product {
                    __typename
                    id
                  }
                } =>
                {
                  ... on Product {
                    dims {
                      h
                    }
                  }
                }
              },
            },
          },
        }
        """
    )


def test_variables_of_pruned_selections_are_not_declared() -> None:
    """`$v` guards only a fragment that products cannot answer: products' operation must not
    declare it ("Variable $v is never used"), while `$w` keeps its type and default; the
    fragment goes to stock with its condition (as in Apollo's plan), and `$v` with it."""
    query = """
      query Q($v: Boolean!, $w: Boolean = true) {
        products { dims { ... @include(if: $v) { h } } name @include(if: $w) }
      }
    """
    [(_, root), (_, entity)] = operations(products(), query)
    assert root.startswith("query Q__products__0($w:Boolean=true){")
    assert "$v" not in root
    assert entity.startswith("query Q__stock__1($representations:[_Any!]!,$v:Boolean!){")
    assert plan(products(), query) == expected(
        """
        QueryPlan {
          Sequence {
            Fetch(service: "products") {
              {
                products {
                  __typename
                  id
                  dims {
                    __typename
                  }
                  name @include(if: $w)
                }
              }
            },
            Flatten(path: "products.@") {
              Fetch(service: "stock") {
                {
                  ... on Product {
                    __typename
                    id
                  }
                } =>
                {
                  ... on Product {
                    dims {
                      ... @include(if: $v) {
                        h
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


def test_union_field_that_is_an_object_type_in_its_subgraph() -> None:
    """`media` is `Book` in books: `... on Song` is pruned and `... on Book` is inlined."""
    query = """
      { media { __typename ... on Book { title pages } ... on Song { length } } }
    """
    assert plan(media(), query) == expected(
        """
        QueryPlan {
          Fetch(service: "books") {
            {
              media {
                __typename
                title
                pages
              }
            }
          },
        }
        """
    )


def test_interface_and_nested_fields_typed_by_the_serving_subgraph() -> None:
    """`item` (an interface) and `shelf.top` (a union) are `Book` in books; the conditional
    fragment on `Song` goes, and so does its variable."""
    query = """
      query Q($v: Boolean!) {
        item { __typename id ... on Book { pages } ... on Song @include(if: $v) { length } }
        shelf { top { ... on Song { length } ... on Book { pages } } }
      }
    """
    [(_, operation)] = operations(media(), query)
    assert operation.startswith("query Q__books__0{")
    assert plan(media(), query) == expected(
        """
        QueryPlan {
          Fetch(service: "books") {
            {
              item {
                __typename
                id
                pages
              }
              shelf {
                top {
                  __typename
                  pages
                }
              }
            }
          },
        }
        """
    )


def test_only_fragments_on_other_types_leave_typename() -> None:
    """Nothing under `top` applies to a `Book`: the client's answer is `{}` there."""
    query = "{ shelf { top { ... on Song { length } } } }"
    assert plan(media(), query) == expected(
        """
        QueryPlan {
          Fetch(service: "books") {
            {
              shelf {
                top {
                  __typename
                }
              }
            }
          },
        }
        """
    )


def test_field_typed_by_the_subgraph_inside_an_entity_fetch() -> None:
    """`Product.feature` is `Media` in features and `Book` in books, reached by an entity
    fetch: the same rule (Apollo's plan is the same)."""
    sg = supergraph(shop=SHOP, features=FEATURES, books=FEATURED_BOOKS)
    query = "{ products { feature { ... on Book { pages } ... on Song { length } } } }"
    assert plan(sg, query) == expected(
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
                      pages
                    }
                  }
                }
              },
            },
          },
        }
        """
    )


CATALOG = """
extend schema @link(url: "https://specs.apollo.dev/federation/v2.3",
                    import: ["@key", "@shareable"])
type Query { media: [Media] }
interface Media { id: ID! }
type Book implements Media @key(fields: "id") { id: ID! author: Person! @shareable }
type Movie implements Media @key(fields: "id") { id: ID! author: Person }
type Person @key(fields: "id") { id: ID! }
"""
AUTHORS = """
extend schema @link(url: "https://specs.apollo.dev/federation/v2.3",
                    import: ["@key", "@shareable"])
type Book @key(fields: "id") { id: ID! author: Person @shareable }
type Person @key(fields: "id") { id: ID! }
"""
PEOPLE = """
extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
type Person @key(fields: "id") { id: ID! name: String }
"""


def test_a_conflicting_key_selected_twice_shares_one_alias() -> None:
    """`author` is `Person!` on Book and `Person` on Movie in catalog, so Movie's is aliased;
    Movie's `author` is selected twice (with and without a condition): one alias for both, so
    that the subgraph merges them and both sub-selections come back (found by running both
    plan modes on generated subgraphs: `a0` was lost behind a second alias)."""
    sg = supergraph(catalog=CATALOG, authors=AUTHORS, people=PEOPLE)
    query = """
      query Q($v: Boolean!) {
        media {
          ... @include(if: $v) {
            ... on Book { author { name } }
            ... on Movie { author { a0: id } }
          }
          ... on Movie { author { __typename } }
        }
      }
    """
    assert plan(sg, query) == expected(
        """
        QueryPlan {
          Sequence {
            Fetch(service: "catalog") {
              {
                media {
                  __typename
                  ... @include(if: $v) {
                    ... on Book {
                      author {
                        __typename
                        id
                      }
                    }
                    ... on Movie {
                      author__fedgate_0: author {
                        a0: id
                      }
                    }
                  }
                  ... on Movie {
                    author__fedgate_0: author {
                      __typename
                    }
                  }
                }
              }
            },
            Include(if: $v) {
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
          },
        }
        """
    )


def test_conditions_of_nested_fragments_are_not_repeated_on_one_location() -> None:
    """`@include` is not repeatable: the root fragment that gathers both conditions is printed
    as two nested fragments (the subgraph used to reject "The directive '@include' can only be
    used once at this location"), and the entity fetch it leads to runs under both."""
    query = """
      query Q($a: Boolean!, $b: Boolean!) {
        products { id }
        ... @include(if: $a) { ... @include(if: $b) { products { stock } } }
      }
    """
    assert plan(products(), query) == expected(
        """
        QueryPlan {
          Sequence {
            Fetch(service: "products") {
              {
                products {
                  id
                }
                ... @include(if: $a) {
                  ... @include(if: $b) {
                    products {
                      __typename
                      id
                    }
                  }
                }
              }
            },
            Include(if: $a) {
              Include(if: $b) {
                Flatten(path: "products.@") {
                  Fetch(service: "stock") {
                    {
                      ... on Product {
                        __typename
                        id
                      }
                    } =>
                    {
                      ... on Product {
                        stock
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


def test_conflicts_are_found_across_fields_the_subgraph_merges() -> None:
    """Two `media` fields (one under a condition) are one field to the subgraph: the types of
    their sub-fields must merge too, so Movie's `author` is aliased although it is in the
    other `media`."""
    sg = supergraph(catalog=CATALOG, authors=AUTHORS, people=PEOPLE)
    query = """
      query Q($v: Boolean!) {
        media @include(if: $v) { ... on Book { author { id } } }
        media { ... on Movie { author { name } } }
      }
    """
    assert plan(sg, query) == expected(
        """
        QueryPlan {
          Sequence {
            Fetch(service: "catalog") {
              {
                media @include(if: $v) {
                  __typename
                  ... on Book {
                    author {
                      id
                    }
                  }
                }
                media {
                  __typename
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
