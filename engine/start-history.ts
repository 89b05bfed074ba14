// The send starts of one service, oldest first, as a growable ring of numbers. Windows read it to
// find the k-th most recent start and how many starts fall after a given time; the service drops
// starts that no window can see any more, so its size is bounded by what the windows need.
export class StartHistory {
  private ring: Float64Array; // its length is a power of two
  private mask: number;
  private head = 0; // index of the oldest start in `ring`
  private count = 0;
  /**
   * At or before the oldest start (starts only leave from the old end), so that dropping starts
   * older than a time far in the past reads no memory beyond this object.
   */
  private oldestBound = -Infinity;
  /**
   * Starts that were dropped (too old, or beyond the cap) and when the latest of them was: a window
   * added or lengthened later cannot see them, so it assumes the worst of them (see rate-window.ts).
   */
  dropped = 0;
  lastDroppedAt = -Infinity;

  constructor(capacity = 16) {
    let size = 16;
    while (size < capacity) size *= 2;
    this.ring = new Float64Array(size);
    this.mask = size - 1;
  }

  get length(): number {
    return this.count;
  }

  /** The i-th start, 0 = oldest. */
  at(i: number): number {
    return this.ring[(this.head + i) & this.mask] as number;
  }

  push(t: number): void {
    if (this.count === this.ring.length) this.grow();
    this.ring[(this.head + this.count) & this.mask] = t;
    this.count++;
  }

  /** Drops every start at or before `t`. */
  dropThrough(t: number): void {
    if (this.oldestBound > t) return;
    while (this.count > 0 && (this.ring[this.head] as number) <= t) {
      this.forget();
    }
    this.oldestBound = this.count > 0 ? (this.ring[this.head] as number) : -Infinity;
  }

  dropOldest(): void {
    if (this.count === 0) return;
    this.forget();
  }

  private forget(): void {
    this.lastDroppedAt = this.ring[this.head] as number;
    this.dropped++;
    this.head = (this.head + 1) & this.mask;
    this.count--;
  }

  /** Number of starts strictly after `t` (binary search). */
  countAfter(t: number): number {
    let lo = 0;
    let hi = this.count;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.at(mid) <= t) lo = mid + 1;
      else hi = mid;
    }
    return this.count - lo;
  }

  toArray(): number[] {
    const out: number[] = [];
    for (let i = 0; i < this.count; i++) out.push(this.at(i));
    return out;
  }

  static from(starts: readonly number[], dropped = 0, lastDroppedAt: number | null = null): StartHistory {
    const h = new StartHistory(starts.length);
    for (const t of starts) h.push(t);
    h.dropped = dropped;
    h.lastDroppedAt = lastDroppedAt ?? -Infinity;
    return h;
  }

  private grow(): void {
    const next = new Float64Array(this.ring.length * 2);
    for (let i = 0; i < this.count; i++) next[i] = this.at(i);
    this.ring = next;
    this.mask = next.length - 1;
    this.head = 0;
  }
}
