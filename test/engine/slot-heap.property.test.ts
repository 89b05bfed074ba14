// The heap under every queue of the engine, against a linear scan: after any sequence of pushes,
// re-keys, removals and pops, the top is the smallest (k1, k2, k3) and the contents agree. k3 is
// fixed per item, as the engine's sequence numbers are.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SlotHeap } from '../../engine/slot-heap.ts';

const DEEP = process.env.FAIRSEND_DEEP === '1';
type Op = { kind: 'push' | 'update' | 'remove' | 'pop' | 'release'; item: number; k1: number; k2: number };

const op: fc.Arbitrary<Op> = fc.record({
  kind: fc.constantFrom('push', 'update', 'remove', 'pop', 'release'),
  item: fc.nat(15),
  k1: fc.integer({ min: 0, max: 6 }),
  k2: fc.constantFrom(0, 0.25, 0.5, 1 / 3),
});


type Keys3 = [number, number, number];

function less(a: Keys3, b: Keys3): boolean {
  return a[0] < b[0] || (a[0] === b[0] && (a[1] < b[1] || (a[1] === b[1] && a[2] < b[2])));
}

/** The smallest entry by a linear scan, the reference the heap is checked against. */
function smallest(queued: Map<number, Keys3>): [number, Keys3] | undefined {
  let best: [number, Keys3] | undefined;
  for (const [item, k] of queued) if (best === undefined || less(k, best[1])) best = [item, k];
  return best;
}

describe('SlotHeap', () => {
  it('always answers the smallest key triple, like a linear scan', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 200 }), (ops) => {
        const heap = new SlotHeap<number>();
        const handles = new Map<number, number>();
        const queued = new Map<number, [number, number, number]>();
        for (const o of ops) {
          let h = handles.get(o.item);
          if (h === undefined) {
            h = heap.register(o.item);
            handles.set(o.item, h);
          }
          const keys: [number, number, number] = [o.k1, o.k2, o.item];
          if (o.kind === 'push' && !queued.has(o.item)) {
            heap.push(h, ...keys);
            queued.set(o.item, keys);
          } else if (o.kind === 'update' && queued.has(o.item)) {
            heap.update(h, ...keys);
            queued.set(o.item, keys);
          } else if (o.kind === 'remove' && queued.has(o.item)) {
            heap.remove(h);
            queued.delete(o.item);
          } else if (o.kind === 'pop' && queued.size > 0) {
            const top = heap.pop() as number;
            queued.delete(top);
          } else if (o.kind === 'release') {
            heap.release(h);
            handles.delete(o.item);
            queued.delete(o.item);
          }
          const expected = smallest(queued);
          expect(heap.size).toBe(queued.size);
          expect(heap.peek()).toBe(expected?.[0]);
          if (expected) expect([heap.topK1(), heap.topK2(), heap.topK3()]).toEqual(expected[1]);
          for (const [item, handle] of handles) expect(heap.contains(handle)).toBe(queued.has(item));
        }
        expect(heap.values().sort((a, b) => a - b)).toEqual([...queued.keys()].sort((a, b) => a - b));
      }),
      { seed: DEEP ? undefined : 20261203, numRuns: DEEP ? 50_000 : 500 },
    );
  });

  it('serves many items round after round, with stragglers re-keyed ahead (long runs of equal tags)', () => {
    // Like equal-weight users: the first item is served and moves one round on, while now and then
    // another item jumps several rounds ahead (a key brought up to date) or leaves and comes back.
    const step = fc.record({ kind: fc.constantFrom('serve', 'serve', 'serve', 'jump', 'leave', 'back'), pick: fc.nat(), rounds: fc.integer({ min: 1, max: 4 }) });
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 300 }), fc.array(step, { minLength: 400, maxLength: 1_500 }), (count, steps) => {
        const heap = new SlotHeap<number>();
        const queued = new Map<number, [number, number, number]>();
        const handles: number[] = [];
        for (let i = 0; i < count; i++) {
          handles.push(heap.register(i));
          heap.push(handles[i]!, 0, 0, i);
          queued.set(i, [0, 0, i]);
        }
        const out: number[] = [];
        for (const s of steps) {
          const top = smallest(queued);
          if (s.kind === 'serve' && top) {
            const [item, [k1]] = top;
            heap.update(handles[item]!, k1 + 1, 0, item);
            queued.set(item, [k1 + 1, 0, item]);
          } else if (s.kind === 'jump' && queued.size > 0) {
            const item = [...queued.keys()][s.pick % queued.size]!;
            const k1 = queued.get(item)![0] + s.rounds;
            heap.update(handles[item]!, k1, 0.5, item);
            queued.set(item, [k1, 0.5, item]);
          } else if (s.kind === 'leave' && queued.size > 0) {
            const item = [...queued.keys()][s.pick % queued.size]!;
            heap.remove(handles[item]!);
            queued.delete(item);
            out.push(item);
          } else if (s.kind === 'back' && out.length > 0) {
            const item = out.splice(s.pick % out.length, 1)[0]!;
            const k1 = top ? top[1][0] : 0;
            heap.push(handles[item]!, k1, 0, item);
            queued.set(item, [k1, 0, item]);
          }
          const expected = smallest(queued);
          expect(heap.size).toBe(queued.size);
          expect(heap.peek()).toBe(expected?.[0]);
          if (expected) expect([heap.topK1(), heap.topK2(), heap.topK3()]).toEqual(expected[1]);
        }
      }),
      { seed: DEEP ? undefined : 20261204, numRuns: DEEP ? 600 : 60 },
    );
  });
});
