// Class 1 of issue 8: selections emptied by literal @skip/@include, value-type fields through the
// parent's key, unused variables (tests/planner/test_subgraph_operations.py).
const items = [{ id: '1', name: 'Table', dims: { w: 2 } }, { id: '2', name: 'Couch', dims: null }];
const heights = { 1: 7, 2: 9 };
export const subgraphs = {
  products: { typeDefs: `
extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", "@shareable"])
type Query { products: [Product] }
type Product @key(fields: "id") { id: ID! name: String dims: Dims @shareable }
type Dims @shareable { w: Int }
`, resolvers: { Query: { products: () => items }, Product: { __resolveReference: (r) => items.find((i) => i.id === r.id) } } },
  stock: { typeDefs: `
extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", "@shareable"])
type Product @key(fields: "id") { id: ID! stock: Int dims: Dims @shareable }
type Dims @shareable { w: Int h: Int }
`, resolvers: { Product: { __resolveReference: (r) => ({ id: r.id, stock: Number(r.id) * 10, dims: { w: 2, h: heights[r.id] } }) } } },
};
export const queries = [
  ['{ products { name @skip(if: true) } }'],
  ['{ products { ... on Product { stock @include(if: false) } } }'],
  ['{ products { dims { h } } }'],
  ['query Q($v: Boolean!, $w: Boolean = true) { products { dims { ... @include(if: $v) { h } } name @include(if: $w) } }', { v: false }],
];
