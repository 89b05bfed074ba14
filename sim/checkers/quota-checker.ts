/**
 * Invariant 3, quota conservation: for every user `balance + reserved + consumed == granted` with
 * each term ≥ 0, where `reserved` is the user's recipients that are not final yet.
 *
 * The checker keeps its own ledger from the events alone: `user_added` (quota) and `quota_granted`
 * grant; `task_created` moves `reserved` from balance to reserved; a final `sent` outcome moves one
 * unit from reserved to consumed; a final `failed` outcome leaves reserved and is either given back
 * by the `quota_refunded` that follows it, or (when failures are charged) consumed; cancel and
 * expiry give back what was queued through `quota_refunded`. A violation is any step that would
 * drive a term below zero, an engine-reported balance that differs from the ledger, a task that
 * completes with units still reserved, or (unless failures are charged) a failure not given back.
 * O(1) per event.
 */
import { BaseChecker } from './checker.ts';
import type { CheckedEvent, OutcomeEvent, QuotaGranted, QuotaRefunded, TaskCompleted, TaskCreated, UserAdded } from './checked-event.ts';

export interface UserLedger {
  granted: number;
  balance: number;
  reserved: number;
  consumed: number;
}

interface TaskLedger {
  user: string;
  created: TaskCreated;
  /** Units still reserved for this task: recipients neither final nor given back. */
  open: number;
}

export class QuotaChecker extends BaseChecker {
  private readonly users = new Map<string, UserLedger>();
  private readonly tasks = new Map<string, TaskLedger>();
  /** A failed outcome whose unit is refunded by the very next event if it is not charged. */
  private failed: OutcomeEvent | null = null;

  /** `chargeFailures` as in the engine's options: failed recipients consume quota instead of being refunded. */
  constructor(private readonly options: { chargeFailures?: boolean } = {}) {
    super('quota');
  }

  /** The ledger the checker derived for a user, to compare with the engine's status. */
  ledger(user: string): Readonly<UserLedger> | undefined {
    return this.users.get(user);
  }

  push(e: CheckedEvent): void {
    if (this.failed !== null && !(e.type === 'quota_refunded' && (e as QuotaRefunded).task === this.failed.task)) this.settleFailure(null);
    switch (e.type) {
      case 'user_added': return this.onUserAdded(e as UserAdded);
      case 'quota_granted': return this.onGranted(e as QuotaGranted);
      case 'task_created': return this.onTaskCreated(e as TaskCreated);
      case 'outcome': return this.onOutcome(e as OutcomeEvent);
      case 'quota_refunded': return this.onRefunded(e as QuotaRefunded);
      case 'task_completed': return this.onCompleted(e as TaskCompleted);
      default:
    }
  }

  override finish(): void {
    if (this.failed !== null) this.settleFailure(null);
  }

  private onUserAdded(e: UserAdded): void {
    this.users.set(e.user, { granted: e.quota, balance: e.quota, reserved: 0, consumed: 0 });
  }

  private onGranted(e: QuotaGranted): void {
    const u = this.user(e.user, e);
    if (u === undefined) return;
    u.granted += e.amount;
    u.balance += e.amount;
    if (u.balance !== e.balance) this.log.add(`user '${e.user}': engine reports balance ${e.balance} after a grant of ${e.amount}, the ledger says ${u.balance}`, [e]);
  }

  private onTaskCreated(e: TaskCreated): void {
    const u = this.user(e.user, e);
    if (u === undefined) return;
    if (e.reserved > u.balance) this.log.add(`user '${e.user}': task '${e.task}' reserved ${e.reserved} with a balance of ${u.balance}`, [e]);
    u.balance -= e.reserved;
    u.reserved += e.reserved;
    this.tasks.set(e.task, { user: e.user, created: e, open: e.reserved });
  }

  private onOutcome(e: OutcomeEvent): void {
    if (e.final === null) return;
    const t = this.tasks.get(e.task);
    if (t === undefined) return void this.log.add(`final outcome for unknown task '${e.task}'`, [e]);
    if (t.open === 0) return void this.log.add(`task '${e.task}': final '${e.final}' for recipient ${e.recipient} with nothing left reserved`, [t.created, e]);
    t.open--;
    const u = this.users.get(t.user) as UserLedger;
    if (e.final === 'sent') {
      u.reserved--;
      u.consumed++;
    } else {
      this.failed = e;
    }
  }

  /** Ends the pending failure: refunded by `refund` (a quota_refunded event) or else consumed. */
  private settleFailure(refund: QuotaRefunded | null): void {
    const e = this.failed as OutcomeEvent;
    this.failed = null;
    const u = this.users.get(e.user);
    if (u === undefined) return;
    u.reserved--;
    if (refund !== null) {
      u.balance++;
      return;
    }
    u.consumed++;
    // A cancelled task's last in-flight recipients are always given back, so only plain failures may be kept.
    if (this.options.chargeFailures !== true) this.log.add(`task '${e.task}': recipient ${e.recipient} failed and its unit was not refunded`, [e]);
  }

  private onRefunded(e: QuotaRefunded): void {
    let amount = e.amount;
    if (this.failed !== null) {
      this.settleFailure(e);
      amount--;
    }
    if (amount === 0) return;
    const t = this.tasks.get(e.task);
    if (t === undefined) return void this.log.add(`refund for unknown task '${e.task}'`, [e]);
    if (amount > t.open) return void this.log.add(`task '${e.task}': refund of ${amount} with only ${t.open} reserved`, [t.created, e]);
    t.open -= amount;
    const u = this.users.get(t.user) as UserLedger;
    u.reserved -= amount;
    u.balance += amount;
  }

  private onCompleted(e: TaskCompleted): void {
    const t = this.tasks.get(e.task);
    if (t !== undefined && t.open !== 0) this.log.add(`task '${e.task}' completed with ${t.open} units still reserved`, [t.created, e]);
  }

  private user(id: string, e: CheckedEvent): UserLedger | undefined {
    const u = this.users.get(id);
    if (u === undefined) this.log.add(`event for unknown user '${id}'`, [e]);
    return u;
  }
}
