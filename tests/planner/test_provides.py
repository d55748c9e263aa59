"""@external + @provides: a subgraph resolves external fields only on the paths that provide
them (elsewhere they come through the entity's key from their owner); provides with type
conditions on interfaces and unions; nested provides."""

from __future__ import annotations

from .harness import expected, plan, supergraph

ACCOUNTS = """
extend schema @link(url: "https://specs.apollo.dev/federation/v2.3",
                    import: ["@key", "@shareable"])
type Query { me: User }
type User @key(fields: "id") { id: ID! username: String @shareable email: String }
"""
REVIEWS = """
extend schema @link(url: "https://specs.apollo.dev/federation/v2.3",
                    import: ["@key", "@external", "@provides"])
type Query { topReviews: [Review] }
type Review {
  body: String
  author: User @provides(fields: "username")
  editor: User
}
type User @key(fields: "id") { id: ID! username: String @external }
"""


def test_provided_field_is_local() -> None:
    sg = supergraph(accounts=ACCOUNTS, reviews=REVIEWS)
    assert plan(sg, "{ topReviews { body author { username } } }") == expected(
        """
        QueryPlan {
          Fetch(service: "reviews") {
            {
              topReviews {
                body
                author {
                  username
                }
              }
            }
          },
        }
        """
    )


def test_provided_and_unprovided_fields() -> None:
    sg = supergraph(accounts=ACCOUNTS, reviews=REVIEWS)
    assert plan(sg, "{ topReviews { author { username email } } }") == expected(
        """
        QueryPlan {
          Sequence {
            Fetch(service: "reviews") {
              {
                topReviews {
                  author {
                    __typename
                    id
                    username
                  }
                }
              }
            },
            Flatten(path: "topReviews.@.author") {
              Fetch(service: "accounts") {
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


def test_external_field_not_provided_on_other_path() -> None:
    sg = supergraph(accounts=ACCOUNTS, reviews=REVIEWS)
    assert plan(sg, "{ topReviews { author { username } editor { username } } }") == expected(
        """
        QueryPlan {
          Sequence {
            Fetch(service: "reviews") {
              {
                topReviews {
                  author {
                    username
                  }
                  editor {
                    __typename
                    id
                  }
                }
              }
            },
            Flatten(path: "topReviews.@.editor") {
              Fetch(service: "accounts") {
                {
                  ... on User {
                    __typename
                    id
                  }
                } =>
                {
                  ... on User {
                    username
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
type Query { product(id: ID!): Product }
type Product @key(fields: "id") { id: ID! name: String @shareable vendor: Vendor @shareable }
type Vendor @key(fields: "id") { id: ID! name: String @shareable country: String }
"""
DEALS = """
extend schema @link(url: "https://specs.apollo.dev/federation/v2.3",
                    import: ["@key", "@external", "@provides"])
type Query { deals: [Deal] }
type Deal { discount: Int product: Product @provides(fields: "name vendor { name }") }
type Product @key(fields: "id") { id: ID! name: String @external vendor: Vendor @external }
type Vendor @key(fields: "id") { id: ID! name: String @external }
"""


def test_nested_provides_is_local() -> None:
    sg = supergraph(catalog=CATALOG, deals=DEALS)
    assert plan(sg, "{ deals { discount product { name vendor { name } } } }") == expected(
        """
        QueryPlan {
          Fetch(service: "deals") {
            {
              deals {
                discount
                product {
                  name
                  vendor {
                    name
                  }
                }
              }
            }
          },
        }
        """
    )


def test_nested_provides_unprovided_leaf() -> None:
    sg = supergraph(catalog=CATALOG, deals=DEALS)
    assert plan(sg, "{ deals { product { vendor { name country } } } }") == expected(
        """
        QueryPlan {
          Sequence {
            Fetch(service: "deals") {
              {
                deals {
                  product {
                    vendor {
                      __typename
                      id
                      name
                    }
                  }
                }
              }
            },
            Flatten(path: "deals.@.product.vendor") {
              Fetch(service: "catalog") {
                {
                  ... on Vendor {
                    __typename
                    id
                  }
                } =>
                {
                  ... on Vendor {
                    country
                  }
                }
              },
            },
          },
        }
        """
    )


def test_external_outside_provides_from_root() -> None:
    sg = supergraph(catalog=CATALOG, deals=DEALS)
    # from catalog's root, nothing is provided: all fields are catalog's own
    assert plan(sg, '{ product(id: "1") { name vendor { name } } }') == expected(
        """
        QueryPlan {
          Fetch(service: "catalog") {
            {
              product(id: "1") {
                name
                vendor {
                  name
                }
              }
            }
          },
        }
        """
    )


MEDIA = """
extend schema @link(url: "https://specs.apollo.dev/federation/v2.3",
                    import: ["@key", "@shareable"])
type Query { allMedia: [Media] }
interface Media { id: ID! title: String }
type Book implements Media @key(fields: "id") { id: ID! title: String @shareable pages: Int }
type Movie implements Media @key(fields: "id") { id: ID! title: String director: String }
"""
FEED = """
extend schema @link(url: "https://specs.apollo.dev/federation/v2.3",
                    import: ["@key", "@external", "@provides"])
type Query { feed: [Post] }
type Post { media: Media @provides(fields: "... on Book { title }") }
interface Media { id: ID! }
type Book implements Media @key(fields: "id") { id: ID! title: String @external }
type Movie implements Media @key(fields: "id") { id: ID! }
"""


def test_provides_type_condition_on_interface() -> None:
    sg = supergraph(media=MEDIA, feed=FEED)
    query = "{ feed { media { id ... on Book { title } ... on Movie { title } } } }"
    assert plan(sg, query) == expected(
        """
        QueryPlan {
          Sequence {
            Fetch(service: "feed") {
              {
                feed {
                  media {
                    __typename
                    id
                    ... on Book {
                      title
                    }
                    ... on Movie {
                      __typename
                      id
                    }
                  }
                }
              }
            },
            Flatten(path: "feed.@.media") {
              Fetch(service: "media") {
                {
                  ... on Movie {
                    __typename
                    id
                  }
                } =>
                {
                  ... on Movie {
                    title
                  }
                }
              },
            },
          },
        }
        """
    )


def test_provides_type_condition_interface_field() -> None:
    sg = supergraph(media=MEDIA, feed=FEED)
    # `title` on the interface: provided for Book only, so Movie must go to `media`
    assert plan(sg, "{ feed { media { title } } }") == expected(
        """
        QueryPlan {
          Sequence {
            Fetch(service: "feed") {
              {
                feed {
                  media {
                    __typename
                    ... on Book {
                      title
                    }
                    ... on Movie {
                      __typename
                      id
                    }
                  }
                }
              }
            },
            Flatten(path: "feed.@.media") {
              Fetch(service: "media") {
                {
                  ... on Movie {
                    __typename
                    id
                  }
                } =>
                {
                  ... on Movie {
                    title
                  }
                }
              },
            },
          },
        }
        """
    )


ASSETS = """
extend schema @link(url: "https://specs.apollo.dev/federation/v2.3",
                    import: ["@key", "@shareable"])
type Query { asset(id: ID!): Image }
type Image @key(fields: "id") { id: ID! url: String @shareable width: Int }
type Video @key(fields: "id") { id: ID! url: String @shareable length: Int }
"""
POSTS = """
extend schema @link(url: "https://specs.apollo.dev/federation/v2.3",
                    import: ["@key", "@external", "@provides"])
type Query { posts: [Post] }
union Attachment = Image | Video
type Post {
  attachment: Attachment @provides(fields: "... on Image { url } ... on Video { url }")
  cover: Attachment
}
type Image @key(fields: "id") { id: ID! url: String @external }
type Video @key(fields: "id") { id: ID! url: String @external }
"""


def test_provides_type_conditions_on_union() -> None:
    sg = supergraph(assets=ASSETS, posts=POSTS)
    query = "{ posts { attachment { ... on Image { url width } ... on Video { url } } } }"
    assert plan(sg, query) == expected(
        """
        QueryPlan {
          Sequence {
            Fetch(service: "posts") {
              {
                posts {
                  attachment {
                    __typename
                    ... on Image {
                      __typename
                      id
                      url
                    }
                    ... on Video {
                      url
                    }
                  }
                }
              }
            },
            Flatten(path: "posts.@.attachment") {
              Fetch(service: "assets") {
                {
                  ... on Image {
                    __typename
                    id
                  }
                } =>
                {
                  ... on Image {
                    width
                  }
                }
              },
            },
          },
        }
        """
    )


def test_union_without_provides() -> None:
    sg = supergraph(assets=ASSETS, posts=POSTS)
    assert plan(sg, "{ posts { cover { ... on Image { url } ... on Video { url } } } }") == (
        expected(
            """
        QueryPlan {
          Sequence {
            Fetch(service: "posts") {
              {
                posts {
                  cover {
                    __typename
                    ... on Image {
                      __typename
                      id
                    }
                    ... on Video {
                      __typename
                      id
                    }
                  }
                }
              }
            },
            Flatten(path: "posts.@.cover") {
              Fetch(service: "assets") {
                {
                  ... on Image {
                    __typename
                    id
                  }
                  ... on Video {
                    __typename
                    id
                  }
                } =>
                {
                  ... on Image {
                    url
                  }
                  ... on Video {
                    url
                  }
                }
              },
            },
          },
        }
        """
        )
    )


def test_requirement_met_by_provided_field() -> None:
    sg = supergraph(
        accounts=ACCOUNTS,
        reviews=REVIEWS,
        greet="""
        extend schema @link(url: "https://specs.apollo.dev/federation/v2.3",
                            import: ["@key", "@external", "@requires"])
        type User @key(fields: "id") {
          id: ID!
          username: String @external
          greeting: String @requires(fields: "username")
        }
        """,
    )
    # `username` is provided on `author`: no fetch to accounts is needed for the requirement
    assert plan(sg, "{ topReviews { author { greeting } } }") == expected(
        """
        QueryPlan {
          Sequence {
            Fetch(service: "reviews") {
              {
                topReviews {
                  author {
                    __typename
                    id
                    username
                  }
                }
              }
            },
            Flatten(path: "topReviews.@.author") {
              Fetch(service: "greet") {
                {
                  ... on User {
                    __typename
                    id
                    username
                  }
                } =>
                {
                  ... on User {
                    greeting
                  }
                }
              },
            },
          },
        }
        """
    )


def test_provides_on_root_field() -> None:
    sg = supergraph(
        accounts=ACCOUNTS,
        karma="""
        extend schema @link(url: "https://specs.apollo.dev/federation/v2.3",
                            import: ["@key", "@external", "@provides"])
        type Query { latestUsers: [User] @provides(fields: "username") }
        type User @key(fields: "id") { id: ID! username: String @external karma: Int }
        """,
    )
    assert plan(sg, "{ latestUsers { username karma } }") == expected(
        """
        QueryPlan {
          Fetch(service: "karma") {
            {
              latestUsers {
                username
                karma
              }
            }
          },
        }
        """
    )
    assert plan(sg, "{ latestUsers { username email } }") == expected(
        """
        QueryPlan {
          Sequence {
            Fetch(service: "karma") {
              {
                latestUsers {
                  __typename
                  id
                  username
                }
              }
            },
            Flatten(path: "latestUsers.@") {
              Fetch(service: "accounts") {
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


def test_provided_value_type_with_unprovided_field() -> None:
    sg = supergraph(
        catalog="""
        extend schema @link(url: "https://specs.apollo.dev/federation/v2.3",
                            import: ["@key", "@shareable"])
        type Query { product(id: ID!): Product }
        type Product @key(fields: "id") { id: ID! name: String @shareable info: Info @shareable }
        type Info @shareable { a: Int b: Int }
        """,
        deals="""
        extend schema @link(url: "https://specs.apollo.dev/federation/v2.3",
                            import: ["@key", "@external", "@provides", "@shareable"])
        type Query { deals: [Deal] }
        type Deal { discount: Int product: Product @provides(fields: "name info { a }") }
        type Product @key(fields: "id") { id: ID! name: String @external info: Info @external }
        type Info @shareable { a: Int @external }
        """,
    )
    # `info.b` is not provided and Info has no key: it comes through Product's key
    assert plan(sg, "{ deals { product { name info { a b } } } }") == expected(
        """
        QueryPlan {
          Sequence {
            Fetch(service: "deals") {
              {
                deals {
                  product {
                    __typename
                    id
                    name
                    info {
                      a
                    }
                  }
                }
              }
            },
            Flatten(path: "deals.@.product") {
              Fetch(service: "catalog") {
                {
                  ... on Product {
                    __typename
                    id
                  }
                } =>
                {
                  ... on Product {
                    info {
                      b
                    }
                  }
                }
              },
            },
          },
        }
        """
    )
