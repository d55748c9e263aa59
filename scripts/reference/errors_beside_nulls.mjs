// What the references answer where subgraph data breaks the API schema
// (docs/decisions/0008-errors-beside-nulls.md). Run with scripts/reference_answers.mjs.
export const subgraphs = {
  a: { typeDefs: `
extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", "@inaccessible"])
type Query { things: [Thing] thing: Thing! color: [Color] products: [Product] product: Product! }
type Product @key(fields: "id") { id: ID! }
interface Thing { id: ID! }
type Foo implements Thing { id: ID! }
type Baz implements Thing @inaccessible { id: ID! }
enum Color { RED GREEN @inaccessible }
`, resolvers: {
    Query: {
      things: () => [{ __typename: 'Foo', id: '1' }, { __typename: 'Baz', id: '2' }],
      thing: () => ({ __typename: 'Baz', id: '2' }),
      color: () => ['RED', 'GREEN'],
      products: () => [{ id: '1' }, { id: '2' }],
      product: () => ({ id: '2' }),
    },
    Thing: { __resolveType: (o) => o.__typename },
  } },
  b: { typeDefs: `
extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
type Product @key(fields: "id") { id: ID! name: String strict: String! }
`, resolvers: { Product: { __resolveReference: (r) => (r.id === '2' ? null : { id: r.id, name: 'n' + r.id, strict: 's' }) } } },
};
export const queries = [
  ['{ things { __typename id } }'],
  ['{ things { id } }'],
  ['{ things { ... on Foo { id } } }'],
  ['{ thing { __typename } }'],
  ['{ color }'],
  ['{ products { id name } }'],
  ['{ products { id strict } }'],
  ['{ product { id strict } }'],
];
