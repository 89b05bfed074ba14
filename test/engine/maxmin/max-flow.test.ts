import { describe, expect, it } from 'vitest';
import { addEdge, createNetwork, maxFlow, reachable } from './index.ts';

describe('maxFlow (Edmonds–Karp)', () => {
  it('finds the classic CLRS 26.1 network value of 23', () => {
    const net = createNetwork(6);
    const edges: [number, number, number][] = [
      [0, 1, 16], [0, 2, 13], [2, 1, 4], [1, 3, 12], [3, 2, 9],
      [2, 4, 14], [4, 3, 7], [3, 5, 20], [4, 5, 4],
    ];
    for (const [a, b, c] of edges) addEdge(net, a, b, c);
    expect(maxFlow(net, 0, 5)).toBe(23);
  });

  it('needs the reverse edge to undo a greedy path', () => {
    // s=0, a=1, b=2, t=3: the first BFS path s-a-b-t must be partly undone to reach 2.
    const net = createNetwork(4);
    addEdge(net, 0, 1, 1); addEdge(net, 0, 2, 1); addEdge(net, 1, 2, 1);
    addEdge(net, 1, 3, 1); addEdge(net, 2, 3, 1);
    expect(maxFlow(net, 0, 3)).toBe(2);
  });

  it('gives 0 when the sink is unreachable and keeps the source side of the cut', () => {
    const net = createNetwork(4);
    addEdge(net, 0, 1, 5); addEdge(net, 2, 3, 5);
    expect(maxFlow(net, 0, 3)).toBe(0);
    expect(reachable(net, 0)).toEqual([true, true, false, false]);
  });

  it('handles fractional and infinite capacities', () => {
    const net = createNetwork(4);
    addEdge(net, 0, 1, 0.5); addEdge(net, 1, 2, Infinity); addEdge(net, 2, 3, 0.25);
    expect(maxFlow(net, 0, 3)).toBe(0.25);
  });

  it('refuses bad input', () => {
    expect(() => createNetwork(1)).toThrow('nodeCount must be an integer >= 2, got 1');
    expect(() => addEdge(createNetwork(2), 0, 1, -1)).toThrow('capacity must be >= 0, got -1');
  });
});
