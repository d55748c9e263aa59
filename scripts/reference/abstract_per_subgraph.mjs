// Class 2 of issue 8: a union/interface field that is one object type in its subgraph
// (tests/planner/test_subgraph_operations.py).
const song = { __typename: 'Song', id: 's1', length: 180 };
const book = { __typename: 'Book', id: 'b1', title: 'Dune', pages: 412 };
export const subgraphs = {
  media: { typeDefs: `
extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", "@shareable"])
type Query { media: Media @shareable item: Item @shareable shelf: Shelf @shareable }
union Media = Book | Song
interface Item { id: ID! }
type Book implements Item @key(fields: "id") { id: ID! title: String @shareable }
type Song implements Item @key(fields: "id") { id: ID! length: Int }
type Shelf @shareable { top: Media }
`, resolvers: { Query: { media: () => song, item: () => song, shelf: () => ({ top: song }) }, Media: { __resolveType: (o) => o.__typename }, Item: { __resolveType: (o) => o.__typename } } },
  books: { typeDefs: `
extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", "@shareable"])
type Query { media: Book @shareable item: Book @shareable shelf: Shelf @shareable }
type Book @key(fields: "id") { id: ID! title: String @shareable pages: Int }
type Shelf @shareable { top: Book }
`, resolvers: { Query: { media: () => book, item: () => book, shelf: () => ({ top: book }) } } },
};
export const queries = [
  ['{ media { __typename ... on Book { title pages } ... on Song { length } } }'],
  ['query Q($v: Boolean!) { item { __typename id ... on Book { pages } ... on Song @include(if: $v) { length } } shelf { top { ... on Song { length } ... on Book { pages } } } }', { v: true }],
  ['{ shelf { top { ... on Song { length } } } }'],
];
