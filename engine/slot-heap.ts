// A binary min-heap whose keys live in typed arrays, ordered by the numeric triple (k1, k2, k3).
// Items are registered once and addressed by a small integer handle, so an item can be removed or
// re-keyed in O(log n) without a search. Keeping keys in flat arrays (not in one object per item)
// makes a sift touch a few contiguous cache lines instead of chasing a pointer per level: at
// 10,000 users and 1,000 services that is what bounds the cost of a dispatch decision. Owners encode
// their order into the triple with a unique sequence number last, so the order is total and every
// decision is deterministic.
export class SlotHeap<T> {
  // By position in the heap (0 = smallest).
  private k1: Float64Array;
  private k2: Float64Array;
  private k3: Float64Array;
  private handleAt: Int32Array;
  private n = 0;
  // By handle: position in the heap (-1 when not queued) and the registered value.
  private pos: Int32Array;
  private readonly items: (T | undefined)[] = [];
  private readonly freeHandles: number[] = [];

  constructor(capacity = 4) {
    this.k1 = new Float64Array(capacity);
    this.k2 = new Float64Array(capacity);
    this.k3 = new Float64Array(capacity);
    this.handleAt = new Int32Array(capacity);
    this.pos = new Int32Array(capacity).fill(-1);
  }

  get size(): number {
    return this.n;
  }

  /** Makes `value` addressable by the returned handle (not yet queued). */
  register(value: T): number {
    const reused = this.freeHandles.pop();
    const handle = reused ?? this.items.length;
    if (reused === undefined) {
      this.items.push(value);
      if (handle >= this.pos.length) this.pos = grow(this.pos, -1);
    } else {
      this.items[handle] = value;
    }
    this.pos[handle] = -1;
    return handle;
  }

  /** Forgets a handle; its item must not be queued. */
  release(handle: number): void {
    if (this.pos[handle] !== -1) this.remove(handle);
    this.items[handle] = undefined;
    this.freeHandles.push(handle);
  }

  contains(handle: number): boolean {
    return handle >= 0 && (this.pos[handle] as number) >= 0;
  }

  /** The smallest item, or undefined when empty. */
  peek(): T | undefined {
    return this.n === 0 ? undefined : this.items[this.handleAt[0] as number];
  }

  peekHandle(): number {
    return this.n === 0 ? -1 : (this.handleAt[0] as number);
  }

  /** Keys of the smallest item (only meaningful when not empty). */
  topK1(): number {
    return this.k1[0] as number;
  }

  topK3(): number {
    return this.k3[0] as number;
  }

  /** Queued items in heap order (not sorted). */
  values(): T[] {
    const out: T[] = [];
    for (let i = 0; i < this.n; i++) out.push(this.items[this.handleAt[i] as number] as T);
    return out;
  }

  push(handle: number, k1: number, k2: number, k3: number): void {
    if (this.n === this.k1.length) this.growPositions();
    const i = this.n++;
    this.siftUp(i, handle, k1, k2, k3);
  }

  /** Sets new keys for a queued item and restores order. */
  update(handle: number, k1: number, k2: number, k3: number): void {
    const i = this.pos[handle] as number;
    if (i > 0 && lessThan(k1, k2, k3, this.k1, this.k2, this.k3, (i - 1) >> 1)) this.siftUp(i, handle, k1, k2, k3);
    else this.siftDown(i, handle, k1, k2, k3);
  }

  remove(handle: number): void {
    const i = this.pos[handle] as number;
    this.pos[handle] = -1;
    const last = --this.n;
    if (i === last) return;
    const h = this.handleAt[last] as number;
    const a1 = this.k1[last] as number;
    const a2 = this.k2[last] as number;
    const a3 = this.k3[last] as number;
    if (i > 0 && lessThan(a1, a2, a3, this.k1, this.k2, this.k3, (i - 1) >> 1)) this.siftUp(i, h, a1, a2, a3);
    else this.siftDown(i, h, a1, a2, a3);
  }

  /** Removes and returns the smallest item (its handle stays registered). */
  pop(): T | undefined {
    if (this.n === 0) return undefined;
    const handle = this.handleAt[0] as number;
    this.remove(handle);
    return this.items[handle];
  }

  // Both sifts carry the moving item's keys in locals and place it once at the end.
  private siftUp(start: number, handle: number, a1: number, a2: number, a3: number): void {
    const { k1, k2, k3 } = this;
    let i = start;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!lessThan(a1, a2, a3, k1, k2, k3, p)) break;
      this.move(p, i);
      i = p;
    }
    this.place(i, handle, a1, a2, a3);
  }

  private siftDown(start: number, handle: number, a1: number, a2: number, a3: number): void {
    const { k1, k2, k3 } = this;
    const n = this.n;
    let i = start;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= n) break;
      const right = left + 1;
      const child = right < n && lessThan(k1[right] as number, k2[right] as number, k3[right] as number, k1, k2, k3, left) ? right : left;
      if (!lessKeys(k1[child] as number, k2[child] as number, k3[child] as number, a1, a2, a3)) break;
      this.move(child, i);
      i = child;
    }
    this.place(i, handle, a1, a2, a3);
  }

  private place(i: number, handle: number, a1: number, a2: number, a3: number): void {
    this.k1[i] = a1;
    this.k2[i] = a2;
    this.k3[i] = a3;
    this.handleAt[i] = handle;
    this.pos[handle] = i;
  }

  private move(from: number, to: number): void {
    this.k1[to] = this.k1[from] as number;
    this.k2[to] = this.k2[from] as number;
    this.k3[to] = this.k3[from] as number;
    const h = this.handleAt[from] as number;
    this.handleAt[to] = h;
    this.pos[h] = to;
  }

  private growPositions(): void {
    this.k1 = grow(this.k1, 0);
    this.k2 = grow(this.k2, 0);
    this.k3 = grow(this.k3, 0);
    this.handleAt = grow(this.handleAt, 0);
  }
}

/** (a1, a2, a3) < (b1, b2, b3), lexicographically. */
function lessKeys(a1: number, a2: number, a3: number, b1: number, b2: number, b3: number): boolean {
  return a1 < b1 || (a1 === b1 && (a2 < b2 || (a2 === b2 && a3 < b3)));
}

/** (a1, a2, a3) < the keys at position j. */
function lessThan(a1: number, a2: number, a3: number, k1: Float64Array, k2: Float64Array, k3: Float64Array, j: number): boolean {
  return lessKeys(a1, a2, a3, k1[j] as number, k2[j] as number, k3[j] as number);
}

function grow<A extends Float64Array | Int32Array>(a: A, fill: number): A {
  const next = new (a.constructor as { new (n: number): A })(a.length * 2);
  next.set(a);
  next.fill(fill, a.length);
  return next;
}
