/**
 * Invariant 9, nothing lost and nothing doubled: every recipient of a task ends exactly once, as
 * sent or failed, or is given back when the task is cancelled or expires before reaching it. A
 * recipient is dispatched only while queued (never twice at once, never after it ended, never
 * after its task ended), and each outcome answers exactly one dispatch.
 *
 * One byte of state per accepted recipient (a task is a few bytes per address anyway), O(1) per
 * event; the end-of-task checks compare counters, never scan.
 */
import { BaseChecker } from './checker.ts';
import type { CheckedEvent, DispatchEvent, OutcomeEvent, TaskCompleted, TaskCreated, TaskEnded } from './checked-event.ts';

const QUEUED = 0;
const IN_FLIGHT = 1;
const SENT = 2;
const FAILED = 3;
const STATE_NAMES = ['queued', 'in flight', 'sent', 'failed'];
const RELEASED = new Uint8Array(0);

interface TaskState {
  created: TaskCreated;
  /** Accepted recipients: indices 0 … n − 1. */
  n: number;
  /** Per-recipient state; released (emptied) once the task completed, when no event may touch it. */
  recipients: Uint8Array;
  sent: number;
  failed: number;
  inFlight: number;
  /** Set when the task completed, was cancelled or expired. */
  ended: CheckedEvent | null;
}

export class RecipientChecker extends BaseChecker {
  private readonly tasks = new Map<string, TaskState>();

  constructor() {
    super('recipients');
  }

  push(e: CheckedEvent): void {
    switch (e.type) {
      case 'task_created': {
        const c = e as TaskCreated;
        this.tasks.set(c.task, { created: c, n: c.recipients, recipients: new Uint8Array(c.recipients), sent: 0, failed: 0, inFlight: 0, ended: null });
        return;
      }
      case 'dispatch': return this.onDispatch(e as DispatchEvent);
      case 'outcome': return this.onOutcome(e as OutcomeEvent);
      case 'task_cancelled':
      case 'task_expired': return this.onEnded(e as TaskEnded);
      case 'task_completed': return this.onCompleted(e as TaskCompleted);
      default:
    }
  }

  private task(e: DispatchEvent | OutcomeEvent): TaskState | undefined {
    const t = this.tasks.get(e.task);
    if (t === undefined) this.log.add(`${e.type} for unknown task '${e.task}'`, [e]);
    else if (!Number.isInteger(e.recipient) || e.recipient < 0 || e.recipient >= t.n) {
      this.log.add(`task '${e.task}': ${e.type} for recipient ${e.recipient}, outside 0..${t.n - 1}`, [t.created, e]);
      return undefined;
    } else if (t.ended?.type === 'task_completed') {
      this.log.add(`task '${e.task}': ${e.type} for recipient ${e.recipient} after the task completed`, [t.ended, e]);
      return undefined;
    }
    return t;
  }

  private onDispatch(e: DispatchEvent): void {
    const t = this.task(e);
    if (t === undefined) return;
    const state = t.recipients[e.recipient] as number;
    if (t.ended !== null) this.log.add(`task '${e.task}': recipient ${e.recipient} dispatched after the task ended (${t.ended.type})`, [t.ended, e]);
    else if (state !== QUEUED) this.log.add(`task '${e.task}': recipient ${e.recipient} dispatched while ${STATE_NAMES[state]}`, [e]);
    if (state !== QUEUED) return;
    t.recipients[e.recipient] = IN_FLIGHT;
    t.inFlight++;
  }

  private onOutcome(e: OutcomeEvent): void {
    const t = this.task(e);
    if (t === undefined) return;
    const state = t.recipients[e.recipient] as number;
    if (state !== IN_FLIGHT) return void this.log.add(`task '${e.task}': outcome '${e.result}' for recipient ${e.recipient}, which is ${STATE_NAMES[state]}`, [e]);
    t.inFlight--;
    if (e.final === 'sent') {
      t.recipients[e.recipient] = SENT;
      t.sent++;
    } else if (e.final === 'failed') {
      t.recipients[e.recipient] = FAILED;
      t.failed++;
    } else {
      t.recipients[e.recipient] = QUEUED;
    }
  }

  /** Cancel or expiry gives back exactly the recipients that are neither final nor in flight. */
  private onEnded(e: TaskEnded): void {
    const t = this.tasks.get(e.task);
    if (t === undefined) return void this.log.add(`${e.type} for unknown task '${e.task}'`, [e]);
    const queued = t.n - t.sent - t.failed - t.inFlight;
    if (e.refunded !== queued) this.log.add(`task '${e.task}': ${e.type} gave back ${e.refunded} recipients, ${queued} were queued`, [t.created, e]);
    t.ended = e;
  }

  private onCompleted(e: TaskCompleted): void {
    const t = this.tasks.get(e.task);
    if (t === undefined) return void this.log.add(`task_completed for unknown task '${e.task}'`, [e]);
    const n = t.n;
    if (t.sent + t.failed !== n || e.sent !== t.sent || e.failed !== t.failed) {
      this.log.add(`task '${e.task}' completed reporting ${e.sent} sent and ${e.failed} failed; of its ${n} recipients ${t.sent} were sent and ${t.failed} failed`, [t.created, e]);
    }
    t.ended = e;
    t.recipients = RELEASED;
  }
}
