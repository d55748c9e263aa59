// Compose many cases in one Node process (the corpus test recomposes every case; one process
// instead of one per case saves loading @apollo/composition forty times). Same composition and
// URLs as scripts/apollo_compose.mjs:
//   echo '{"case": {"subgraph": "sdl", ...}, ...}' | NODE_PATH=../shared/bench/node_modules node compose_cases.mjs
// prints {"case": {"supergraph": "..."} | {"errors": ["CODE: message", ...]}, ...}
import { createRequire } from 'node:module';
import { join } from 'node:path';

const require = createRequire(join(process.env.NODE_PATH || '.', 'noop.js'));
const { parse } = require('graphql');
const { composeServices } = require('@apollo/composition');

function compose(subgraphs) {
  const services = Object.entries(subgraphs).map(([name, sdl]) => ({
    name,
    url: `http://${name}.example/graphql`,
    typeDefs: parse(sdl),
  }));
  const result = composeServices(services);
  if (result.errors?.length) {
    return { errors: result.errors.map((e) => `${e.extensions?.code ?? 'ERROR'}: ${e.message}`) };
  }
  return { supergraph: result.supergraphSdl };
}

let input = '';
process.stdin.on('data', (chunk) => { input += chunk; });
process.stdin.on('end', () => {
  const cases = JSON.parse(input);
  const out = Object.fromEntries(Object.entries(cases).map(([name, sdls]) => [name, compose(sdls)]));
  process.stdout.write(JSON.stringify(out));
});
