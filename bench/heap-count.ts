// Counts the engine's queue work exactly while a function runs: every operation on an
// engine/slot-heap.ts queue (push, re-key, removal; a pop or a release of a queued item is a
// removal) and every entry a sift moved one level. On the benchmark's deterministic workload these
// are the same on every machine, so the gate can hold the engine to them: a change that makes each
// decision do more queue work fails however fast the machine running the gate is.
//
// It wraps the queue's prototype methods for the duration of `fn` and puts them back after. Only
// the exact checks use it, after the timed runs, so no timing sees the wrappers.

import { SlotHeap } from '../engine/slot-heap.ts';

export interface HeapWork {
  /** push + update + remove calls (pop and release remove through `remove`). */
  readonly operations: number;
  /** Entries moved one level by a sift. */
  readonly moves: number;
}

type Method = (this: unknown, ...args: never[]) => unknown;

export function countHeapWork<T>(fn: () => T): { readonly result: T; readonly work: HeapWork } {
  const proto = SlotHeap.prototype as unknown as Record<string, Method>;
  const counted = ['push', 'update', 'remove', 'move'] as const;
  const originals = counted.map((name) => {
    const original = proto[name];
    if (typeof original !== 'function') throw new Error(`bench: SlotHeap has no method ${name} to count`);
    return original;
  });
  let operations = 0;
  let moves = 0;
  counted.forEach((name, i) => {
    const original = originals[i]!;
    proto[name] = name === 'move'
      ? function (this: unknown, ...args: never[]) { moves += 1; return original.apply(this, args); }
      : function (this: unknown, ...args: never[]) { operations += 1; return original.apply(this, args); };
  });
  try {
    const result = fn();
    return { result, work: { operations, moves } };
  } finally {
    counted.forEach((name, i) => { proto[name] = originals[i]!; });
  }
}
