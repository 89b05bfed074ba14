/**
 * Maximum flow by Edmonds–Karp (Ford–Fulkerson with breadth-first augmenting paths; Edmonds & Karp,
 * "Theoretical improvements in algorithmic efficiency for network flow problems", JACM 1972).
 * O(V·E²) is plenty for the small instances the fairness tests build (a dozen nodes).
 *
 * Capacities are floating point because max-min fair rates are fractions; residual capacities below
 * `EPSILON` count as zero so that rounding never invents an augmenting path.
 */

export const EPSILON = 1e-9;

export interface FlowNetwork {
  readonly nodeCount: number;
  /** Adjacency by edge index; edge `e` and its reverse `e ^ 1` are stored next to each other. */
  readonly adjacency: number[][];
  readonly edgeTo: number[];
  readonly capacity: number[];
  readonly flow: number[];
}

export function createNetwork(nodeCount: number): FlowNetwork {
  if (!Number.isInteger(nodeCount) || nodeCount < 2) {
    throw new TypeError(`nodeCount must be an integer >= 2, got ${nodeCount}`);
  }
  return {
    nodeCount,
    adjacency: Array.from({ length: nodeCount }, () => []),
    edgeTo: [],
    capacity: [],
    flow: [],
  };
}

/** Adds a directed edge and returns its index (its residual twin is `index ^ 1`). */
export function addEdge(net: FlowNetwork, from: number, to: number, capacity: number): number {
  if (!(capacity >= 0)) throw new TypeError(`capacity must be >= 0, got ${capacity}`);
  const index = net.edgeTo.length;
  net.edgeTo.push(to, from);
  net.capacity.push(capacity, 0);
  net.flow.push(0, 0);
  net.adjacency[from]!.push(index);
  net.adjacency[to]!.push(index + 1);
  return index;
}

export function residual(net: FlowNetwork, edge: number): number {
  return net.capacity[edge]! - net.flow[edge]!;
}

/** Breadth-first search in the residual graph; returns the edge used to reach each node (or -1). */
export function residualParents(net: FlowNetwork, from: number): number[] {
  const parent = new Array<number>(net.nodeCount).fill(-1);
  const seen = new Array<boolean>(net.nodeCount).fill(false);
  seen[from] = true;
  const queue = [from];
  // Each node enters the queue at most once, so the loop is bounded by nodeCount.
  for (let head = 0; head < queue.length; head++) {
    const node = queue[head]!;
    for (const edge of net.adjacency[node]!) {
      const to = net.edgeTo[edge]!;
      if (!seen[to] && residual(net, edge) > EPSILON) {
        seen[to] = true;
        parent[to] = edge;
        queue.push(to);
      }
    }
  }
  return parent;
}

/** Nodes reachable from `from` in the residual graph (`from` included). */
export function reachable(net: FlowNetwork, from: number): boolean[] {
  const parent = residualParents(net, from);
  return parent.map((edge, node) => node === from || edge !== -1);
}

/** Pushes as much flow as possible from `source` to `sink`; returns the total flow value. */
export function maxFlow(net: FlowNetwork, source: number, sink: number): number {
  let total = 0;
  // Each augmentation saturates an edge; Edmonds–Karp needs at most V·E of them.
  const limit = net.nodeCount * net.edgeTo.length + 1;
  for (let round = 0; round < limit; round++) {
    const parent = residualParents(net, source);
    if (parent[sink] === -1) return total;
    let bottleneck = Infinity;
    for (let node = sink; node !== source; node = net.edgeTo[parent[node]! ^ 1]!) {
      bottleneck = Math.min(bottleneck, residual(net, parent[node]!));
    }
    for (let node = sink; node !== source; node = net.edgeTo[parent[node]! ^ 1]!) {
      const edge = parent[node]!;
      net.flow[edge] = net.flow[edge]! + bottleneck;
      net.flow[edge ^ 1] = net.flow[edge ^ 1]! - bottleneck;
    }
    total += bottleneck;
  }
  throw new Error(`maxFlow did not converge within ${limit} augmentations`);
}
