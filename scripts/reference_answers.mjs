// Answers of Apollo Gateway and of Hive Gateway with Hive Router's query planner for the queries
// of a scenario module (subgraph SDLs + resolvers, served by @apollo/subgraph): a development
// tool to see what the references return on a small case (e.g. scripts/reference/*.mjs).
//   NODE_PATH=$(realpath ../shared/bench/node_modules) node scripts/reference_answers.mjs \
//     scripts/reference/errors_beside_nulls.mjs
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const require = createRequire(join(resolve(process.env.NODE_PATH || '.'), 'noop.js'));
const { parse } = require('graphql');
const { composeServices } = require('@apollo/composition');
const { ApolloGateway, LocalGraphQLDataSource } = require('@apollo/gateway');
const { ApolloServer } = require('@apollo/server');
const { startStandaloneServer } = require('@apollo/server/standalone');
const { buildSubgraphSchema } = require('@apollo/subgraph');
const { createGatewayRuntime } = require('@graphql-hive/gateway-runtime');
const { unifiedGraphHandler } = require('@graphql-hive/router-runtime');

const scenario = await import(pathToFileURL(resolve(process.argv[2])).href);
const schemas = Object.fromEntries(
  Object.entries(scenario.subgraphs).map(([name, s]) => [
    name, buildSubgraphSchema({ typeDefs: parse(s.typeDefs), resolvers: s.resolvers }),
  ]),
);

function compose(urls) {
  const services = Object.entries(scenario.subgraphs).map(([name, s]) => ({
    name, url: urls[name], typeDefs: parse(s.typeDefs),
  }));
  const result = composeServices(services);
  if (result.errors?.length) throw new Error(result.errors.map((e) => e.message).join('\n'));
  return result.supergraphSdl;
}

async function apollo() {
  const urls = Object.fromEntries(Object.keys(schemas).map((n) => [n, `http://${n}.local`]));
  const gateway = new ApolloGateway({
    supergraphSdl: compose(urls),
    buildService: ({ name }) => new LocalGraphQLDataSource(schemas[name]),
  });
  const server = new ApolloServer({ gateway });
  await server.start();
  const out = [];
  for (const [query, variables] of scenario.queries) {
    out.push((await server.executeOperation({ query, variables })).body.singleResult);
  }
  await server.stop();
  return out;
}

async function hive() {
  // Hive Gateway calls its subgraphs over HTTP: serve each on a free local port.
  const servers = [];
  const urls = {};
  for (const [name, schema] of Object.entries(schemas)) {
    const server = new ApolloServer({ schema });
    urls[name] = (await startStandaloneServer(server, { listen: { port: 0, host: '127.0.0.1' } })).url;
    servers.push(server);
  }
  const gateway = createGatewayRuntime({ supergraph: compose(urls), unifiedGraphHandler, logging: false });
  const out = [];
  for (const [query, variables] of scenario.queries) {
    const response = await gateway.fetch('http://localhost/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query, variables }),
    });
    out.push(await response.json());
  }
  await gateway.dispose?.();
  for (const server of servers) await server.stop();
  return out;
}

const answers = { apollo: await apollo(), hive: await hive() };
scenario.queries.forEach(([query], i) => {
  console.log(query);
  for (const [name, list] of Object.entries(answers)) console.log(`  ${name}: ${JSON.stringify(list[i])}`);
});
process.exit(0);
