// The scheduling core. Every call takes the current time and answers with plain data: refusals,
// the sends to start, the next wake-up, and events to its sink. It never reads a clock, never
// sleeps and never sends: the simulator and the runner act on what it decides.
//
// Structure (all O(log n) per decision):
//   readyGroups  access groups that could dispatch, by their earliest available service's readyAt
//   group        services that can start a send by (readyAt, seq) + eligible users in policy order
//   user         ready tasks in policy order
//   task         a cursor + returned recipients + a retry heap
//   timers       task start/expiry, retry due, service resume
import { AccessGroup, Member } from './access-group.ts';
import { checkServicePatch, checkTaskRecipients, checkTaskTiming, MAX_INTERVAL_MS, MAX_WEIGHT } from './arguments.ts';
import type { ServicePatch } from './arguments.ts';
import { assert } from './assert.ts';
import type { EngineEvent, OutcomeResult, PauseReason } from './events.ts';
import { SlotHeap } from './slot-heap.ts';
import { InFlightTable } from './in-flight.ts';
import { resolveOptions, retryDelayMs, servicePauseMs } from './options.ts';
import type { EngineOptions, ResolvedOptions } from './options.ts';
import { ceilDiv, createPolicy } from './policy.ts';
import type { Keys, Policy } from './policy.ts';
import { fixedPeriod, windowsRemaining } from './rate-window.ts';
import type { WindowSpec } from './rate-window.ts';
import type { DuplicateRecipient, InvalidRecipient } from './recipients.ts';
import { Restriction } from './restriction.ts';
import { ok, refuse } from './result.ts';
import type { Result } from './result.ts';
import { Service } from './service.ts';
import type { ServiceSpec } from './service.ts';
import { ATTEMPT_SLOTS, Task } from './task.ts';
import type { TaskLink, TaskSpec } from './task.ts';
import { TimerQueue } from './timer-queue.ts';
import type { Timer } from './timer-queue.ts';
import { User } from './user.ts';
import type { UserSpec } from './user.ts';
import { describe, idProblem, intProblem, MAX_TIME_MS, unknownField } from './validate.ts';
import { snapshotEngine } from './snapshot.ts';
import type { EngineSnapshot } from './snapshot.ts';
import { engineStatus } from './status.ts';
import type { EngineStatus } from './status.ts';

/** A send that starts now; the same object is the `dispatch` event the sink receives. */
export interface Dispatch {
  readonly type: 'dispatch';
  readonly t: number;
  readonly service: string;
  readonly user: string;
  readonly task: string;
  /** Index in the task's recipient list (the accepted list when addresses were given). */
  readonly recipient: number;
  /** 1 for the first try; a retry after `deferred` counts one more. */
  readonly attempt: number;
}

export interface Outcome {
  readonly task: string;
  readonly recipient: number;
  readonly result: OutcomeResult;
  /** A hint from the provider (Retry-After): the back-off is at least this long. */
  readonly retryAfterMs?: number;
  /** Free text for the event log (an SMTP reply, say); never parsed. */
  readonly detail?: string;
}

export interface TaskCreated {
  readonly id: string;
  readonly reserved: number;
  /** The accepted addresses (trimmed), recipient index = position; null for a counted task. */
  readonly recipients: readonly string[] | null;
  readonly invalid: readonly InvalidRecipient[];
  readonly duplicates: readonly DuplicateRecipient[];
  /** A rough estimate: this user's open work at its fair share of its services' rate. */
  readonly estimatedCompletionAt: number;
}

export interface TaskView {
  readonly id: string;
  readonly user: string;
  readonly state: Task['state'];
  readonly started: boolean;
  readonly recipients: number;
  readonly sent: number;
  readonly failed: number;
  readonly refunded: number;
  readonly inFlight: number;
  /** Recipients waiting: fresh, deferred or returned (not in flight, not final). */
  readonly queued: number;
  readonly dispatched: number;
  readonly createdAt: number;
  readonly startAt: number;
  readonly firstDispatchAt: number | null;
  readonly endedAt: number | null;
  /** The services it is restricted to (sorted ids), or null for any of its user's. */
  readonly services: readonly string[] | null;
}


const OUTCOMES: readonly OutcomeResult[] = ['sent', 'deferred', 'rejected', 'service_error', 'service_quota_reached'];

function isOutcome(value: unknown): value is OutcomeResult {
  return value === 'sent' || OUTCOMES.includes(value as OutcomeResult);
}
const MAX_QUOTA = 1e12;
/** Longest `Outcome.detail` kept (an SMTP reply is a few hundred characters). */
const MAX_DETAIL_LENGTH = 4096;

/** The fields each command's argument object may have (see checkObject). */
const SERVICE_FIELDS = ['id', 'intervalMs', 'windows', 'concurrency', 'access'] as const satisfies readonly (keyof ServiceSpec)[];
const PATCH_FIELDS = ['intervalMs', 'windows', 'concurrency', 'access'] as const satisfies readonly (keyof ServicePatch)[];
const USER_FIELDS = ['id', 'quota', 'weight'] as const satisfies readonly (keyof UserSpec)[];
const USER_PATCH_FIELDS = ['weight'] as const;
const TASK_FIELDS = ['id', 'user', 'recipients', 'startAt', 'maxLatenessMs', 'weight', 'services'] as const satisfies readonly (keyof TaskSpec)[];

/** Entries in the engine's cache of recently dispatched tasks (a power of two). */
const RECENT_BITS = 12;
const RECENT_SLOTS = 1 << RECENT_BITS;

/**
 * A slot for (task id, recipient) in that cache. It hashes the id's last 8 characters and its
 * length: ids differ at the end (counters, random suffixes), and tasks that progress in lock step
 * dispatch the same recipient numbers at once, so a hash of the length and last character alone
 * sent most reports of a busy poll to the same few slots (and on to the task map).
 */
function recentSlot(id: string, recipient: number): number {
  let h = id.length;
  for (let i = Math.max(0, id.length - 8); i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 0x01000193);
  return Math.imul(h + recipient, 0x9e3779b1) >>> (32 - RECENT_BITS);
}

export class Engine {
  /** @internal */ now: number;
  /** @internal */ entitySeq = 0;
  /** @internal */ readonly options: ResolvedOptions;
  /** @internal */ readonly policy: Policy;
  /** @internal */ readonly services = new Map<string, Service>();
  /** @internal Services by `index` (creation order). */ readonly serviceList: Service[] = [];
  /** @internal */ readonly users = new Map<string, User>();
  /** @internal */ readonly tasks = new Map<string, Task>();
  /** @internal */ readonly groups = new Map<string, AccessGroup>();
  /** @internal Task restrictions by key, registered at first use and kept. */ readonly restrictions = new Map<string, Restriction>();
  /** @internal Ended tasks still known, oldest end first (see forgetEndedTasks). */ readonly endedTasks: Task[] = [];
  /** @internal */ readonly readyGroups = new SlotHeap<AccessGroup>();
  /** @internal */ readonly timers = new TimerQueue();
  /** @internal Recipients that are open and not in flight, over all tasks. */ queuedTotal = 0;
  /** @internal */ inFlightTotal = 0;
  /** @internal (task seq, recipient) -> service index × ATTEMPT_SLOTS + attempt. */ readonly flights = new InFlightTable();
  /** Bumped by every change to any service, to invalidate the groups' cached summaries. */
  private serviceVersion = 0;
  private readonly sink: ((event: EngineEvent) => void) | null;
  /**
   * Recently dispatched tasks by a cheap hash of (task id, recipient) (see recentSlot): report()
   * finds most tasks here, in one array read and a pointer compare of the id, instead of looking
   * the id up in `tasks`. A miss falls back to `tasks`; forgetting tasks clears it.
   */
  private readonly recent: (Task | undefined)[] = new Array<Task | undefined>(RECENT_SLOTS).fill(undefined);
  /** Scratch for the policy's order keys (no allocation per decision). */
  private readonly keys: Keys = { k1: 0, k2: 0, k3: 0 };
  private readonly userExists = (id: string): boolean => this.users.has(id);
  private readonly firstOf = (g: AccessGroup): Member | undefined => this.firstEligible(g);

  constructor(options: EngineOptions = {}) {
    this.options = resolveOptions(options);
    this.now = this.options.startAt;
    this.policy = createPolicy(this.options.policy);
    this.sink = options.onEvent ?? null;
  }

  /** The engine's clock: the largest `now` it has accepted. */
  get clock(): number {
    return this.now;
  }

  /** Seed-style status plus per-service and per-user detail, at the engine's clock. */
  status(): EngineStatus {
    return engineStatus(this);
  }

  /** The whole state as plain JSON; `restoreEngine` continues from it with identical decisions. */
  snapshot(): EngineSnapshot {
    return snapshotEngine(this);
  }

  getTask(id: string): TaskView | undefined {
    const t = this.tasks.get(id);
    if (t === undefined) return undefined;
    return {
      id: t.id,
      user: t.user.id,
      state: t.state,
      started: t.started,
      recipients: t.count,
      sent: t.sent,
      failed: t.failed,
      refunded: t.refunded,
      inFlight: t.inFlight,
      queued: t.ended ? 0 : t.queued,
      dispatched: t.dispatched,
      createdAt: t.createdAt,
      startAt: t.startAt,
      firstDispatchAt: t.firstDispatchAt,
      endedAt: t.endedAt,
      services: t.restriction === null ? null : t.restriction.ids(),
    };
  }

  /** Recipients waiting to be sent, over all tasks (O(1), for sampling queue depth). */
  get queued(): number {
    return this.queuedTotal;
  }

  get inFlight(): number {
    return this.inFlightTotal;
  }

  // ----- services --------------------------------------------------------------------------

  addService(now: number, given: ServiceSpec): Result<void> {
    const bad = this.checkTime(now) ?? this.checkObject('service', given, SERVICE_FIELDS);
    if (bad) return bad;
    const spec = serviceFields(given);
    const idBad = idProblem('id', spec.id);
    if (idBad) return refuse('INVALID_ARGUMENT', `service: ${idBad}`, 'id');
    if (this.services.has(spec.id)) return refuse('DUPLICATE_ID', `service '${spec.id}' already exists`, 'id');
    const intervalBad = intProblem('intervalMs', spec.intervalMs, 0, MAX_INTERVAL_MS);
    if (intervalBad) return refuse('INVALID_ARGUMENT', `service '${spec.id}': ${intervalBad}`, 'intervalMs');
    const patch = checkServicePatch(`service '${spec.id}'`, { ...spec, concurrency: spec.concurrency ?? 1, access: spec.access ?? 'all', windows: spec.windows ?? [] }, this.userExists);
    if (!patch.ok) return patch;
    const p = patch.value;
    const s = new Service(spec.id, this.entitySeq++, p.intervalMs as number, p.windows ?? [], p.concurrency ?? 1, p.access ?? 'all');
    this.now = now;
    this.services.set(s.id, s);
    s.index = this.serviceList.push(s) - 1;
    this.joinGroup(s);
    s.recomputeReadyAt(now);
    this.serviceVersion++;
    this.sink?.({ t: now, type: 'service_added', service: s.id, spec: s.spec() });
    this.refreshService(s);
    return ok(undefined);
  }

  updateService(now: number, id: string, patch: ServicePatch): Result<void> {
    const bad = this.checkTime(now) ?? this.checkObject('patch', patch, PATCH_FIELDS);
    if (bad) return bad;
    const s = this.services.get(id);
    if (!s) return this.unknown('UNKNOWN_SERVICE', 'service', id);
    const { intervalMs, concurrency, windows, access } = patch;
    const checked = checkServicePatch(`service '${id}'`, { intervalMs, concurrency, windows, access }, this.userExists);
    if (!checked.ok) return checked;
    const p = checked.value;
    this.now = now;
    if (p.intervalMs !== undefined) s.intervalMs = p.intervalMs;
    if (p.concurrency !== undefined) s.concurrency = p.concurrency;
    if (p.windows !== undefined) s.setWindows(p.windows);
    let regrouped = false;
    if (p.access !== undefined && AccessGroup.keyOf(p.access, s.restrictionClass()) !== s.group.key) {
      this.leaveGroup(s);
      s.access = p.access;
      this.joinGroup(s);
      regrouped = true;
    } else if (p.access !== undefined) {
      s.access = p.access;
    }
    s.recomputeReadyAt(now);
    this.serviceVersion++;
    this.sink?.({ t: now, type: 'service_updated', service: s.id, spec: s.spec() });
    this.refreshService(s);
    if (regrouped) this.relinkRestrictedTasks();
    return ok(undefined);
  }

  /** Operator pause; without `resumeAt` the service stays paused until `resumeService`. */
  pauseService(now: number, id: string, resumeAt?: number): Result<void> {
    const found = this.serviceAt(now, id);
    if (!found.ok) return found;
    const s = found.value;
    if (resumeAt !== undefined) {
      const p = intProblem('resumeAt', resumeAt, now + 1, MAX_TIME_MS);
      if (p) return refuse('INVALID_ARGUMENT', `pause of service '${id}': ${p}`, 'resumeAt');
    }
    if (s.state === 'disabled') return refuse('INVALID_STATE', `service '${id}' is disabled; resume it instead of pausing it`);
    this.now = now;
    this.setPause(s, 'operator', resumeAt ?? null);
    return ok(undefined);
  }

  /** Resumes a paused or disabled service and forgets its error streak. */
  resumeService(now: number, id: string): Result<void> {
    const found = this.serviceAt(now, id);
    if (!found.ok) return found;
    const s = found.value;
    if (s.state === 'active') return refuse('INVALID_STATE', `service '${id}' is not paused or disabled`);
    this.now = now;
    s.errorStreak = 0;
    this.activate(s);
    return ok(undefined);
  }

  disableService(now: number, id: string): Result<void> {
    const found = this.serviceAt(now, id);
    if (!found.ok) return found;
    const s = found.value;
    if (s.state === 'disabled') return refuse('INVALID_STATE', `service '${id}' is already disabled`);
    this.now = now;
    this.disable(s, 'operator');
    return ok(undefined);
  }

  // ----- users -----------------------------------------------------------------------------

  addUser(now: number, given: UserSpec): Result<void> {
    const bad = this.checkTime(now) ?? this.checkObject('user', given, USER_FIELDS);
    if (bad) return bad;
    const spec: UserSpec = { id: given.id, quota: given.quota, weight: given.weight };
    const idBad = idProblem('id', spec.id);
    if (idBad) return refuse('INVALID_ARGUMENT', `user: ${idBad}`, 'id');
    if (this.users.has(spec.id)) return refuse('DUPLICATE_ID', `user '${spec.id}' already exists`, 'id');
    const quotaBad = intProblem('quota', spec.quota ?? 0, 0, MAX_QUOTA);
    if (quotaBad) return refuse('INVALID_ARGUMENT', `user '${spec.id}': ${quotaBad}`, 'quota');
    const weightBad = intProblem('weight', spec.weight ?? 1, 1, MAX_WEIGHT);
    if (weightBad) return refuse('INVALID_ARGUMENT', `user '${spec.id}': ${weightBad}`, 'weight');
    this.now = now;
    const u = new User(spec.id, this.entitySeq++, spec.weight ?? 1, spec.quota ?? 0);
    this.users.set(u.id, u);
    for (const g of this.groups.values()) if (g.admits(u.id)) this.addMember(g, u);
    this.sink?.({ t: now, type: 'user_added', user: u.id, quota: u.granted, weight: u.weight });
    return ok(undefined);
  }

  updateUser(now: number, id: string, patch: { readonly weight?: number }): Result<void> {
    const bad = this.checkTime(now) ?? this.checkObject('patch', patch, USER_PATCH_FIELDS);
    if (bad) return bad;
    const u = this.users.get(id);
    if (!u) return this.unknown('UNKNOWN_USER', 'user', id);
    if (patch.weight !== undefined) {
      const weightBad = intProblem('weight', patch.weight, 1, MAX_WEIGHT);
      if (weightBad) return refuse('INVALID_ARGUMENT', `user '${id}': ${weightBad}`, 'weight');
      this.now = now;
      // Keep the user's virtual time (vtNum / weight) where it is, rounded up onto the new grid.
      u.vtNum = ceilDiv(u.vtNum * patch.weight, u.weight);
      u.weight = patch.weight;
    }
    this.now = now;
    this.sink?.({ t: now, type: 'user_updated', user: id, weight: u.weight });
    this.refreshUser(u);
    return ok(undefined);
  }

  suspendUser(now: number, id: string): Result<void> {
    return this.setUserState(now, id, 'suspended');
  }

  resumeUser(now: number, id: string): Result<void> {
    return this.setUserState(now, id, 'active');
  }

  grantQuota(now: number, userId: string, amount: number): Result<{ readonly balance: number }> {
    const bad = this.checkTime(now);
    if (bad) return bad;
    const u = this.users.get(userId);
    if (!u) return this.unknown('UNKNOWN_USER', 'user', userId);
    const amountBad = intProblem('amount', amount, 1, MAX_QUOTA);
    if (amountBad) return refuse('INVALID_ARGUMENT', `quota grant to user '${userId}': ${amountBad}`, 'amount');
    if (u.balance + amount > MAX_QUOTA) {
      return refuse('INVALID_ARGUMENT', `quota grant to user '${userId}': a balance of ${u.balance} + ${amount} would exceed ${MAX_QUOTA}`, 'amount');
    }
    if (u.granted + amount > Number.MAX_SAFE_INTEGER) return refuse('INVALID_ARGUMENT', `quota grant to user '${userId}' would overflow`, 'amount');
    this.now = now;
    u.granted += amount;
    u.balance += amount;
    this.sink?.({ t: now, type: 'quota_granted', user: userId, amount, balance: u.balance });
    return ok({ balance: u.balance });
  }

  // ----- tasks -----------------------------------------------------------------------------

  createTask(now: number, given: TaskSpec): Result<TaskCreated> {
    const bad = this.checkTime(now) ?? this.checkObject('task', given, TASK_FIELDS);
    if (bad) return bad;
    // Each field is read once (getters and inherited fields too): what is checked is what is used.
    const spec: TaskSpec = {
      id: given.id, user: given.user, recipients: given.recipients, startAt: given.startAt,
      maxLatenessMs: given.maxLatenessMs, weight: given.weight, services: given.services,
    };
    const idBad = idProblem('id', spec.id);
    if (idBad) return refuse('INVALID_ARGUMENT', `task: ${idBad}`, 'id');
    if (this.tasks.has(spec.id)) return refuse('DUPLICATE_ID', `task '${spec.id}' already exists`, 'id');
    const u = this.users.get(spec.user);
    if (!u) return this.unknown('UNKNOWN_USER', 'user', spec.user, 'user');
    if (u.state === 'suspended') return refuse('USER_SUSPENDED', `user '${u.id}' is suspended and cannot create tasks`, 'user');
    const label = `task '${spec.id}'`;
    const timing = checkTaskTiming(label, spec, now);
    if (!timing.ok) return timing;
    const { weight, startAt, deadlineAt } = timing.value;
    const list = checkTaskRecipients(label, spec.recipients);
    if (!list.ok) return list;
    const { count, accepted, invalid, duplicates } = list.value;
    const only = this.checkRestriction(label, u, spec.services);
    if (!only.ok) return only;
    if (u.balance < count) {
      return refuse('INSUFFICIENT_USER_QUOTA', `user '${u.id}' has ${u.balance} quota left; ${label} needs ${count}`, 'recipients');
    }
    const reach = only.value === null ? this.serviceReach(u, now) : servicesReach(only.value, now);
    if (!reach.usable) return refuse('NO_AVAILABLE_SERVICE', `user '${u.id}' has no usable sending service`, 'user');
    if (!reach.capacity) {
      return refuse('SERVICE_QUOTA_EXHAUSTED', `every sending service of user '${u.id}' has used its quota for now`, 'user');
    }

    this.now = now;
    u.balance -= count;
    u.reserved += count;
    u.openTasks++;
    this.queuedTotal += count;
    const restriction = only.value === null ? null : this.restrictionOf(only.value);
    const t = new Task(spec.id, this.entitySeq++, u, count, weight, now, startAt, deadlineAt, restriction);
    this.tasks.set(t.id, t);
    this.linkTask(t);
    if (!t.started) t.startTimer = this.timers.schedule(startAt, 'task_start', t.id);
    // "Not started by deadlineAt" includes a send at deadlineAt itself: timers fire before the
    // dispatches of their instant, so the expiry waits one millisecond (maxLatenessMs 0 = now or never).
    if (deadlineAt !== null) t.deadlineTimer = this.timers.schedule(deadlineAt + 1, 'task_deadline', t.id);
    this.sink?.({
      t: now,
      type: 'task_created',
      task: t.id,
      user: u.id,
      recipients: count,
      reserved: count,
      weight: t.weight,
      startAt,
      deadlineAt,
      ...(restriction === null ? {} : { services: restriction.ids() }),
    });
    this.refreshTask(t);
    return ok({
      id: t.id,
      reserved: count,
      recipients: accepted,
      invalid,
      duplicates,
      estimatedCompletionAt: this.estimateCompletion(u, reach, Math.max(now, startAt)),
    });
  }

  pauseTask(now: number, id: string): Result<void> {
    return this.switchTask(now, id, 'active', 'paused');
  }

  resumeTask(now: number, id: string): Result<void> {
    return this.switchTask(now, id, 'paused', 'active');
  }

  /**
   * Forgets the tasks that ended (completed, cancelled or expired) and have nothing in flight, so
   * that a long-running shell keeps memory and snapshots in proportion to its open work, not to
   * its history (which it keeps in its own store). A forgotten id is unknown from then on
   * (`getTask` answers undefined, commands UNKNOWN_TASK). Changes no ledger and no decision.
   */
  forgetEndedTasks(now: number): Result<{ readonly forgotten: number }> {
    const bad = this.checkTime(now);
    if (bad) return bad;
    this.now = now;
    let forgotten = 0;
    let kept = 0;
    for (const t of this.endedTasks) {
      if (t.inFlight === 0) {
        if (forgotten === 0) this.recent.fill(undefined);
        this.tasks.delete(t.id);
        forgotten++;
      } else {
        this.endedTasks[kept++] = t; // a cancelled task's last sends still have to report
      }
    }
    this.endedTasks.length = kept;
    return ok({ forgotten });
  }

  private switchTask(now: number, id: string, from: 'active' | 'paused', to: 'active' | 'paused'): Result<void> {
    const bad = this.checkTime(now);
    if (bad) return bad;
    const t = this.tasks.get(id);
    if (!t) return this.unknown('UNKNOWN_TASK', 'task', id);
    if (t.state !== from) return refuse('INVALID_STATE', `task '${id}' is ${t.state}, not ${from}`);
    this.now = now;
    t.state = to;
    this.sink?.({ t: now, type: to === 'paused' ? 'task_paused' : 'task_resumed', task: id, user: t.user.id });
    this.refreshTask(t);
    return ok(undefined);
  }

  /** Refunds every recipient not yet final and not in flight; in-flight ones report as usual. */
  cancelTask(now: number, id: string): Result<{ readonly refunded: number }> {
    const bad = this.checkTime(now);
    if (bad) return bad;
    const t = this.tasks.get(id);
    if (!t) return this.unknown('UNKNOWN_TASK', 'task', id);
    if (t.ended) return refuse('INVALID_STATE', `task '${id}' is already ${t.state}`);
    this.now = now;
    const refunded = this.endTask(t, 'cancelled');
    this.sink?.({ t: now, type: 'task_cancelled', task: id, user: t.user.id, refunded });
    if (refunded > 0) this.sink?.({ t: now, type: 'quota_refunded', user: t.user.id, task: id, amount: refunded });
    return ok({ refunded });
  }

  // ----- time and outcomes ---------------------------------------------------------------

  /** Fires the timers due by `now` and returns every send that starts at `now`. */
  poll(now: number): Result<Dispatch[]> {
    const bad = this.checkTime(now);
    if (bad) return bad;
    this.now = now;
    for (let timer = this.timers.popDue(now); timer !== undefined; timer = this.timers.popDue(now)) this.fire(timer);
    const out: Dispatch[] = [];
    // Bounded: every dispatch either pushes its service's readyAt past `now` or fills its concurrency.
    for (let g = this.readyGroups.peek(); g !== undefined; g = this.readyGroups.peek()) {
      if (g.available.topK1() > now) break;
      out.push(this.dispatchFrom(g, now));
    }
    return ok(out);
  }

  /** Exact time of the next thing the engine will do by itself, or null when only input can wake it. */
  nextWakeAt(): number | null {
    // A timer can be overdue: a command moved the clock past it and no poll has run since.
    const due = this.timers.peekAt();
    const timerAt = due === null ? null : Math.max(due, this.now);
    const g = this.readyGroups.peek();
    if (g === undefined) return timerAt;
    const slotAt = Math.max(g.available.topK1(), this.now);
    return timerAt === null ? slotAt : Math.min(timerAt, slotAt);
  }

  report(now: number, outcome: Outcome): Result<void> {
    const bad = this.checkTime(now) ?? this.checkObject('outcome', outcome);
    if (bad) return bad;
    // Each field is read once: a getter answering differently later cannot change what was checked.
    const { task: id, recipient, result, retryAfterMs, detail } = outcome;
    const cached = typeof id === 'string' && typeof recipient === 'number' ? this.recent[recentSlot(id, recipient)] : undefined;
    const t = cached !== undefined && cached.id === id ? cached : this.tasks.get(id);
    if (!t) return this.unknown('UNKNOWN_TASK', 'task', id, 'task');
    if (!isOutcome(result)) {
      return refuse('INVALID_ARGUMENT', `outcome.result must be one of ${OUTCOMES.join(', ')}, got ${describe(result)}`, 'result');
    }
    if (retryAfterMs !== undefined) {
      const p = intProblem('retryAfterMs', retryAfterMs, 0, 7 * 86_400_000);
      if (p) return refuse('INVALID_ARGUMENT', `outcome: ${p}`, 'retryAfterMs');
    }
    if (detail !== undefined && (typeof detail !== 'string' || detail.length > MAX_DETAIL_LENGTH)) {
      return refuse('INVALID_ARGUMENT', `outcome.detail must be a string of at most ${MAX_DETAIL_LENGTH} characters, got ${describe(detail)}`, 'detail');
    }
    const flight = typeof recipient === 'number' ? this.flights.get(t.seq, recipient) : -1;
    if (flight < 0) {
      return refuse('UNKNOWN_DISPATCH', `recipient ${describe(recipient)} of task '${t.id}' is not in flight`, 'recipient');
    }
    this.now = now;
    const s = this.serviceList[Math.floor(flight / ATTEMPT_SLOTS)] as Service;
    this.applyOutcome(now, t, recipient, result, retryAfterMs, detail, s, flight % ATTEMPT_SLOTS);
    return ok(undefined);
  }

  /**
   * Hands an in-flight recipient back to the head of its task, unharmed: no attempt charged, no
   * refund, no pause. For a shell that lost track of a send (the runner after a crash): the engine
   * dispatches it again at the service's pace, and its windows count both starts.
   */
  requeue(now: number, task: string, recipient: number): Result<void> {
    const bad = this.checkTime(now);
    if (bad) return bad;
    const t = this.tasks.get(task);
    if (!t) return this.unknown('UNKNOWN_TASK', 'task', task, 'task');
    const flight = typeof recipient === 'number' ? this.flights.get(t.seq, recipient) : -1;
    if (flight < 0) return refuse('UNKNOWN_DISPATCH', `recipient ${describe(recipient)} of task '${t.id}' is not in flight`, 'recipient');
    this.now = now;
    const s = this.serviceList[Math.floor(flight / ATTEMPT_SLOTS)] as Service;
    const attempt = flight % ATTEMPT_SLOTS;
    this.flights.delete(t.seq, recipient);
    t.inFlight--;
    this.inFlightTotal--;
    s.inFlight--;
    this.sink?.({ t: now, type: 'requeued', service: s.id, user: t.user.id, task: t.id, recipient, attempt });
    if (t.ended) {
      this.refund(t, 1, now);
    } else {
      t.returnToHead({ recipient, attempt });
      this.queuedTotal++;
    }
    this.refreshTask(t);
    this.refreshService(s);
    return ok(undefined);
  }

  // ----- internals: dispatch and outcomes -------------------------------------------------

  private dispatchFrom(g: AccessGroup, now: number): Dispatch {
    const s = g.available.peek() as Service;
    const member = this.firstEligible(g) as Member;
    const u = member.user;
    const t = nextTask(member);
    assert(s.canStart && s.readyAt <= now, () => `service '${s.id}' dispatched before it was ready`);
    const recipient = t.takeNext(now);
    const attempt = t.takenAttempt;
    this.flights.add(t.seq, recipient, s.index * ATTEMPT_SLOTS + attempt);
    this.recent[recentSlot(t.id, recipient)] = t;
    t.inFlight++;
    t.dispatched++;
    if (t.firstDispatchAt === null) {
      t.firstDispatchAt = now;
      t.deadlineTimer = this.timers.cancel(t.deadlineTimer);
    }
    this.queuedTotal--;
    this.inFlightTotal++;
    s.recordStart(now);
    s.recomputeReadyAt(now);
    this.policy.onDispatch(member, t);
    // One object is both the dispatch returned and the event: no copy per send.
    const d: Dispatch = { type: 'dispatch', t: now, service: s.id, user: u.id, task: t.id, recipient, attempt };
    this.sink?.(d);
    this.refreshTask(t, member);
    this.refreshService(s);
    return d;
  }

  private applyOutcome(
    now: number, t: Task, recipient: number, result: OutcomeResult, retryAfterMs: number | undefined, detail: string | undefined,
    s: Service, attempt: number,
  ): void {
    const u = t.user;
    this.flights.delete(t.seq, recipient);
    t.inFlight--;
    this.inFlightTotal--;
    s.inFlight--;
    let final: 'sent' | 'failed' | 'refunded' | null = null;
    let retryAt: number | undefined;
    // Any answer about the recipient (even a bounce) shows the service is working again.
    if (result === 'sent' || result === 'deferred' || result === 'rejected') s.errorStreak = 0;
    if (result === 'sent') {
      t.sent++;
      u.reserved--;
      u.consumed++;
      s.sent++;
      final = 'sent';
    } else if (t.ended) {
      final = 'refunded'; // a cancelled task's last in-flight recipients are given back, whatever happened
    } else if (result === 'deferred' && attempt < this.options.retry.maxAttempts) {
      retryAt = now + Math.max(retryDelayMs(this.options.retry, attempt), retryAfterMs ?? 0);
      t.addRetry({ recipient, attempt: attempt + 1, dueAt: retryAt });
      this.queuedTotal++;
    } else if (result === 'deferred' || result === 'rejected') {
      final = 'failed';
    } else {
      // A throttling or quota reply is the service's problem, never the recipient's.
      t.returnToHead({ recipient, attempt });
      this.queuedTotal++;
    }
    if (this.sink !== null) {
      // The usual outcome (no retry time, no detail) as one literal: the spreads cost an object each.
      const e = { t: now, type: 'outcome' as const, service: s.id, user: u.id, task: t.id, recipient, attempt, result, final };
      this.sink(retryAt === undefined && detail === undefined ? e : {
        ...e,
        ...(retryAt === undefined ? {} : { retryAt }),
        ...(detail === undefined ? {} : { detail }),
      });
    }
    if (final === 'failed') this.settleFailure(t, now);
    if (final === 'refunded') this.refund(t, 1, now);
    if (result === 'service_error') this.onServiceError(s, now, retryAfterMs);
    if (result === 'service_quota_reached') this.onServiceQuota(s, now);
    if (!t.ended && t.open === 0) this.complete(t, now);
    // A final outcome for a task that is still queued changes none of its keys: skip the queues.
    if (final === null || t.ended || !t.inReady) this.refreshTask(t);
    // An outcome frees capacity: a service that was full queues again (pauses re-queue themselves).
    if (!s.group.available.contains(s.handle)) this.refreshService(s);
  }

  private settleFailure(t: Task, now: number): void {
    t.failed++;
    t.user.reserved--;
    if (this.options.chargeFailures) {
      t.user.consumed++;
    } else {
      t.user.balance++;
      this.sink?.({ t: now, type: 'quota_refunded', user: t.user.id, task: t.id, amount: 1 });
    }
  }

  private refund(t: Task, amount: number, now: number): void {
    t.refunded += amount;
    t.user.reserved -= amount;
    t.user.balance += amount;
    this.sink?.({ t: now, type: 'quota_refunded', user: t.user.id, task: t.id, amount });
  }

  private complete(t: Task, now: number): void {
    t.state = 'completed';
    t.endedAt = now;
    t.user.openTasks--;
    this.endedTasks.push(t);
    this.cancelTaskTimers(t);
    this.sink?.({ t: now, type: 'task_completed', task: t.id, user: t.user.id, sent: t.sent, failed: t.failed });
  }

  /** Ends a task early (cancel or expiry): refunds what is queued; returns the amount. */
  private endTask(t: Task, state: 'cancelled' | 'expired'): number {
    const queued = t.queued;
    t.state = state;
    t.endedAt = this.now;
    t.user.openTasks--;
    this.endedTasks.push(t);
    t.cursor = t.count;
    t.clearReturned();
    t.clearRetries();
    t.refunded += queued;
    t.user.reserved -= queued;
    t.user.balance += queued;
    this.queuedTotal -= queued;
    this.cancelTaskTimers(t);
    this.refreshTask(t);
    return queued;
  }

  private cancelTaskTimers(t: Task): void {
    t.startTimer = this.timers.cancel(t.startTimer);
    t.deadlineTimer = this.timers.cancel(t.deadlineTimer);
    t.retryTimer = this.timers.cancel(t.retryTimer);
  }

  private onServiceError(s: Service, now: number, retryAfterMs: number | undefined): void {
    s.errorStreak++;
    if (s.state === 'disabled') return;
    if (s.errorStreak >= this.options.servicePause.disableAfter) {
      this.disable(s, 'error');
      return;
    }
    const resumeAt = now + Math.max(servicePauseMs(this.options.servicePause, s.errorStreak), retryAfterMs ?? 0);
    // Never shorten a pause already in force (an operator's, or a longer one from another reply).
    if (s.state === 'paused' && (s.resumeAt === null || s.resumeAt >= resumeAt)) return;
    this.setPause(s, 'error', resumeAt);
  }

  private onServiceQuota(s: Service, now: number): void {
    if (s.state === 'disabled') return;
    const resumeAt = this.quotaResumeAt(s, now);
    if (s.state === 'paused' && (s.resumeAt === null || s.resumeAt >= resumeAt)) return;
    this.setPause(s, 'quota', resumeAt);
  }

  /** When the provider says the quota is used up: wait until the longest window frees a slot. */
  private quotaResumeAt(s: Service, now: number): number {
    let longest: WindowSpec | undefined;
    for (const w of s.windows) if (longest === undefined || w.periodMs > longest.periodMs) longest = w;
    if (longest === undefined) return now + this.options.quotaWaitMs;
    if (longest.kind === 'fixed') return fixedPeriod(longest, now).end;
    const inWindow = s.history.countAfter(now - longest.periodMs);
    if (inWindow === 0) return now + this.options.quotaWaitMs;
    return s.history.at(s.history.length - inWindow) + longest.periodMs;
  }

  // ----- internals: service state ---------------------------------------------------------

  private setPause(s: Service, reason: PauseReason, resumeAt: number | null): void {
    s.state = 'paused';
    s.pauseReason = reason;
    s.resumeAt = resumeAt;
    s.resumeTimer = this.timers.cancel(s.resumeTimer);
    if (resumeAt !== null) s.resumeTimer = this.timers.schedule(resumeAt, 'service_resume', s.id);
    this.sink?.({ t: this.now, type: 'service_paused', service: s.id, reason, resumeAt });
    this.refreshService(s);
  }

  private disable(s: Service, reason: 'operator' | 'error'): void {
    s.state = 'disabled';
    this.serviceVersion++;
    s.pauseReason = null;
    s.resumeAt = null;
    s.resumeTimer = this.timers.cancel(s.resumeTimer);
    this.sink?.({ t: this.now, type: 'service_disabled', service: s.id, reason });
    this.refreshService(s);
  }

  private activate(s: Service): void {
    s.state = 'active';
    this.serviceVersion++;
    s.pauseReason = null;
    s.resumeAt = null;
    s.resumeTimer = this.timers.cancel(s.resumeTimer);
    s.recomputeReadyAt(this.now);
    this.sink?.({ t: this.now, type: 'service_resumed', service: s.id });
    this.refreshService(s);
  }

  // ----- internals: timers ----------------------------------------------------------------

  private fire(timer: Timer): void {
    if (timer.kind === 'service_resume') {
      const s = this.services.get(timer.target) as Service;
      s.resumeTimer = null;
      this.activate(s);
      return;
    }
    const t = this.tasks.get(timer.target) as Task;
    if (timer.kind === 'task_start') {
      t.startTimer = null;
      t.started = true;
      this.sink?.({ t: this.now, type: 'task_started', task: t.id, user: t.user.id });
    } else if (timer.kind === 'retry_due') {
      t.retryTimer = null;
      const due = t.nextRetry() as { recipient: number };
      this.sink?.({ t: this.now, type: 'retry_due', task: t.id, user: t.user.id, recipient: due.recipient });
    } else {
      t.deadlineTimer = null;
      assert(t.firstDispatchAt === null && !t.ended, `deadline timer of task '${t.id}' fired after it started`);
      const refunded = this.endTask(t, 'expired');
      this.sink?.({ t: this.now, type: 'task_expired', task: t.id, user: t.user.id, refunded });
      if (refunded > 0) this.sink?.({ t: this.now, type: 'quota_refunded', user: t.user.id, task: t.id, amount: refunded });
      return;
    }
    this.refreshTask(t);
  }

  // ----- internals: keeping the queues in step with the state ------------------------------

  /**
   * @internal Puts the task in or out of its user's ready queue and (re)arms its retry timer.
   * `served` is the member just given a slot, when called for a dispatch (see refreshUser).
   */
  refreshTask(t: Task, served?: Member): void {
    const u = t.user;
    if (t.ended && (t.handle >= 0 || (t.links !== null && t.links.length > 0))) {
      // An ended task never queues again.
      if (t.handle >= 0) u.ready.release(t.handle);
      t.handle = -1;
      this.unlinkTask(t);
      t.inReady = false;
    }
    const live = t.state === 'active' && t.started;
    const ready = live && t.hasReadyRecipient(this.now);
    const queued = t.inReady;
    const k = this.keys;
    if (ready && !queued) {
      this.policy.onTaskReady(t);
      this.policy.taskKeys(t, k);
      if (t.links === null) u.ready.push(t.handle, k.k1, k.k2, k.k3);
      else for (const l of t.links) (l.member.ready as SlotHeap<Task>).push(l.handle, k.k1, k.k2, k.k3);
      t.inReady = true;
    } else if (!ready && queued) {
      if (t.links === null) u.ready.remove(t.handle);
      else for (const l of t.links) (l.member.ready as SlotHeap<Task>).remove(l.handle);
      t.inReady = false;
    } else if (ready) {
      this.policy.taskKeys(t, k);
      if (t.links === null) u.ready.update(t.handle, k.k1, k.k2, k.k3);
      else for (const l of t.links) (l.member.ready as SlotHeap<Task>).update(l.handle, k.k1, k.k2, k.k3);
    }
    const retry = t.nextRetry();
    if (live && !ready && retry !== undefined) {
      if (t.retryTimer === null || t.retryTimer.at !== retry.dueAt) {
        this.timers.cancel(t.retryTimer);
        t.retryTimer = this.timers.schedule(retry.dueAt, 'retry_due', t.id);
      }
    } else {
      t.retryTimer = this.timers.cancel(t.retryTimer);
    }
    // A dispatch that leaves its task queued changes no one's eligibility (see refreshUser).
    this.refreshUser(u, ready ? served : undefined);
  }

  /**
   * @internal Puts the user's members in or out of their groups' eligible queues, with their
   * current keys. A member is eligible when its user is active and has a ready task that may use
   * the member's group: one in the user's own queue, or a restricted task linked to the member.
   * After a dispatch (`served` given) only the served member is re-keyed: a dispatch
   * can only raise a user's keys (its virtual time, its round-robin turn, its oldest task), so the
   * user's other members keep a key at or below their true one and are re-keyed when they reach the
   * top of their queue (firstEligible). Every other change re-keys all members at once.
   */
  refreshUser(u: User, served?: Member): void {
    const k = this.keys;
    if (served !== undefined) {
      this.policy.memberKeys(served, k);
      served.group.eligible.update(served.handle, k.k1, k.k2, k.k3);
      return;
    }
    const active = u.state === 'active';
    const shared = active && u.ready.size > 0;
    let any = false;
    for (const m of u.members) any ||= shared || (active && hasRestrictedWork(m));
    if (any && !u.eligible) this.policy.onUserEligible(u, this.firstOf);
    u.eligible = any;
    for (const m of u.members) {
      const want = shared || (active && hasRestrictedWork(m));
      if (want && !m.eligible) {
        this.policy.onMemberEligible(m);
        this.policy.memberKeys(m, k);
        m.group.eligible.push(m.handle, k.k1, k.k2, k.k3);
        m.eligible = true;
        this.refreshGroup(m.group);
      } else if (!want && m.eligible) {
        m.group.eligible.remove(m.handle);
        m.eligible = false;
        this.refreshGroup(m.group);
      } else if (want) {
        this.policy.memberKeys(m, k);
        m.group.eligible.update(m.handle, k.k1, k.k2, k.k3);
      }
    }
  }

  /** @internal The group's next member in policy order, once any stale key at the top is brought up to date. */
  firstEligible(g: AccessGroup): Member | undefined {
    const q = g.eligible;
    const k = this.keys;
    for (let m = q.peek(); m !== undefined; m = q.peek()) {
      this.policy.memberKeys(m, k);
      if (k.k1 === q.topK1() && k.k2 === q.topK2() && k.k3 === q.topK3()) return m;
      assert(lessOrEqual(q.topK1(), q.topK2(), q.topK3(), k), () => `member '${m.user.id}' has a key above its true one`);
      q.update(m.handle, k.k1, k.k2, k.k3);
    }
    return undefined;
  }

  /**
   * @internal Puts the service in or out of its group's available queue, keyed (readyAt, seq): it
   * is queued while it can start a send (active and not full). A full service leaves at once, so
   * the queue's top is always usable and nextWakeAt never has to clear full services off it (it
   * did when full services stayed until they reached the top: in a simulation, where replies come
   * later, that cost a removal on top of every dispatch's re-key).
   */
  refreshService(s: Service): void {
    const g = s.group;
    const queued = g.available.contains(s.handle);
    if (!queued && s.canStart) g.available.push(s.handle, s.readyAt, 0, s.seq);
    else if (queued && !s.canStart) g.available.remove(s.handle);
    else if (queued) g.available.update(s.handle, s.readyAt, 0, s.seq);
    this.refreshGroup(g);
  }

  private refreshGroup(g: AccessGroup): void {
    const can = g.eligible.size > 0 && g.available.size > 0;
    const inHeap = this.readyGroups.contains(g.handle);
    // A group is as early as its earliest available service (readyAt, seq); services' seqs are unique.
    if (can && !inHeap) this.readyGroups.push(g.handle, g.available.topK1(), g.available.topK3(), 0);
    else if (!can && inHeap) this.readyGroups.remove(g.handle);
    else if (can) this.readyGroups.update(g.handle, g.available.topK1(), g.available.topK3(), 0);
  }

  // ----- internals: access groups ----------------------------------------------------------

  /** @internal */
  joinGroup(s: Service): void {
    const key = AccessGroup.keyOf(s.access, s.restrictionClass());
    let g = this.groups.get(key);
    if (g === undefined) {
      g = new AccessGroup(key, this.entitySeq++, s.access === 'all' ? 'all' : new Set(s.access), new Set(s.restrictions));
      g.handle = this.readyGroups.register(g);
      this.groups.set(key, g);
      for (const u of this.users.values()) if (g.admits(u.id)) this.addMember(g, u);
    }
    g.services.push(s);
    s.group = g;
    s.handle = g.available.register(s);
  }

  private leaveGroup(s: Service): void {
    const g = s.group;
    g.available.release(s.handle);
    s.handle = -1;
    g.services.splice(g.services.indexOf(s), 1);
    if (g.services.length > 0) {
      this.refreshGroup(g);
      return;
    }
    for (const m of g.members.values()) {
      m.user.members.splice(m.user.members.indexOf(m), 1);
    }
    this.readyGroups.release(g.handle);
    this.groups.delete(g.key);
  }

  /** @internal */
  addMember(g: AccessGroup, u: User): Member {
    const m = new Member(u, g);
    g.members.set(u.id, m);
    u.members.push(m);
    // A new member has no restricted task linked yet: it is eligible through the user's own queue,
    // and a user that could send nowhere before returns to the competition by the usual rule.
    if (u.state === 'active' && u.ready.size > 0) this.refreshUser(u);
    return m;
  }

  // ----- internals: task restrictions ------------------------------------------------------

  /** The services a task names (null when it names none), each known and open to its user. */
  private checkRestriction(label: string, u: User, ids: unknown): Result<Service[] | null> {
    if (ids === undefined) return ok(null);
    if (!Array.isArray(ids) || ids.length === 0) {
      const got = Array.isArray(ids) ? 'an empty list' : describe(ids);
      return refuse('INVALID_ARGUMENT', `${label}: services must be a non-empty list of service ids, got ${got}`, 'services');
    }
    const services: Service[] = [];
    for (const [i, id] of ids.entries()) {
      const s = typeof id === 'string' ? this.services.get(id) : undefined;
      if (s === undefined) return this.unknown('UNKNOWN_SERVICE', 'service', id, `services[${i}]`);
      if (s.access !== 'all' && !s.access.includes(u.id)) {
        return refuse('INVALID_ARGUMENT', `${label}: services[${i}] '${s.id}' is not open to user '${u.id}'`, `services[${i}]`);
      }
      if (!services.includes(s)) services.push(s);
    }
    return ok(services);
  }

  /** The registered restriction to these services, registering it (and splitting groups) at first use. */
  private restrictionOf(services: readonly Service[]): Restriction {
    const key = Restriction.keyOf(services.map((s) => s.id));
    const known = this.restrictions.get(key);
    if (known !== undefined) return known;
    const r = new Restriction(this.restrictions.size, key, new Set(services));
    this.restrictions.set(key, r);
    for (const s of r.services) {
      s.restrictions.add(r);
      this.leaveGroup(s);
      this.joinGroup(s);
      this.refreshService(s);
    }
    this.relinkRestrictedTasks();
    return r;
  }

  /** @internal Links a restricted task to the members whose groups it may use (not yet queued there). */
  linkTask(t: Task): void {
    if (t.restriction === null || t.ended) return;
    const links: TaskLink[] = [];
    for (const m of t.user.members) {
      if (!m.group.restrictions.has(t.restriction)) continue;
      m.ready ??= new SlotHeap<Task>();
      links.push({ member: m, handle: m.ready.register(t) });
    }
    t.links = links;
  }

  private unlinkTask(t: Task): void {
    if (t.links === null) return;
    for (const l of t.links) (l.member.ready as SlotHeap<Task>).release(l.handle);
    t.links = [];
  }

  /**
   * After groups changed (a restriction registered, a service's access changed), links every live
   * restricted task afresh, keeps it queued where it was, and brings its user's members up to date.
   */
  private relinkRestrictedTasks(): void {
    const users = new Set<User>();
    for (const t of this.tasks.values()) {
      if (t.restriction === null || t.ended) continue;
      this.unlinkTask(t);
      this.linkTask(t);
      if (t.inReady) {
        this.policy.taskKeys(t, this.keys);
        for (const l of t.links as TaskLink[]) (l.member.ready as SlotHeap<Task>).push(l.handle, this.keys.k1, this.keys.k2, this.keys.k3);
      }
      users.add(t.user);
    }
    for (const u of users) this.refreshUser(u);
  }

  /**
   * What the user's services can do for a new task: whether any is usable (not disabled), whether
   * any has window quota left now, and their combined rate. Per-group sums are cached until a
   * service changes, so creating many tasks does not rescan large shared pools.
   */
  private serviceReach(u: User, now: number): { usable: boolean; capacity: boolean; pace: number; burst: number; ratePerMs: number } {
    let usable = false;
    let capacity = false;
    let pace = 0;
    let burst = 0;
    let ratePerMs = 0;
    for (const m of u.members) {
      const g = m.group;
      if (g.summaryVersion !== this.serviceVersion) summarizeGroup(g, this.serviceVersion);
      if (g.usableCount === 0) continue;
      usable = true;
      pace += g.paceRatePerMs;
      burst += g.burst;
      ratePerMs += g.ratePerMs;
      for (let i = 0; !capacity && i < g.services.length; i++) {
        const svc = g.services[i] as Service;
        capacity = svc.state !== 'disabled' && windowsRemaining(svc.windows, svc.history, now) > 0;
      }
    }
    return { usable, capacity, pace, burst, ratePerMs };
  }

  /**
   * A rough estimate: the user's open work times the number of users it shares with, sent at the
   * services' pace while their windows allow a burst, then at the windows' long-run rate.
   */
  private estimateCompletion(u: User, reach: { pace: number; burst: number; ratePerMs: number }, from: number): number {
    let competitors = 1;
    for (const m of u.members) competitors = Math.max(competitors, m.group.eligible.size + (u.eligible ? 0 : 1));
    const work = u.reserved * competitors;
    const fast = Math.min(work, reach.burst);
    // A slow enough service puts it past any date: the largest time a Date holds says "not soon".
    return Math.min(MAX_TIME_MS, from + Math.ceil(fast / reach.pace + (work - fast) / reach.ratePerMs));
  }

  private setUserState(now: number, id: string, state: 'active' | 'suspended'): Result<void> {
    const bad = this.checkTime(now);
    if (bad) return bad;
    const u = this.users.get(id);
    if (!u) return this.unknown('UNKNOWN_USER', 'user', id);
    if (u.state === state) return refuse('INVALID_STATE', `user '${id}' is already ${state}`);
    this.now = now;
    u.state = state;
    this.sink?.({ t: now, type: state === 'suspended' ? 'user_suspended' : 'user_resumed', user: id });
    this.refreshUser(u);
    return ok(undefined);
  }

  // ----- internals: argument checks --------------------------------------------------------

  private checkTime(now: number): Result<never> | null {
    if (!Number.isSafeInteger(now) || now < 0 || now > MAX_TIME_MS) {
      return refuse('INVALID_ARGUMENT', `now must be an integer number of milliseconds >= 0, got ${describe(now)}`, 'now');
    }
    if (now < this.now) return refuse('TIME_WENT_BACKWARDS', `now (${now}) is before the engine's clock (${this.now})`, 'now');
    return null;
  }

  /** The service an operator command names, after checking the time. */
  private serviceAt(now: number, id: string): Result<Service> {
    const bad = this.checkTime(now);
    if (bad) return bad;
    const s = this.services.get(id);
    return s === undefined ? this.unknown('UNKNOWN_SERVICE', 'service', id) : ok(s);
  }

  /**
   * An argument object; with `fields`, an own field outside them is refused (a misspelt
   * `intervalMS` would otherwise be ignored and the service keep its old pace). Outcomes are not
   * checked this way: `report` runs once per send.
   */
  private checkObject(name: string, value: unknown, fields?: readonly string[]): Result<never> | null {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      return refuse('INVALID_ARGUMENT', `${name} must be an object, got ${describe(value)}`);
    }
    const unknown = fields === undefined ? undefined : unknownField(value, fields);
    return unknown === undefined ? null : refuse('INVALID_ARGUMENT', `${name} has an unknown field '${unknown}' (it takes ${fields?.join(', ')})`, unknown);
  }

  private unknown(code: 'UNKNOWN_SERVICE' | 'UNKNOWN_USER' | 'UNKNOWN_TASK', kind: string, id: unknown, path?: string): Result<never> {
    return refuse(code, `unknown ${kind} ${typeof id === 'string' ? `'${id}'` : describe(id)}`, path);
  }

}

/**
 * Caches what task creation needs of a group: how many services are usable, their pace when their
 * windows do not bind (sends per ms), how many sends their windows allow in a burst, and their
 * long-run rate once the windows do bind.
 */
function summarizeGroup(g: AccessGroup, version: number): void {
  let usable = 0;
  let paceRate = 0;
  let burst = 0;
  let rate = 0;
  for (const s of g.services) {
    if (s.state === 'disabled') continue;
    usable++;
    const r = serviceRates(s);
    paceRate += r.pace;
    burst += r.burst;
    rate += r.longRun;
  }
  g.usableCount = usable;
  g.paceRatePerMs = paceRate;
  g.burst = burst;
  g.ratePerMs = rate;
  g.summaryVersion = version;
}

/** (a1, a2, a3) <= the keys in `b`, lexicographically. */
function lessOrEqual(a1: number, a2: number, a3: number, b: Keys): boolean {
  return a1 < b.k1 || (a1 === b.k1 && (a2 < b.k2 || (a2 === b.k2 && a3 <= b.k3)));
}

/** The next task a member's user sends through the member's group: its own queue's or a restricted one. */
function nextTask(m: Member): Task {
  const own = m.user.ready;
  const mine = m.ready;
  if (mine === null || mine.size === 0) return own.peek() as Task;
  if (own.size === 0) return mine.peek() as Task;
  const firstMine = mine.topK1() < own.topK1() || (mine.topK1() === own.topK1() && (mine.topK2() < own.topK2() || (mine.topK2() === own.topK2() && mine.topK3() < own.topK3())));
  return (firstMine ? mine : own).peek() as Task;
}

function hasRestrictedWork(m: Member): boolean {
  return m.ready !== null && m.ready.size > 0;
}

/** serviceReach for a task restricted to `services` (few, so no cache). */
function servicesReach(services: readonly Service[], now: number): { usable: boolean; capacity: boolean; pace: number; burst: number; ratePerMs: number } {
  const reach = { usable: false, capacity: false, pace: 0, burst: 0, ratePerMs: 0 };
  for (const s of services) {
    if (s.state === 'disabled') continue;
    const r = serviceRates(s);
    reach.usable = true;
    reach.capacity ||= windowsRemaining(s.windows, s.history, now) > 0;
    reach.pace += r.pace;
    reach.burst += r.burst;
    reach.ratePerMs += r.longRun;
  }
  return reach;
}

/** A service's pace (sends per ms), its smallest window limit (a burst) and its long-run rate. */
function serviceRates(s: Service): { pace: number; burst: number; longRun: number } {
  const pace = s.concurrency / Math.max(1, s.intervalMs);
  let longRun = pace;
  let burst = Infinity;
  for (const w of s.windows) {
    longRun = Math.min(longRun, w.limit / w.periodMs);
    burst = Math.min(burst, w.limit);
  }
  return { pace, burst, longRun };
}

export function createEngine(options: EngineOptions = {}): Engine {
  return new Engine(options);
}

/** A service spec's fields, each read once (getters and inherited fields too), as a plain object. */
function serviceFields(given: ServiceSpec): ServiceSpec {
  const { id, intervalMs, windows, concurrency, access } = given;
  return { id, intervalMs, windows, concurrency, access };
}
