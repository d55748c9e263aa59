"""A small supergraph with every @cost and @listSize form, composed by the tests (shop,
served by graphql-core in process where a test runs it; shipping, never called)."""

from __future__ import annotations

from functools import cache

from gateway.composition import CompositionSuccess, SubgraphSource, compose
from gateway.supergraph import Supergraph, load_supergraph

SHOP = """
extend schema @link(url: "https://specs.apollo.dev/federation/v2.9",
                    import: ["@key", "@cost", "@listSize", "@shareable"])

type Query {
  products(first: Int, last: Int): [Product!]!
    @listSize(slicingArguments: ["first", "last"], requireOneSlicingArgument: false)
  topProducts(first: Int!): [Product!]! @listSize(slicingArguments: ["first"])
  strict(first: Int, after: Int): [Product!]! @listSize(slicingArguments: ["first", "after"])
  featured: [Product!]! @listSize(assumedSize: 3)
  everything: [Product!]!
  product(id: ID!): Product
  expensive: Int @cost(weight: 50)
  search(term: String! @cost(weight: 7), filter: Filter): [Product!]! @listSize(assumedSize: 2)
  page(first: Int): ProductPage @listSize(slicingArguments: ["first"], sizedFields: ["items"])
  node(id: ID!): Node
  recent(count: Int = 4): [Product!]! @listSize(slicingArguments: ["count"])
}

type Mutation {
  addReview(productId: ID!, body: String!): Review
}

input Filter {
  minPrice: Int @cost(weight: 4)
  tags: [String]
}

interface Node {
  id: ID!
}

type ProductPage {
  items: [Product!]!
  total: Int
}

type Product implements Node @key(fields: "id") {
  id: ID!
  name: String
  price: Money
  status: Status
  reviews: [Review!]! @listSize(assumedSize: 5)
}

type Money @cost(weight: 3) @shareable {
  amount: Int
}

enum Status @cost(weight: 2) {
  ACTIVE
  RETIRED
}

type Review implements Node {
  id: ID!
  body: String
  author: User
}

type User {
  id: ID!
  name: String
}
"""


# shipping needs the price: @requires fetches it first, and its cost counts (Apollo's rule)
SHIPPING = """
extend schema @link(url: "https://specs.apollo.dev/federation/v2.9",
                    import: ["@key", "@external", "@requires", "@shareable"])

type Product @key(fields: "id") {
  id: ID!
  price: Money @external
  shipping: Int @requires(fields: "price { amount }")
}

type Money @shareable {
  amount: Int
}
"""


@cache
def cost_supergraph() -> Supergraph:
    result = compose(
        [
            SubgraphSource("shop", "http://shop.invalid/graphql", SHOP),
            SubgraphSource("shipping", "http://shipping.invalid/graphql", SHIPPING),
        ]
    )
    assert isinstance(result, CompositionSuccess), result
    return load_supergraph(result.supergraph_sdl)
