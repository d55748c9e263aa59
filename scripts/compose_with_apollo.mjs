// Compose a supergraph SDL from a rover-style supergraph.yaml with Apollo's composition
// library (@apollo/composition, Federation 2). Stand-in until `fedgate compose` exists.
//
//   node scripts/compose_with_apollo.mjs SUPERGRAPH_YAML OUTPUT_GRAPHQL [--node-modules DIR]
//
// SUPERGRAPH_YAML lists `subgraphs: {name: {routing_url, schema: {file}}}`; schema files
// are relative to the YAML file. The node_modules folder that holds @apollo/composition,
// graphql and yaml comes from --node-modules, else $NODE_PATH (ES modules ignore
// NODE_PATH, so the packages are loaded with createRequire from that folder).
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';

function usage(message) {
  console.error(`error: ${message}`);
  console.error('usage: compose_with_apollo.mjs SUPERGRAPH_YAML OUTPUT_GRAPHQL [--node-modules DIR]');
  process.exit(2);
}

const positional = [];
let nodeModules = (process.env.NODE_PATH || '').split(':').find(Boolean);
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i += 1) {
  if (argv[i] === '--node-modules') {
    nodeModules = argv[i + 1];
    i += 1;
  } else {
    positional.push(argv[i]);
  }
}
if (positional.length !== 2) usage('expected SUPERGRAPH_YAML and OUTPUT_GRAPHQL');
if (!nodeModules) usage('set --node-modules or NODE_PATH to a node_modules with @apollo/composition');

const load = createRequire(join(resolve(nodeModules), 'compose_with_apollo.cjs'));
const { composeServices } = load('@apollo/composition');
const { parse } = load('graphql');
const YAML = load('yaml');

const [configPath, outputPath] = positional.map((p) => resolve(p));
const config = YAML.parse(readFileSync(configPath, 'utf8'));
const entries = Object.entries(config?.subgraphs ?? {});
if (entries.length === 0) usage(`${configPath} lists no subgraphs`);

const services = entries.map(([name, subgraph]) => {
  const file = subgraph?.schema?.file;
  if (!file || !subgraph.routing_url) usage(`subgraph ${name} needs routing_url and schema.file`);
  const path = resolve(dirname(configPath), file);
  return { name, url: subgraph.routing_url, typeDefs: parse(readFileSync(path, 'utf8')) };
});

const result = composeServices(services);
if (result.errors?.length) {
  for (const error of result.errors) console.error(`composition error: ${error.message}`);
  process.exit(1);
}
for (const hint of result.hints ?? []) console.error(`hint: ${hint.message ?? String(hint)}`);
const sdl = result.supergraphSdl.endsWith('\n') ? result.supergraphSdl : `${result.supergraphSdl}\n`;
writeFileSync(outputPath, sdl);
console.error(`composed ${services.length} subgraphs from ${configPath} into ${outputPath}`);
