// A 4-ary min-heap ordered by the numeric triple (k1, k2, k3), its entries (three keys and a handle)
// side by side in one array of numbers. Items are registered once and addressed by a small integer
// handle, so an item can be removed or re-keyed in O(log n) without a search. Keeping the entries
// in one flat array (not in one object per item) makes a sift read a cache line or two per level
// (four siblings are contiguous, and half as many levels as a binary heap): at 10,000 users and
// 1,000 services that is what bounds the cost of a dispatch decision. Owners encode
// their order into the triple with a unique sequence number last, so the order is total and every
// decision is deterministic.
import { assert } from './assert.ts';

export class SlotHeap<T> {
  // By position in the heap (0 = smallest), four numbers per entry: k1, k2, k3 and the handle, so
  // that comparing two siblings reads one or two cache lines.
  private readonly e: number[] = [];
  private n = 0;
  // By handle: position in the heap (-1 when not queued) and the registered value.
  private readonly pos: number[] = [];
  private readonly items: (T | undefined)[] = [];
  private readonly freeHandles: number[] = [];
  /** The item at position 0, kept at hand so that a peek reads no array. */
  private first: T | undefined = undefined;


  get size(): number {
    return this.n;
  }

  /** Makes `value` addressable by the returned handle (not yet queued). */
  register(value: T): number {
    const reused = this.freeHandles.pop();
    const handle = reused ?? this.items.length;
    if (reused === undefined) {
      this.items.push(value);
      this.pos.push(-1);
    } else {
      this.items[handle] = value;
    }
    this.pos[handle] = -1;
    return handle;
  }

  /** Forgets a handle; its item must not be queued. */
  release(handle: number): void {
    assert(handle >= 0 && handle < this.items.length, () => `released an unknown heap handle ${handle}`);
    if (this.pos[handle] !== -1) this.remove(handle);
    this.items[handle] = undefined;
    this.freeHandles.push(handle);
  }

  contains(handle: number): boolean {
    return handle >= 0 && (this.pos[handle] as number) >= 0;
  }

  /** The smallest item, or undefined when empty. */
  peek(): T | undefined {
    return this.first;
  }

  peekHandle(): number {
    return this.n === 0 ? -1 : (this.e[3] as number);
  }

  /** Keys of the smallest item (only meaningful when not empty). */
  topK1(): number {
    return this.e[0] as number;
  }

  topK2(): number {
    return this.e[1] as number;
  }

  topK3(): number {
    return this.e[2] as number;
  }

  /** Queued items in heap order (not sorted). */
  values(): T[] {
    const out: T[] = [];
    for (let i = 0; i < this.n; i++) out.push(this.items[this.e[i * STRIDE + 3] as number] as T);
    return out;
  }

  push(handle: number, k1: number, k2: number, k3: number): void {
    if (this.n * STRIDE === this.e.length) this.e.push(0.5, 0.5, 0.5, 0.5); // 0.5: unboxed doubles from the start
    const i = this.n++;
    this.siftUp(i, handle, k1, k2, k3);
  }

  /** Sets new keys for a queued item and restores order. */
  update(handle: number, k1: number, k2: number, k3: number): void {
    const i = this.pos[handle] as number;
    if (i > 0 && lessThan(k1, k2, k3, this.e, ((i - 1) >> 2) * STRIDE)) this.siftUp(i, handle, k1, k2, k3);
    else this.siftDown(i, handle, k1, k2, k3);
  }

  remove(handle: number): void {
    const i = this.pos[handle] as number;
    this.pos[handle] = -1;
    const last = --this.n;
    if (last === 0) this.first = undefined;
    if (i === last) return;
    const e = this.e;
    const o = last * STRIDE;
    const h = e[o + 3] as number;
    const a1 = e[o] as number;
    const a2 = e[o + 1] as number;
    const a3 = e[o + 2] as number;
    if (i > 0 && lessThan(a1, a2, a3, e, ((i - 1) >> 2) * STRIDE)) this.siftUp(i, h, a1, a2, a3);
    else this.siftDown(i, h, a1, a2, a3);
  }

  /** Removes and returns the smallest item (its handle stays registered). */
  pop(): T | undefined {
    if (this.n === 0) return undefined;
    const handle = this.e[3] as number;
    this.remove(handle);
    return this.items[handle];
  }

  // Both sifts carry the moving item's keys in locals and place it once at the end.
  private siftUp(start: number, handle: number, a1: number, a2: number, a3: number): void {
    const e = this.e;
    let i = start;
    while (i > 0) {
      const p = (i - 1) >> 2;
      if (!lessThan(a1, a2, a3, e, p * STRIDE)) break;
      this.move(p, i);
      i = p;
    }
    this.place(i, handle, a1, a2, a3);
  }

  private siftDown(start: number, handle: number, a1: number, a2: number, a3: number): void {
    const e = this.e;
    const n = this.n;
    let i = start;
    for (;;) {
      const first = 4 * i + 1;
      if (first >= n) break;
      // The smallest of up to four children, whose entries are contiguous.
      let child = first;
      let co = first * STRIDE;
      const end = Math.min(first + 4, n);
      for (let c = first + 1; c < end; c++) {
        const o = c * STRIDE;
        if (lessThan(e[o] as number, e[o + 1] as number, e[o + 2] as number, e, co)) {
          child = c;
          co = o;
        }
      }
      if (!lessKeys(e[co] as number, e[co + 1] as number, e[co + 2] as number, a1, a2, a3)) break;
      this.move(child, i);
      i = child;
    }
    this.place(i, handle, a1, a2, a3);
  }

  private place(i: number, handle: number, a1: number, a2: number, a3: number): void {
    const o = i * STRIDE;
    const e = this.e;
    e[o] = a1;
    e[o + 1] = a2;
    e[o + 2] = a3;
    e[o + 3] = handle;
    this.pos[handle] = i;
    if (i === 0) this.first = this.items[handle];
  }

  private move(from: number, to: number): void {
    const e = this.e;
    const f = from * STRIDE;
    const t = to * STRIDE;
    if (to === 0) this.first = this.items[e[f + 3] as number];
    e[t] = e[f] as number;
    e[t + 1] = e[f + 1] as number;
    e[t + 2] = e[f + 2] as number;
    const h = e[f + 3] as number;
    e[t + 3] = h;
    this.pos[h] = to;
  }
}

const STRIDE = 4;

/** (a1, a2, a3) < (b1, b2, b3), lexicographically. */
function lessKeys(a1: number, a2: number, a3: number, b1: number, b2: number, b3: number): boolean {
  return a1 < b1 || (a1 === b1 && (a2 < b2 || (a2 === b2 && a3 < b3)));
}

/** (a1, a2, a3) < the keys of the entry at offset o. */
function lessThan(a1: number, a2: number, a3: number, e: number[], o: number): boolean {
  return lessKeys(a1, a2, a3, e[o] as number, e[o + 1] as number, e[o + 2] as number);
}
