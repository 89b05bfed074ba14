import { describe, expect, it } from 'vitest';
import { countHeapWork } from '../../bench/heap-count.ts';
import { SlotHeap } from '../../engine/slot-heap.ts';

describe('countHeapWork', () => {
  it('counts operations and sift moves on a queue whose moves can be worked out by hand', () => {
    const { result, work } = countHeapWork(() => {
      const q = new SlotHeap<string>();
      const [a, b, c] = ['a', 'b', 'c'].map((x) => q.register(x)) as [number, number, number];
      q.push(a, 3, 0, 0); // root: no move
      q.push(b, 2, 0, 1); // child of the root, smaller: the root moves down (1)
      q.push(c, 1, 0, 2); // another child of the root, smaller: the root moves down (2)
      q.update(c, 9, 0, 2); // c at the root sinks: its smallest child (b) moves up (3)
      return q.pop(); // removes b: the last entry (c) takes its place and a, smaller, moves up (4)
    });
    expect(result).toBe('b');
    expect(work).toEqual({ operations: 5, moves: 4 });
  });

  it('puts the queue back as it was, also when the counted function throws', () => {
    const before = Object.getOwnPropertyNames(SlotHeap.prototype).map((name) => [name, Object.getOwnPropertyDescriptor(SlotHeap.prototype, name)!.value as unknown]);
    expect(() => countHeapWork(() => { throw new Error('boom'); })).toThrow('boom');
    const after = Object.getOwnPropertyNames(SlotHeap.prototype).map((name) => [name, Object.getOwnPropertyDescriptor(SlotHeap.prototype, name)!.value as unknown]);
    expect(after).toEqual(before);
    const { work } = countHeapWork(() => 0);
    expect(work).toEqual({ operations: 0, moves: 0 });
  });
});
