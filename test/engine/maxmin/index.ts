export { addEdge, createNetwork, maxFlow, reachable, EPSILON } from './max-flow.ts';
export { maxMinFair, maxMinFairBySubsets } from './max-min-fair.ts';
export type { FlowNetwork } from './max-flow.ts';
export type { MaxMinInstance } from './max-min-fair.ts';
