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
 *
 * A task restricted to some services (`task_created.services`) competes on fewer services than its
 * user may use, so the user is not compared with others while such a task is backlogged, and tasks
 * are compared only with tasks of the same user under the same restriction (or none).
 *
 * Cost: O(log-ish) per event, see pair-spread.ts; a user's access set is recomputed only when it
 * becomes backlogged, or for the backlogged users when a service's access changes.
 */
import { BaseChecker } from './checker.ts';
import type { CheckedEvent, DispatchEvent, OutcomeEvent, ServiceSpecChange, TaskCreated, TaskEvent, UserAdded, UserEvent } from './checked-event.ts';
import { PairSpread } from './pair-spread.ts';

interface UserState {
  suspended: boolean;
  /** Tasks of this user currently backlogged, and how many of them are restricted to some services. */
  readyTasks: number;
  readyRestricted: number;
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
  /** Set when the task may use only some of its user's services. */
  restricted: boolean;
}

export class FairnessChecker extends BaseChecker {
  private readonly users = new Map<string, UserState>();
  private readonly tasks = new Map<string, TaskState>();
  private readonly access = new Map<string, ReadonlySet<string> | null>();
  /** Per user, the services that list it by name (services open to all are counted apart). */
  private readonly listedIn = new Map<string, Set<string>>();
  /** A number for the set of services open to all, the same number for the same set. */
  private readonly openSets = new Map<string, number>();
  private openSet = 0;
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
    const before = this.access.get(e.service);
    if (before) for (const u of before) this.listedIn.get(u)?.delete(e.service);
    const after = e.spec.access === 'all' ? null : new Set(e.spec.access);
    this.access.set(e.service, after);
    if (after) for (const u of after) (this.listedIn.get(u) ?? this.listedIn.set(u, new Set()).get(u)!).add(e.service);
    const open = [...this.access].filter(([, set]) => set === null).map(([id]) => id).sort().join('\u0000');
    this.openSet = this.openSets.get(open) ?? this.openSets.set(open, this.openSets.size).get(open)!;
    // Only backlogged users are being compared; the others get their access set when they join.
    for (const [id, u] of this.users) if (u.readyTasks > 0 && this.userPairs.isBacklogged(id)) this.userPairs.set(id, u.weight, this.accessKey(id));
  }

  /** Names the set of services the user may use: equal keys for equal sets. */
  private accessKey(user: string): string {
    const listed = this.listedIn.get(user);
    return `${this.openSet}|${listed === undefined ? '' : [...listed].sort().join('\u0000')}`;
  }

  private onUserAdded(e: UserAdded): void {
    this.users.set(e.user, { suspended: false, readyTasks: 0, readyRestricted: 0, weight: e.weight });
    this.userPairs.set(e.user, e.weight, this.accessKey(e.user));
  }

  private onWeight(e: UserEvent): void {
    const u = this.users.get(e.user);
    if (u === undefined || e.weight === undefined) return;
    u.weight = e.weight;
    this.userPairs.set(e.user, e.weight, this.userPairs.isBacklogged(e.user) ? this.accessKey(e.user) : '');
  }

  private onSuspend(e: UserEvent): void {
    const u = this.users.get(e.user);
    if (u === undefined) return;
    u.suspended = e.type === 'user_suspended';
    this.refreshUser(e.user, u);
  }

  private onTaskCreated(e: TaskCreated): void {
    const restricted = e.services !== undefined;
    const t: TaskState = { user: e.user, started: e.startAt <= e.t, paused: false, ended: false, fresh: e.recipients, retries: 0, backlogged: false, restricted };
    this.tasks.set(e.task, t);
    // Tasks compete only with tasks of the same user that may use the same services.
    this.taskPairs.set(e.task, e.weight ?? 1, restricted ? `${e.user}\u0001${[...e.services!].sort().join('\u0000')}` : e.user);
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
    if (t.restricted) u.readyRestricted += backlogged ? 1 : -1;
    this.refreshUser(t.user, u);
  }

  private refreshUser(id: string, u: UserState): void {
    const backlogged = !u.suspended && u.readyTasks > 0 && u.readyRestricted === 0;
    if (backlogged === this.userPairs.isBacklogged(id)) return;
    if (backlogged) this.userPairs.set(id, u.weight, this.accessKey(id));
    this.userPairs.setBacklogged(id, backlogged);
  }
}
