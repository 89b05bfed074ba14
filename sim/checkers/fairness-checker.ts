/**
 * Invariant 6, fairness: while two users are both continuously backlogged, over any run of
 * consecutive dispatches |n_i/w_i − n_j/w_j| ≤ 1/w_i + 1/w_j (start-time fair queueing with
 * unit-cost sends), and the same between the tasks of one user. Meant for the `fair` policy.
 *
 * Which dispatches count. The fair policy keeps ONE virtual time per user across all services, so
 * counting a single service is unsound when users also send elsewhere: services A and B can serve
 * i and j alternately and A's counts then diverge without bound, although the policy is perfect.
 * The bound does hold for all of a user's dispatches, between users that may use exactly the same
 * services: each of their sends went to whoever was furthest behind among eligible users, and both
 * were eligible every time. So users are grouped by their access set and compared on their total
 * dispatch counts (with a single service this is exactly "consecutive dispatches on one service");
 * tasks are grouped by their user, whose access set they share.
 *
 * Backlog is derived from the events: a task is backlogged when it is started, not paused, not
 * finished, and has a recipient ready (never sent, returned to the head by a throttling reply, or a
 * retry whose `retry_due` fired); a user when it is not suspended and has a backlogged task. When
 * unsure it errs towards "not backlogged", which can only skip a check, never invent a violation.
 */
import { BaseChecker } from './checker.ts';
import type { CheckedEvent, DispatchEvent, OutcomeEvent, ServiceSpecChange, TaskCreated, TaskEvent, UserAdded, UserEvent } from './checked-event.ts';
import { PairSpread } from './pair-spread.ts';

interface UserState {
  suspended: boolean;
  /** Tasks of this user currently backlogged. */
  readyTasks: number;
  weight: number;
}

interface TaskState {
  user: string;
  started: boolean;
  paused: boolean;
  ended: boolean;
  /** Queued first attempts (including ones a throttling reply returned). Exact. */
  fresh: number;
  /** Retries that are due or returned; may undercount, never overcounts. */
  retries: number;
  backlogged: boolean;
}

export class FairnessChecker extends BaseChecker {
  private readonly users = new Map<string, UserState>();
  private readonly tasks = new Map<string, TaskState>();
  private readonly access = new Map<string, ReadonlySet<string> | null>();
  private readonly userPairs = new PairSpread(this.log, (a, wa, b, wb) => `users '${a}' (weight ${wa}) and '${b}' (weight ${wb})`);
  private readonly taskPairs = new PairSpread(this.log, (a, wa, b, wb) => `tasks '${a}' (weight ${wa}) and '${b}' (weight ${wb}) of user '${this.tasks.get(a)?.user ?? '?'}'`);

  constructor() {
    super('fairness');
  }

  push(e: CheckedEvent): void {
    switch (e.type) {
      case 'service_added':
      case 'service_updated': return this.onService(e as ServiceSpecChange);
      case 'user_added': return this.onUserAdded(e as UserAdded);
      case 'user_updated': return this.onWeight(e as UserEvent);
      case 'user_suspended':
      case 'user_resumed': return this.onSuspend(e as UserEvent);
      case 'task_created': return this.onTaskCreated(e as TaskCreated);
      case 'dispatch': return this.onDispatch(e as DispatchEvent);
      case 'outcome': return this.onOutcome(e as OutcomeEvent);
      default: return this.onTaskEvent(e);
    }
  }

  private onService(e: ServiceSpecChange): void {
    this.access.set(e.service, e.spec.access === 'all' ? null : new Set(e.spec.access));
    for (const [id, u] of this.users) this.userPairs.set(id, u.weight, this.accessKey(id));
  }

  /** The sorted list of services the user may use. */
  private accessKey(user: string): string {
    return [...this.access].filter(([, set]) => set === null || set.has(user)).map(([s]) => s).sort().join('\u0000');
  }

  private onUserAdded(e: UserAdded): void {
    this.users.set(e.user, { suspended: false, readyTasks: 0, weight: e.weight });
    this.userPairs.set(e.user, e.weight, this.accessKey(e.user));
  }

  private onWeight(e: UserEvent): void {
    const u = this.users.get(e.user);
    if (u === undefined || e.weight === undefined) return;
    u.weight = e.weight;
    this.userPairs.set(e.user, e.weight, this.accessKey(e.user));
  }

  private onSuspend(e: UserEvent): void {
    const u = this.users.get(e.user);
    if (u === undefined) return;
    u.suspended = e.type === 'user_suspended';
    this.userPairs.setBacklogged(e.user, !u.suspended && u.readyTasks > 0);
  }

  private onTaskCreated(e: TaskCreated): void {
    const t: TaskState = { user: e.user, started: e.startAt <= e.t, paused: false, ended: false, fresh: e.recipients, retries: 0, backlogged: false };
    this.tasks.set(e.task, t);
    this.taskPairs.set(e.task, e.weight ?? 1, e.user);
    this.refreshTask(e.task, t);
  }

  private onTaskEvent(e: CheckedEvent): void {
    const { task } = e as TaskEvent;
    const t = task === undefined ? undefined : this.tasks.get(task);
    if (t === undefined) return;
    if (e.type === 'task_started') t.started = true;
    else if (e.type === 'task_paused') t.paused = true;
    else if (e.type === 'task_resumed') t.paused = false;
    else if (e.type === 'retry_due') t.retries++;
    else if (e.type === 'task_cancelled' || e.type === 'task_expired' || e.type === 'task_completed') t.ended = true;
    else return;
    this.refreshTask(task, t);
  }

  private onOutcome(e: OutcomeEvent): void {
    const t = this.tasks.get(e.task);
    if (t === undefined || e.final !== null) return;
    // A throttling or quota reply puts the recipient back at the head of its task at once.
    if (e.result === 'service_error' || e.result === 'service_quota_reached') {
      if (e.attempt === 1) t.fresh++;
      else t.retries++;
      this.refreshTask(e.task, t);
    }
  }

  private onDispatch(e: DispatchEvent): void {
    this.userPairs.count(e.user, e);
    this.taskPairs.count(e.task, e);
    const t = this.tasks.get(e.task);
    if (t === undefined) return;
    if (e.attempt === 1) t.fresh = Math.max(0, t.fresh - 1);
    else t.retries = Math.max(0, t.retries - 1);
    this.refreshTask(e.task, t);
  }

  private refreshTask(id: string, t: TaskState): void {
    const backlogged = !t.ended && t.started && !t.paused && t.fresh + t.retries > 0;
    if (backlogged === t.backlogged) return;
    t.backlogged = backlogged;
    this.taskPairs.setBacklogged(id, backlogged);
    const u = this.users.get(t.user);
    if (u === undefined) return;
    u.readyTasks += backlogged ? 1 : -1;
    this.userPairs.setBacklogged(t.user, !u.suspended && u.readyTasks > 0);
  }
}
