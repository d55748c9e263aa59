"""@requires whose field set holds inline fragments over interfaces (nested: an interface
fragment inside an interface field, object fragments inside it, a fragment on the field's own
type). The fetch before the requiring one selects every fragment, and the representation
carries exactly the required fields of each object's concrete type; executed in
``tests/execution/test_requires_fragments_exec.py``."""

from __future__ import annotations

from .harness import expected, plan, supergraph

SHOP = """
extend schema @link(url: "https://specs.apollo.dev/federation/v2.5", import: ["@key", "@shareable"])
type Query @shareable { order: Order }
type Order @key(fields: "id") { id: ID! item: Item }
interface Item { title: String! }
interface Printed implements Item { title: String! pages: Int! }
type Book implements Item & Printed @shareable { title: String! pages: Int! isbn: String! }
type Comic implements Item & Printed @shareable { title: String! pages: Int! artist: String! }
type Song implements Item @shareable { title: String! }
"""
# Comic is @inaccessible here: not in the API schema, but a value the requirement must see
LABELS = '''
extend schema @link(url: "https://specs.apollo.dev/federation/v2.5",
                    import: ["@key", "@shareable", "@external", "@requires", "@inaccessible"])
type Query @shareable { order2: Order }
type Order @key(fields: "id") {
  id: ID!
  item: Item @external
  label: String! @requires(fields: """
    item { title ... on Printed { pages ... on Book { isbn } ... on Comic { artist } } }
  """)
  short: String! @requires(fields: "item { ... on Item { title } }")
}
interface Item { title: String! }
interface Printed implements Item { title: String! pages: Int! }
type Book implements Item & Printed @shareable { title: String! pages: Int! isbn: String! }
type Comic implements Item & Printed @shareable @inaccessible {
  title: String! pages: Int! artist: String!
}
type Song implements Item @shareable { title: String! }
'''


def test_requires_nested_interface_fragments() -> None:
    sg = supergraph(shop=SHOP, labels=LABELS)
    assert plan(sg, "{ order { label } }") == expected(
        """
        QueryPlan {
          Sequence {
            Fetch(service: "shop") {
              {
                order {
                  __typename
                  id
                  item {
                    __typename
                    title
                    ... on Printed {
                      pages
                      ... on Book {
                        isbn
                      }
                      ... on Comic {
                        artist
                      }
                    }
                  }
                }
              }
            },
            Flatten(path: "order") {
              Fetch(service: "labels") {
                {
                  ... on Order {
                    __typename
                    id
                    item {
                      title
                      ... on Printed {
                        pages
                        ... on Book {
                          isbn
                        }
                        ... on Comic {
                          artist
                        }
                      }
                    }
                  }
                } =>
                {
                  ... on Order {
                    label
                  }
                }
              },
            },
          },
        }
        """
    )


def test_requires_fragment_on_the_fields_own_type_after_a_jump() -> None:
    sg = supergraph(shop=SHOP, labels=LABELS)
    assert plan(sg, "{ order2 { short } }") == expected(
        """
        QueryPlan {
          Sequence {
            Fetch(service: "labels") {
              {
                order2 {
                  __typename
                  id
                }
              }
            },
            Flatten(path: "order2") {
              Fetch(service: "shop") {
                {
                  ... on Order {
                    __typename
                    id
                  }
                } =>
                {
                  ... on Order {
                    item {
                      __typename
                      title
                    }
                  }
                }
              },
            },
            Flatten(path: "order2") {
              Fetch(service: "labels") {
                {
                  ... on Order {
                    __typename
                    id
                    item {
                      ... on Item {
                        title
                      }
                    }
                  }
                } =>
                {
                  ... on Order {
                    short
                  }
                }
              },
            },
          },
        }
        """
    )
