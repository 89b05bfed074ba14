// The engine's own deadlines (a task's start or expiry, a retry coming due, a paused service
// resuming) as one queue ordered by (at, seq). There are no hidden timers: the shell asks
// `nextWakeAt()` and wakes the engine then.
import { SlotHeap } from './slot-heap.ts';

export type TimerKind = 'task_start' | 'task_deadline' | 'retry_due' | 'service_resume';

export class Timer {
  /** Handle in the timer queue while scheduled. */
  handle = -1;
  constructor(
    readonly at: number,
    readonly seq: number,
    readonly kind: TimerKind,
    readonly target: string,
  ) {}
}

export class TimerQueue {
  private readonly heap = new SlotHeap<Timer>();
  private nextSeq = 0;

  get seqCounter(): number {
    return this.nextSeq;
  }

  set seqCounter(value: number) {
    this.nextSeq = value;
  }

  schedule(at: number, kind: TimerKind, target: string): Timer {
    return this.restore(at, this.nextSeq++, kind, target);
  }

  /** Restores a timer exactly as it was (snapshot), keeping its tie-break. */
  restore(at: number, seq: number, kind: TimerKind, target: string): Timer {
    const timer = new Timer(at, seq, kind, target);
    timer.handle = this.heap.register(timer);
    this.heap.push(timer.handle, at, 0, seq);
    return timer;
  }

  cancel(timer: Timer | null): null {
    if (timer !== null && timer.handle >= 0) {
      this.heap.release(timer.handle);
      timer.handle = -1;
    }
    return null;
  }

  peekAt(): number | null {
    return this.heap.size === 0 ? null : this.heap.topK1();
  }

  /** Removes and returns the earliest timer due at or before `now`, if any. */
  popDue(now: number): Timer | undefined {
    if (this.heap.size === 0 || this.heap.topK1() > now) return undefined;
    const top = this.heap.peek() as Timer;
    this.cancel(top);
    return top;
  }

  all(): Timer[] {
    return this.heap.values();
  }
}
