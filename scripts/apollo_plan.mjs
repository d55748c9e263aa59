// Print Apollo's query plan for an operation on a supergraph (a development tool, to compare
// behaviour; our golden tests hold our own plans).
//   NODE_PATH=../shared/bench/node_modules node scripts/apollo_plan.mjs supergraph.graphql query.graphql
//   (NODE_PATH must be absolute; DEFER=1: plan @defer as Apollo Router does, DeferNodes)
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const require = createRequire(join(process.env.NODE_PATH || '.', 'noop.js'));
const { parse } = require('graphql');
const {
  Supergraph, operationFromDocument, ROUTER_SUPPORTED_SUPERGRAPH_FEATURES,
} = require('@apollo/federation-internals');
const { QueryPlanner, prettyFormatQueryPlan } = require('@apollo/query-planner');

const [supergraphPath, queryPath, operationName] = process.argv.slice(2);
// the Router's feature set: @context/@fromContext plans are Router-only (Gateway refuses them)
const supergraph = Supergraph.build(readFileSync(supergraphPath, 'utf8'), {
  supportedFeatures: ROUTER_SUPPORTED_SUPERGRAPH_FEATURES,
});
const planner = new QueryPlanner(supergraph, {
  incrementalDelivery: { enableDefer: process.env.DEFER === '1' },
});
const operation = operationFromDocument(
  supergraph.schema, parse(readFileSync(queryPath, 'utf8')), { operationName },
);
// OVERRIDE_LABELS=a,b: progressive @override labels taken as active (others inactive)
const active = new Set((process.env.OVERRIDE_LABELS || '').split(',').filter(Boolean));
const labels = [...readFileSync(supergraphPath, 'utf8').matchAll(/overrideLabel: "([^"]+)"/g)];
const overrideConditions = new Map(labels.map((m) => [m[1], active.has(m[1])]));
console.log(prettyFormatQueryPlan(planner.buildQueryPlan(operation, { overrideConditions })));
