"""Subgraphs with @context/@fromContext, shared by the golden plans (``test_context.py``)
and the executed tests (``tests/execution/test_context.py``)."""

from __future__ import annotations

_F28 = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.8", import: '

# the context is set on the parent of the field's parent; the field is in the same subgraph
SAME_A = (
    _F28
    + """["@key", "@context", "@fromContext"])
type Query { ts: [T!]! }
type T @key(fields: "id") @context(name: "ctx") { id: ID! prop: String u: U! v: V! }
type V { w: String us: [U!]! }
type U @key(fields: "id") {
  id: ID!
  b: String!
  field(a: String @fromContext(field: "$ctx { prop }")): String!
}
"""
)
SAME_B = (
    _F28
    + """["@key"])
type Query { a: Int! }
type U @key(fields: "id") { id: ID! c: String }
"""
)

# the context field lives in another subgraph than the field that takes it
OTHER_A = (
    _F28
    + """["@key"])
type Query { ts: [T!]! }
type T @key(fields: "id") { id: ID! prop: String }
"""
)
OTHER_B = (
    _F28
    + """["@key", "@context", "@fromContext", "@external"])
type T @key(fields: "id") @context(name: "ctx") { id: ID! prop: String @external u: U! }
type U @key(fields: "id") { id: ID! field(a: String @fromContext(field: "$ctx { prop }")): String! }
"""
)

# one context set by two types, with a type condition per type in the selection
COND_A = (
    _F28
    + """["@key", "@context", "@fromContext"])
type Query { t: T! s: S! }
type T @key(fields: "id") @context(name: "ctx") { id: ID! u: U! prop: String! }
type S @key(fields: "id") @context(name: "ctx") { id: ID! u: U! other: String! }
type U @key(fields: "id") {
  id: ID!
  field(a: String @fromContext(field: "$ctx ... on T { prop } ... on S { other }")): String!
}
"""
)
COND_B = (
    _F28
    + """["@key"])
type Query { a: Int! }
type U @key(fields: "id") { id: ID! }
"""
)

# the context is set by both implementations of the interface the field's parent is under;
# the client selects the context field itself with an argument (the planner's copy is aliased)
IFACE_A = (
    _F28
    + """["@key", "@context", "@fromContext"])
type Query { nodes: [Node!]! }
interface Node { id: ID! u: U! }
type T implements Node @key(fields: "id") @context(name: "ctx") {
  id: ID!
  u: U!
  prop(x: Int): String
}
type S implements Node @key(fields: "id") @context(name: "ctx") {
  id: ID!
  u: U!
  prop(x: Int): String
}
type U @key(fields: "id") {
  id: ID!
  field(n: Int, a: String @fromContext(field: "$ctx { prop }")): String!
}
"""
)
IFACE_B = COND_B

# the ancestor comes from the field's subgraph, its context field from another one
JUMP_A = (
    _F28
    + """["@key"])
type Query { x: Int }
type T @key(fields: "id") { id: ID! prop: String }
"""
)
JUMP_B = (
    _F28
    + """["@key", "@context", "@fromContext", "@external"])
type Query { ts: [T!]! }
type T @key(fields: "id") @context(name: "ctx") { id: ID! prop: String @external u: U! }
type U @key(fields: "id") { id: ID! field(a: String @fromContext(field: "$ctx { prop }")): String! }
"""
)
