// A campaign: a cursor over its recipient list plus the few recipients that wait for a retry or
// came back from a failing service. Pending recipients cost nothing: there is no object per
// recipient, only per recipient that is in flight, deferred or returned.
import { HeapNode, IndexedHeap } from './indexed-heap.ts';
import type { Service } from './service.ts';
import type { Timer } from './timer-queue.ts';
import type { User } from './user.ts';

export type TaskState = 'active' | 'paused' | 'completed' | 'cancelled' | 'expired';

export interface TaskSpec {
  readonly id: string;
  readonly user: string;
  /** Addresses (checked, trimmed, de-duplicated) or a plain count. */
  readonly recipients: readonly string[] | number;
  /** Not before this time (default: now). */
  readonly startAt?: number;
  /** If no recipient was dispatched by startAt + maxLatenessMs, the task expires and is refunded. */
  readonly maxLatenessMs?: number;
  /** Share among the user's tasks, a positive integer (default 1). */
  readonly weight?: number;
}

export interface RecipientRef {
  readonly recipient: number;
  readonly attempt: number;
}

/** A deferred recipient; retries are ordered by due time, then recipient index (unique in a task). */
export class RetryItem {
  readonly node = new HeapNode<RetryItem>(this);
  constructor(
    readonly recipient: number,
    readonly attempt: number,
    readonly dueAt: number,
  ) {
    this.node.k1 = dueAt;
    this.node.k2 = recipient;
  }
}

export interface InFlight {
  readonly service: Service;
  readonly attempt: number;
}

export class Task {
  /** Place in its user's queue of ready tasks; the policy sets its keys. */
  readonly slot = new HeapNode<Task>(this);
  state: TaskState = 'active';
  /** The start time has come (tasks without a start time start at creation). */
  started: boolean;
  /** Next fresh recipient; recipients before it were dispatched at least once. */
  cursor = 0;
  /** Recipients handed back unharmed by a failing service; they go first, lowest index first. */
  readonly returned: RecipientRef[] = [];
  readonly retries = new IndexedHeap<RetryItem>();
  readonly inFlight = new Map<number, InFlight>();
  sent = 0;
  failed = 0;
  refunded = 0;
  dispatched = 0;
  firstDispatchAt: number | null = null;
  endedAt: number | null = null;
  /** Fair policy among the user's tasks: virtual time vtNum / weight. */
  vtNum = 0;
  rrKey = 0;
  startTimer: Timer | null = null;
  deadlineTimer: Timer | null = null;
  retryTimer: Timer | null = null;

  constructor(
    readonly id: string,
    readonly seq: number,
    readonly user: User,
    readonly count: number,
    public weight: number,
    readonly createdAt: number,
    readonly startAt: number,
    readonly deadlineAt: number | null,
  ) {
    this.started = startAt <= createdAt;
  }

  /** Recipients not yet final and not refunded (they hold a reservation). */
  get open(): number {
    return this.count - this.sent - this.failed - this.refunded;
  }

  /** Open recipients that are not in flight. */
  get queued(): number {
    return this.open - this.inFlight.size;
  }

  get ended(): boolean {
    return this.state === 'completed' || this.state === 'cancelled' || this.state === 'expired';
  }

  hasReadyRecipient(now: number): boolean {
    if (this.returned.length > 0 || this.cursor < this.count) return true;
    const retry = this.retries.peek();
    return retry !== undefined && retry.dueAt <= now;
  }

  /** Next recipient to send: returned first, then due retries, then fresh recipients in order. */
  takeNext(now: number): RecipientRef {
    const back = this.returned.shift();
    if (back !== undefined) return back;
    const retry = this.retries.peek();
    if (retry !== undefined && retry.dueAt <= now) {
      this.retries.remove(retry.node);
      return { recipient: retry.recipient, attempt: retry.attempt };
    }
    return { recipient: this.cursor++, attempt: 1 };
  }

  returnToHead(ref: RecipientRef): void {
    let i = this.returned.length;
    while (i > 0 && (this.returned[i - 1] as RecipientRef).recipient > ref.recipient) i--;
    this.returned.splice(i, 0, ref);
  }
}
