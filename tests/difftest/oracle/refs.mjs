// The reference gateways of fedgate's differential tester (tests/difftest), in one Node process:
// Hive Gateway with Hive Router's Rust query planner (`unifiedGraphHandler` of
// @graphql-hive/router-runtime) and Apollo Gateway (@apollo/gateway under @apollo/server).
//
// Protocol: JSON lines. Each request on stdin is one line:
//   {"id": 1, "op": "load", "case": "c", "sdl": "<supergraph SDL>", "apollo_sdl": "<optional>"}
//   {"id": 2, "op": "execute", "ref": "hive" | "apollo", "case": "c", "query": "...", "variables": {}}
// Each answer on stdout is one line starting with "@@DIFF " (anything else on stdout is a log
// line of a library and is ignored):
//   @@DIFF {"id": 2, "result": {"data": ..., "errors": [...]}}   or   {"id": 2, "error": "..."}
// Gateways are created lazily, one per (reference, case), so a run over many supergraphs needs
// one process. Nothing caches responses or deduplicates requests (neither gateway does by default).
import { createInterface } from 'node:readline';
import { createGatewayRuntime } from '@graphql-hive/gateway-runtime';
import { unifiedGraphHandler } from '@graphql-hive/router-runtime';
import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';

const sdls = new Map();
const gateways = new Map();

const silent = { debug() {}, info() {}, warn() {}, error() {} };

async function hive(sdl) {
  const runtime = createGatewayRuntime({ supergraph: sdl, unifiedGraphHandler, logging: false });
  return async (query, variables) => {
    const response = await runtime.fetch('http://localhost/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json' },
      body: JSON.stringify({ query, variables }),
    });
    return await response.json();
  };
}

async function apollo(sdl) {
  const gateway = new ApolloGateway({ supergraphSdl: sdl, logger: silent });
  const server = new ApolloServer({ gateway, logger: silent, stopOnTerminationSignals: false });
  await server.start();
  return async (query, variables) => {
    const response = await server.executeOperation({ query, variables });
    if (response.body.kind !== 'single') throw new Error('incremental response');
    const { data, errors } = response.body.singleResult;
    return errors === undefined ? { data } : { data, errors };
  };
}

const makers = { hive, apollo };

function gatewayFor(ref, caseId) {
  const key = `${ref}\u0000${caseId}`;
  if (!gateways.has(key)) {
    const loaded = sdls.get(caseId);
    if (loaded === undefined) throw new Error(`case ${caseId} not loaded`);
    const sdl = loaded[ref] ?? loaded.hive;
    const make = makers[ref];
    if (make === undefined) throw new Error(`unknown reference ${ref}`);
    // Keep the promise: concurrent first requests share one gateway; a failed start stays failed.
    gateways.set(key, make(sdl));
  }
  return gateways.get(key);
}

async function handle(request) {
  if (request.op === 'load') {
    sdls.set(request.case, { hive: request.sdl, apollo: request.apollo_sdl ?? request.sdl });
    for (const ref of Object.keys(makers)) gateways.delete(`${ref}\u0000${request.case}`);
    return { ok: true };
  }
  const execute = await gatewayFor(request.ref, request.case);
  return await execute(request.query, request.variables ?? {});
}

function answer(payload) {
  process.stdout.write(`@@DIFF ${JSON.stringify(payload)}\n`);
}

const lines = createInterface({ input: process.stdin });
lines.on('line', (line) => {
  if (!line.trim()) return;
  const request = JSON.parse(line);
  handle(request).then(
    (result) => answer({ id: request.id, result }),
    (error) => answer({ id: request.id, error: String(error?.stack ?? error) }),
  );
});
lines.on('close', () => process.exit(0));
process.on('unhandledRejection', (error) => process.stderr.write(`unhandled: ${error}\n`));
answer({ id: 0, result: { ready: true } });
