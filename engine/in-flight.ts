// The recipients in flight over all tasks: (task, recipient) -> a packed number (service index and
// attempt, see task.ts). One open-addressing table for the whole engine instead of a map per task:
// a dispatch or an outcome touches one entry, and an idle task costs nothing. Linear probing with
// backward-shift deletion, so no tombstones build up however long the engine runs.
const STRIDE = 3; // task key (task seq + 1; 0 = empty), recipient, value
const MIN_CAPACITY = 64;

export class InFlightTable {
  private slots: Float64Array;
  private mask: number;
  private count = 0;

  /**
   * `capacity` (a power of two) and `hash` are for tests: a small table and a poor hash make probe
   * runs collide and wrap around the end.
   */
  constructor(
    capacity = MIN_CAPACITY,
    private readonly hash: (key: number, recipient: number) => number = mixPair,
  ) {
    this.slots = new Float64Array(capacity * STRIDE);
    this.mask = capacity - 1;
  }

  get size(): number {
    return this.count;
  }

  /** The value stored for (task, recipient), or -1. */
  get(task: number, recipient: number): number {
    const s = this.slots;
    const key = task + 1;
    for (let i = this.hash(key, recipient) & this.mask; ; i = (i + 1) & this.mask) {
      const o = i * STRIDE;
      const k = s[o] as number;
      if (k === 0) return -1;
      if (k === key && s[o + 1] === recipient) return s[o + 2] as number;
    }
  }

  /** Stores a value (>= 0) for a pair that is not in the table. */
  add(task: number, recipient: number, value: number): void {
    if (2 * (this.count + 1) > this.mask + 1) this.resize(2 * (this.mask + 1));
    this.count++;
    this.place(task + 1, recipient, value);
  }

  /** Removes the pair; returns whether it was there. */
  delete(task: number, recipient: number): boolean {
    const s = this.slots;
    const mask = this.mask;
    const key = task + 1;
    let i = this.hash(key, recipient) & mask;
    for (;;) {
      const o = i * STRIDE;
      const k = s[o] as number;
      if (k === 0) return false;
      if (k === key && s[o + 1] === recipient) break;
      i = (i + 1) & mask;
    }
    this.count--;
    // Backward shift: move later entries of the probe run into the hole when their home allows it.
    for (let j = (i + 1) & mask; ; j = (j + 1) & mask) {
      const o = j * STRIDE;
      const k = s[o] as number;
      if (k === 0) break;
      const home = this.hash(k, s[o + 1] as number) & mask;
      // The entry at j may move to the hole at i unless its home lies cyclically in (i, j].
      if (i <= j ? home <= i || home > j : home <= i && home > j) {
        const h = i * STRIDE;
        s[h] = k;
        s[h + 1] = s[o + 1] as number;
        s[h + 2] = s[o + 2] as number;
        i = j;
      }
    }
    s[i * STRIDE] = 0;
    return true;
  }

  /** Every entry as (task, recipient, value), in table order. */
  forEach(fn: (task: number, recipient: number, value: number) => void): void {
    const s = this.slots;
    for (let o = 0; o < s.length; o += STRIDE) if (s[o] !== 0) fn((s[o] as number) - 1, s[o + 1] as number, s[o + 2] as number);
  }

  private place(key: number, recipient: number, value: number): void {
    const s = this.slots;
    let i = this.hash(key, recipient) & this.mask;
    while (s[i * STRIDE] !== 0) i = (i + 1) & this.mask;
    const o = i * STRIDE;
    s[o] = key;
    s[o + 1] = recipient;
    s[o + 2] = value;
  }

  private resize(capacity: number): void {
    const old = this.slots;
    this.slots = new Float64Array(capacity * STRIDE);
    this.mask = capacity - 1;
    for (let o = 0; o < old.length; o += STRIDE) if (old[o] !== 0) this.place(old[o] as number, old[o + 1] as number, old[o + 2] as number);
  }
}

export function mixPair(key: number, recipient: number): number {
  // Keys and recipients are non-negative safe integers; fold the high bits in so that any value mixes.
  const r = (recipient | 0) ^ ((recipient / 4294967296) | 0);
  const k = (key | 0) ^ ((key / 4294967296) | 0);
  let h = Math.imul(k, 0x9e3779b1) ^ Math.imul(r, 0x85ebca77);
  h ^= h >>> 15;
  h = Math.imul(h, 0x2c1b3c6d);
  return (h ^ (h >>> 13)) >>> 0;
}
