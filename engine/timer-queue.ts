// The engine's own deadlines (a task's start or expiry, a retry coming due, a paused service
// resuming) as one queue ordered by (at, seq). There are no hidden timers: the shell asks
// `nextWakeAt()` and wakes the engine then.
import { IndexedHeap } from './indexed-heap.ts';
import type { HeapItem } from './indexed-heap.ts';

export type TimerKind = 'task_start' | 'task_deadline' | 'retry_due' | 'service_resume';

export class Timer implements HeapItem {
  heapIndex = -1;
  constructor(
    public at: number,
    public seq: number,
    readonly kind: TimerKind,
    readonly target: string,
  ) {}
}

export class TimerQueue {
  private readonly heap = new IndexedHeap<Timer>((a, b) => a.at < b.at || (a.at === b.at && a.seq < b.seq));
  private nextSeq = 0;

  get seqCounter(): number {
    return this.nextSeq;
  }

  set seqCounter(value: number) {
    this.nextSeq = value;
  }

  schedule(at: number, kind: TimerKind, target: string): Timer {
    const timer = new Timer(at, this.nextSeq++, kind, target);
    this.heap.push(timer);
    return timer;
  }

  /** Restores a timer exactly as it was (snapshot), keeping its tie-break. */
  restore(at: number, seq: number, kind: TimerKind, target: string): Timer {
    const timer = new Timer(at, seq, kind, target);
    this.heap.push(timer);
    return timer;
  }

  cancel(timer: Timer | null): null {
    if (timer !== null && this.heap.contains(timer)) this.heap.remove(timer);
    return null;
  }

  peekAt(): number | null {
    const top = this.heap.peek();
    return top === undefined ? null : top.at;
  }

  /** Removes and returns the earliest timer due at or before `now`, if any. */
  popDue(now: number): Timer | undefined {
    const top = this.heap.peek();
    if (top === undefined || top.at > now) return undefined;
    this.heap.remove(top);
    return top;
  }

  all(): readonly Timer[] {
    return this.heap.values();
  }
}
