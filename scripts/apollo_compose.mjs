// Compose subgraph SDLs with Apollo's composition (a development tool: it makes the supergraph
// fixtures of tests/planner from the inline SDLs of the tests, so that our runtime is tested
// on supergraphs made by the reference composer).
//   echo '{"name": "sdl", ...}' | NODE_PATH=../shared/bench/node_modules node scripts/apollo_compose.mjs
import { createRequire } from 'node:module';
import { join } from 'node:path';

const require = createRequire(join(process.env.NODE_PATH || '.', 'noop.js'));
const { parse } = require('graphql');
const { composeServices } = require('@apollo/composition');

let input = '';
process.stdin.on('data', (chunk) => { input += chunk; });
process.stdin.on('end', () => {
  const subgraphs = JSON.parse(input);
  const services = Object.entries(subgraphs).map(([name, sdl]) => ({
    name,
    url: `http://${name}.example/graphql`,
    typeDefs: parse(sdl),
  }));
  const result = composeServices(services);
  if (result.errors?.length) {
    for (const e of result.errors) console.error(`${e.extensions?.code ?? 'ERROR'}: ${e.message}`);
    process.exit(1);
  }
  process.stdout.write(result.supergraphSdl);
});
