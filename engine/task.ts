// A campaign: a cursor over its recipient list plus the few recipients that wait for a retry or
// came back from a failing service. Pending recipients cost nothing: there is no object per
// recipient, only per recipient that is in flight, deferred or returned.
import type { Member } from './access-group.ts';
import type { Restriction } from './restriction.ts';
import { SlotHeap } from './slot-heap.ts';
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
  /** Only these services may send it (ids; each must be open to the user). Default: any of the user's. */
  readonly services?: readonly string[];
}

/** A restricted task's place in the ready queue of one member whose group it may use. */
export interface TaskLink {
  readonly member: Member;
  readonly handle: number;
}

export interface RecipientRef {
  readonly recipient: number;
  readonly attempt: number;
}

/** A deferred recipient; retries are ordered by due time, then recipient index (unique in a task). */
export interface RetryItem {
  readonly recipient: number;
  readonly attempt: number;
  readonly dueAt: number;
}

/** In-flight entries pack (service index, attempt) into one number (see in-flight.ts): no object per send. */
export const ATTEMPT_SLOTS = 128; // attempts are at most 100 (retry.maxAttempts)

export class Task {
  /** Handle in its user's queue of ready tasks (released when the task ends; -1 if restricted). */
  handle: number;
  /**
   * Queued as ready: in its user's queue, or for a restricted task in the queue of every member it
   * is linked to (kept here so that checking touches only the task).
   */
  inReady = false;
  /** A restricted task's places in its members' queues (null when unrestricted). */
  links: TaskLink[] | null;
  state: TaskState = 'active';
  /** The start time has come (tasks without a start time start at creation). */
  started: boolean;
  /** Next fresh recipient; recipients before it were dispatched at least once. */
  cursor = 0;
  /**
   * Recipients handed back unharmed by a failing service; they go first, lowest index first.
   * Created when the first one comes back.
   */
  private back: RecipientRef[] | null = null;
  /** Deferred recipients by (dueAt, recipient); created at the first deferral. */
  private retryQueue: SlotHeap<RetryItem> | null = null;
  /** Recipients in flight (the engine's InFlightTable knows which, on which service). */
  inFlight = 0;
  /** The attempt of the recipient `takeNext` returned last. */
  takenAttempt = 1;
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
    readonly restriction: Restriction | null = null,
  ) {
    this.started = startAt <= createdAt;
    this.handle = restriction === null ? user.ready.register(this) : -1;
    this.links = restriction === null ? null : [];
  }

  get retryCount(): number {
    return this.retryQueue === null ? 0 : this.retryQueue.size;
  }

  /** The earliest retry, or undefined. */
  nextRetry(): RetryItem | undefined {
    return this.retryQueue?.peek();
  }

  /** Retries in no particular order (snapshots sort them). */
  retries(): RetryItem[] {
    return this.retryQueue === null ? [] : this.retryQueue.values();
  }

  addRetry(item: RetryItem): void {
    this.retryQueue ??= new SlotHeap<RetryItem>();
    const h = this.retryQueue.register(item);
    this.retryQueue.push(h, item.dueAt, item.recipient, 0);
  }

  clearRetries(): void {
    this.retryQueue = null;
  }

  /** Recipients not yet final and not refunded (they hold a reservation). */
  get open(): number {
    return this.count - this.sent - this.failed - this.refunded;
  }

  /** Open recipients that are not in flight. */
  get queued(): number {
    return this.open - this.inFlight;
  }

  get ended(): boolean {
    return this.state === 'completed' || this.state === 'cancelled' || this.state === 'expired';
  }

  hasReadyRecipient(now: number): boolean {
    if (this.cursor < this.count || (this.back !== null && this.back.length > 0)) return true;
    const retry = this.nextRetry();
    return retry !== undefined && retry.dueAt <= now;
  }

  /**
   * Next recipient to send: returned first, then due retries, then fresh recipients in order. Its
   * attempt is left in `takenAttempt` (no object per decision).
   */
  takeNext(now: number): number {
    const back = this.back === null ? undefined : this.back.shift();
    if (back !== undefined) {
      this.takenAttempt = back.attempt;
      return back.recipient;
    }
    const q = this.retryQueue;
    if (q !== null && q.size > 0 && q.topK1() <= now) {
      const h = q.peekHandle();
      const retry = q.peek() as RetryItem;
      q.release(h);
      this.takenAttempt = retry.attempt;
      return retry.recipient;
    }
    this.takenAttempt = 1;
    return this.cursor++;
  }

  /** Recipients handed back, in the order they go out. */
  returned(): readonly RecipientRef[] {
    return this.back ?? [];
  }

  clearReturned(): void {
    this.back = null;
  }

  returnToHead(ref: RecipientRef): void {
    const back = (this.back ??= []);
    let i = back.length;
    while (i > 0 && (back[i - 1] as RecipientRef).recipient > ref.recipient) i--;
    back.splice(i, 0, ref);
  }
}
