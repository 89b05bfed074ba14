// A binary min-heap of service indices keyed by (nextSlotAt, index): the timer structure shared
// by the floor loop and the seed baseline (the seed's setInterval timers live in the runtime's own
// timer heap, so giving it the same heap keeps the comparison about the scheduling scan alone).
// The index is the total tie-break, so the order never depends on insertion accidents.

export interface SlotHeap {
  readonly size: () => number;
  readonly push: (service: number, at: number) => void;
  // Removes and returns the service with the earliest slot; peekAt() gives its time first.
  readonly pop: () => number;
  readonly peekAt: () => number;
}

function assert(condition: boolean, message: string): asserts condition {
  if (!condition) throw new Error(`assertion failed: ${message}`);
}

export function createSlotHeap(capacity: number): SlotHeap {
  const items = new Int32Array(capacity);
  const keys = new Float64Array(capacity);
  let length = 0;
  const less = (a: number, b: number): boolean =>
    keys[a]! < keys[b]! || (keys[a] === keys[b] && items[a]! < items[b]!);
  const swap = (a: number, b: number): void => {
    const item = items[a]!;
    const key = keys[a]!;
    items[a] = items[b]!;
    keys[a] = keys[b]!;
    items[b] = item;
    keys[b] = key;
  };
  const up = (start: number): void => {
    let i = start;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!less(i, parent)) return;
      swap(i, parent);
      i = parent;
    }
  };
  const down = (start: number): void => {
    let i = start;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= length) return;
      const right = left + 1;
      const child = right < length && less(right, left) ? right : left;
      if (!less(child, i)) return;
      swap(i, child);
      i = child;
    }
  };
  return {
    size: () => length,
    push: (service, at) => {
      assert(length < capacity, `slot heap is full (capacity ${capacity})`);
      items[length] = service;
      keys[length] = at;
      length += 1;
      up(length - 1);
    },
    pop: () => {
      assert(length > 0, 'pop from an empty slot heap');
      const top = items[0]!;
      length -= 1;
      if (length > 0) {
        items[0] = items[length]!;
        keys[0] = keys[length]!;
        down(0);
      }
      return top;
    },
    peekAt: () => {
      assert(length > 0, 'peek into an empty slot heap');
      return keys[0]!;
    },
  };
}
