import { addEdge, createNetwork, EPSILON, maxFlow, reachable } from './max-flow.ts';
import type { FlowNetwork } from './max-flow.ts';

/**
 * Weighted max-min fair allocation of service capacity to users under access constraints, computed
 * by progressive filling: raise every unfrozen user's rate as `level · weight` together until some
 * set of users can grow no further, freeze them, repeat. Feasibility of a level is a max-flow
 * question on source → user (demand) → service (if allowed) → sink (capacity).
 *
 * The highest feasible level is found exactly (up to float rounding) with Dinkelbach-style steps:
 * start above it, and while the flow falls short, the min cut names a user set A whose neighbours
 * cannot carry its demand; the level A can afford is `(C(N(A)) − frozen(A)) / W(A ∩ unfrozen)`.
 * Each step strictly lowers the level and picks a different cut, so the loop ends.
 */

export interface MaxMinInstance {
  /** Positive weight per user. */
  readonly weights: readonly number[];
  /** Capacity (sends per unit time) per service, >= 0. */
  readonly capacities: readonly number[];
  /** access[u][s]: user u may use service s. */
  readonly access: readonly (readonly boolean[])[];
}

interface Layout { source: number; sink: number; user: (u: number) => number; service: (s: number) => number }

function layoutOf(users: number): Layout {
  return { source: 0, sink: 1, user: (u) => 2 + u, service: (s) => 2 + users + s };
}

function buildNetwork(inst: MaxMinInstance, demands: readonly number[]): { net: FlowNetwork } {
  const users = inst.weights.length;
  const services = inst.capacities.length;
  const at = layoutOf(users);
  const net = createNetwork(2 + users + services);
  demands.forEach((d, u) => addEdge(net, at.source, at.user(u), d));
  for (let u = 0; u < users; u++) {
    for (let s = 0; s < services; s++) {
      if (inst.access[u]![s]) addEdge(net, at.user(u), at.service(s), Infinity);
    }
  }
  inst.capacities.forEach((c, s) => addEdge(net, at.service(s), at.sink, c));
  return { net };
}

function validate(inst: MaxMinInstance): void {
  inst.weights.forEach((w, u) => {
    if (!(w > 0)) throw new TypeError(`weights[${u}] must be positive, got ${w}`);
  });
  inst.capacities.forEach((c, s) => {
    if (!(c >= 0)) throw new TypeError(`capacities[${s}] must be >= 0, got ${c}`);
  });
  if (inst.access.length !== inst.weights.length) {
    throw new TypeError(`access must have one row per user (${inst.weights.length}), got ${inst.access.length}`);
  }
}

/** Returns each user's max-min fair rate. */
export function maxMinFair(inst: MaxMinInstance): number[] {
  validate(inst);
  const users = inst.weights.length;
  const rate = new Array<number>(users).fill(0);
  const frozen = inst.access.map((row) => !row.some(Boolean));
  // Each round freezes at least one user, so there are at most `users` rounds.
  for (let round = 0; round < users && frozen.includes(false); round++) {
    const level = highestLevel(inst, rate, frozen);
    const demands = rate.map((r, u) => (frozen[u] ? r : level * inst.weights[u]!));
    const { net } = buildNetwork(inst, demands);
    const at = layoutOf(users);
    maxFlow(net, at.source, at.sink);
    for (let u = 0; u < users; u++) {
      if (frozen[u]) continue;
      rate[u] = demands[u]!;
      // A user can grow iff an augmenting path leads from it to the sink in the residual graph.
      if (!reachable(net, at.user(u))[at.sink]) frozen[u] = true;
    }
  }
  return rate;
}

function highestLevel(inst: MaxMinInstance, rate: readonly number[], frozen: readonly boolean[]): number {
  const users = inst.weights.length;
  const at = layoutOf(users);
  const everyone = inst.weights.map(() => true);
  let level = affordableLevel(inst, rate, frozen, everyone);
  for (let step = 0; step <= 2 ** Math.min(users, 20); step++) {
    const demands = rate.map((r, u) => (frozen[u] ? r : level * inst.weights[u]!));
    const { net } = buildNetwork(inst, demands);
    const flow = maxFlow(net, at.source, at.sink);
    const wanted = demands.reduce((a, b) => a + b, 0);
    if (flow >= wanted - EPSILON * Math.max(1, wanted)) return level;
    const side = reachable(net, at.source);
    // Users still reachable from the source form the violated side of the min cut.
    const inCut = inst.weights.map((_, u) => side[at.user(u)]!);
    const next = affordableLevel(inst, rate, frozen, inCut);
    if (!(next < level)) throw new Error(`progressive filling stalled at level ${level}`);
    level = next;
  }
  throw new Error('progressive filling did not converge');
}

/** The level at which user set A exactly fills the services it can reach. */
function affordableLevel(inst: MaxMinInstance, rate: readonly number[], frozen: readonly boolean[], inA: readonly boolean[]): number {
  let capacity = 0;
  inst.capacities.forEach((c, s) => {
    if (inst.access.some((row, u) => inA[u] && row[s])) capacity += c;
  });
  let weight = 0;
  inA.forEach((member, u) => {
    if (!member) return;
    if (frozen[u]) capacity -= rate[u]!;
    else weight += inst.weights[u]!;
  });
  if (weight === 0) throw new Error('a violated cut holds only frozen users; earlier rounds were infeasible');
  return Math.max(0, capacity) / weight;
}

/**
 * Independent cross-check for the solver's own tests: by Hall's theorem for supply and demand
 * (Gale 1957) demands are feasible iff every user set A gets no more than C(N(A)), so the next
 * level is a minimum over all subsets. Exponential, for tiny instances only.
 */
export function maxMinFairBySubsets(inst: MaxMinInstance): number[] {
  validate(inst);
  const users = inst.weights.length;
  if (users > 12) throw new TypeError(`maxMinFairBySubsets is exponential; at most 12 users, got ${users}`);
  const rate = new Array<number>(users).fill(0);
  const frozen = inst.access.map((row) => !row.some(Boolean));
  for (let round = 0; round < users && frozen.includes(false); round++) {
    let best = Infinity;
    let tight: boolean[][] = [];
    for (let mask = 1; mask < 1 << users; mask++) {
      const inA = inst.weights.map((_, u) => (mask & (1 << u)) !== 0);
      if (!inA.some((m, u) => m && !frozen[u])) continue;
      const level = affordableLevel(inst, rate, frozen, inA);
      if (level < best - EPSILON) { best = level; tight = [inA]; } else if (level <= best + EPSILON) tight.push(inA);
    }
    for (let u = 0; u < users; u++) if (!frozen[u]) rate[u] = best * inst.weights[u]!;
    for (const inA of tight) inA.forEach((m, u) => { if (m) frozen[u] = true; });
  }
  return rate;
}
