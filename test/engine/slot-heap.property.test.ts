// The heap under every queue of the engine, against a linear scan: after any sequence of pushes,
// re-keys, removals and pops, the top is the smallest (k1, k2, k3) and the contents agree.
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
          const expected = [...queued.entries()].sort(([, a], [, b]) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2])[0];
          expect(heap.size).toBe(queued.size);
          expect(heap.peek()).toBe(expected?.[0]);
          if (expected) expect([heap.topK1(), heap.topK3()]).toEqual([expected[1][0], expected[1][2]]);
          for (const [item, handle] of handles) expect(heap.contains(handle)).toBe(queued.has(item));
        }
        expect(heap.values().sort((a, b) => a - b)).toEqual([...queued.keys()].sort((a, b) => a - b));
      }),
      { seed: DEEP ? undefined : 20261203, numRuns: DEEP ? 50_000 : 500 },
    );
  });
});
