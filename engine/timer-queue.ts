// The engine's own deadlines (a task's start or expiry, a retry coming due, a paused service
// resuming) as one queue ordered by (at, seq). There are no hidden timers: the shell asks
// `nextWakeAt()` and wakes the engine then.
import { HeapNode, IndexedHeap } from './indexed-heap.ts';

export type TimerKind = 'task_start' | 'task_deadline' | 'retry_due' | 'service_resume';

export class Timer {
  readonly node = new HeapNode<Timer>(this);
  constructor(
    readonly at: number,
    readonly seq: number,
    readonly kind: TimerKind,
    readonly target: string,
  ) {
    this.node.k1 = at;
    this.node.k3 = seq;
  }
}

export class TimerQueue {
  private readonly heap = new IndexedHeap<Timer>();
  private nextSeq = 0;

  get seqCounter(): number {
    return this.nextSeq;
  }

  set seqCounter(value: number) {
    this.nextSeq = value;
  }

  schedule(at: number, kind: TimerKind, target: string): Timer {
    const timer = new Timer(at, this.nextSeq++, kind, target);
    this.heap.push(timer.node);
    return timer;
  }

  /** Restores a timer exactly as it was (snapshot), keeping its tie-break. */
  restore(at: number, seq: number, kind: TimerKind, target: string): Timer {
    const timer = new Timer(at, seq, kind, target);
    this.heap.push(timer.node);
    return timer;
  }

  cancel(timer: Timer | null): null {
    if (timer !== null && this.heap.contains(timer.node)) this.heap.remove(timer.node);
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
    this.heap.remove(top.node);
    return top;
  }

  all(): Timer[] {
    return this.heap.values();
  }
}
