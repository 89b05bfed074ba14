import { fixedPeriodKey } from '../../support/local-period.ts';
import { RETRY, SERVICE_PAUSE } from '../../support/scenario.ts';
import type { OutcomeResult, ServiceSetup, WindowSetup } from '../../support/scenario.ts';

/**
 * A deliberately simple reference model of the engine, written from DESIGN.md and engine/API.md:
 * plain arrays, linear scans, no heaps, no indexes, no virtual times. It does not try to predict
 * *which* eligible task a policy picks (that is the fairness tests' job); it predicts everything
 * that is policy-independent and checks every decision the engine makes for legality:
 *   - refusals of commands and the exact quota ledger of every user;
 *   - that each dispatch is allowed (service free, interval, windows, concurrency, access, user
 *     and task runnable, the task's head recipient with the right attempt number);
 *   - work conservation: after `poll(now)` no free service is left with eligible work.
 * Pause times after errors and quota replies are the engine's to choose (API.md leaves them to
 * options); the model learns them from `service_paused` events and then holds the engine to them.
 */

export interface ModelService extends ServiceSetup {
  state: 'active' | 'paused' | 'disabled';
  /** When state is 'paused': the automatic resume time, or null for an operator pause without one. */
  pausedUntil: number | null;
  starts: number[];
  inFlight: number;
  /** service_error replies in a row; a `sent` or an operator resume ends the row (API.md). */
  errorStreak: number;
}

export interface ModelUser {
  id: string;
  weight: number;
  granted: number;
  balance: number;
  reserved: number;
  consumed: number;
  suspended: boolean;
}

export interface Pending { recipient: number; attempt: number; dueAt: number }

export interface ModelTask {
  id: string;
  user: string;
  count: number;
  /** The services it is restricted to, or null for any of its user's. */
  services: string[] | null;
  /** Dropped by forgetEndedTasks: the engine no longer knows its id. */
  forgotten?: boolean;
  /** Next fresh recipient; fresh recipients go out in index order. */
  cursor: number;
  /** Recipients handed back by service_error / service_quota_reached: head of the task, same attempt. */
  returned: Pending[];
  /** Deferred recipients waiting for their back-off, attempt already incremented. */
  retries: Pending[];
  inFlight: { recipient: number; attempt: number; service: string }[];
  sent: number;
  failed: number;
  refunded: number;
  state: 'active' | 'paused' | 'completed' | 'cancelled' | 'expired';
  startAt: number;
  deadlineAt: number | null;
  dispatched: boolean;
}

export type Expect = { ok: true } | { ok: false; codes: string[] };

export class ReferenceModel {
  now: number;
  readonly services: ModelService[] = [];
  readonly users: ModelUser[] = [];
  readonly tasks: ModelTask[] = [];

  constructor(startAt: number, readonly chargeFailures: boolean) {
    this.now = startAt;
  }

  user(id: string): ModelUser | undefined { return this.users.find((u) => u.id === id); }
  service(id: string): ModelService | undefined { return this.services.find((s) => s.id === id); }
  task(id: string): ModelTask | undefined { return this.tasks.find((t) => t.id === id); }

  addUser(id: string, quota: number, weight: number): void {
    this.users.push({ id, weight, granted: quota, balance: quota, reserved: 0, consumed: 0, suspended: false });
  }

  addService(spec: ServiceSetup): void {
    this.services.push({ ...spec, windows: [...spec.windows], state: 'active', pausedUntil: null, starts: [], inFlight: 0, errorStreak: 0 });
  }

  // ---- commands: expected answer, then `apply…` once the engine has answered ----

  expectGrant(userId: string, amount: number): Expect {
    if (this.user(userId) === undefined) return { ok: false, codes: ['UNKNOWN_USER'] };
    if (!Number.isInteger(amount) || amount <= 0) return { ok: false, codes: ['INVALID_ARGUMENT'] };
    return { ok: true };
  }

  applyGrant(userId: string, amount: number): void {
    const u = this.user(userId)!;
    u.granted += amount;
    u.balance += amount;
  }

  /** A service the user may use that is not disabled (a pause is temporary, so it still counts). */
  usableServices(userId: string): ModelService[] {
    return this.services.filter((s) => s.state !== 'disabled' && (s.access === 'all' || s.access.includes(userId)));
  }

  expectCreate(id: string, userId: string, count: number, only: string[] | null = null): Expect {
    const u = this.user(userId);
    if (u === undefined) return { ok: false, codes: ['UNKNOWN_USER'] };
    if (this.task(id) !== undefined) return { ok: false, codes: ['DUPLICATE_ID'] };
    // Where several checks fail at once API.md does not fix their order, so any of them is right.
    const codes: string[] = [];
    if (u.suspended) codes.push('USER_SUSPENDED');
    if (only !== null && only.some((id) => { const s = this.service(id)!; return s.access !== 'all' && !s.access.includes(userId); })) codes.push('INVALID_ARGUMENT');
    if (u.balance < count) codes.push('INSUFFICIENT_USER_QUOTA');
    const usable = this.usableServices(userId).filter((s) => only === null || only.includes(s.id));
    if (usable.length === 0) codes.push('NO_AVAILABLE_SERVICE');
    else if (usable.every((s) => this.windowFull(s))) codes.push('SERVICE_QUOTA_EXHAUSTED');
    return codes.length === 0 ? { ok: true } : { ok: false, codes };
  }

  applyCreate(id: string, userId: string, count: number, startAt: number, deadlineAt: number | null, only: string[] | null = null): void {
    const u = this.user(userId)!;
    u.balance -= count;
    u.reserved += count;
    this.tasks.push({
      id, user: userId, count, services: only, cursor: 0, returned: [], retries: [], inFlight: [], sent: 0, failed: 0, refunded: 0,
      state: 'active', startAt, deadlineAt, dispatched: false,
    });
  }

  expectTaskCommand(kind: 'pauseTask' | 'resumeTask' | 'cancelTask', id: string): Expect {
    const t = this.task(id);
    if (t === undefined || t.forgotten === true) return { ok: false, codes: ['UNKNOWN_TASK'] };
    const allowed = kind === 'pauseTask' ? t.state === 'active' : kind === 'resumeTask' ? t.state === 'paused' : t.state === 'active' || t.state === 'paused';
    return allowed ? { ok: true } : { ok: false, codes: ['INVALID_STATE'] };
  }

  /** Applies an accepted task command; for cancel returns the units that must be refunded. */
  applyTaskCommand(kind: 'pauseTask' | 'resumeTask' | 'cancelTask', id: string): number {
    const t = this.task(id)!;
    if (kind === 'pauseTask') { t.state = 'paused'; return 0; }
    if (kind === 'resumeTask') { t.state = 'active'; return 0; }
    const open = t.count - t.cursor + t.returned.length + t.retries.length;
    t.cursor = t.count;
    t.returned = [];
    t.retries = [];
    t.state = 'cancelled';
    t.refunded += open;
    this.refund(t.user, open);
    return open;
  }

  private refund(userId: string, n: number): void {
    const u = this.user(userId)!;
    u.reserved -= n;
    u.balance += n;
  }

  // ---- time, dispatches and outcomes ----

  serviceActiveAt(s: ModelService, now: number): boolean {
    if (s.state === 'active') return true;
    return s.state === 'paused' && s.pausedUntil !== null && s.pausedUntil <= now;
  }

  windowFull(s: ModelService, now = this.now): boolean {
    return s.windows.some((w) => this.windowCount(s, w, now) >= w.limit);
  }

  windowCount(s: ModelService, w: WindowSetup, now: number): number {
    if (w.kind === 'rolling') return s.starts.filter((t) => t > now - w.periodMs).length;
    const key = fixedPeriodKey(now, w.periodMs, w.timeZone);
    return s.starts.filter((t) => fixedPeriodKey(t, w.periodMs, w.timeZone) === key).length;
  }

  /** Why service `s` cannot start a send at `now`, or null when it has a free slot. */
  slotBlocked(s: ModelService, now: number): string | null {
    if (!this.serviceActiveAt(s, now)) return `${s.id} is ${s.state}${s.pausedUntil === null ? '' : ` until ${s.pausedUntil}`}`;
    if (s.inFlight >= s.concurrency) return `${s.id} has ${s.inFlight} in flight (concurrency ${s.concurrency})`;
    const last = s.starts.length === 0 ? null : s.starts[s.starts.length - 1]!;
    if (last !== null && now - last < s.intervalMs) return `${s.id} started at ${last}, interval ${s.intervalMs}`;
    const full = s.windows.findIndex((w) => this.windowCount(s, w, now) >= w.limit);
    if (full !== -1) return `${s.id}.windows[${full}] is full`;
    return null;
  }

  /** The recipients of `t` that may go out at `now`, with their attempt numbers. */
  readyRecipients(t: ModelTask, now: number): Pending[] {
    if (t.state !== 'active' || t.startAt > now) return [];
    if (t.deadlineAt !== null && !t.dispatched && now > t.deadlineAt) return [];
    if (this.user(t.user)!.suspended) return [];
    const heads = [...t.returned, ...t.retries.filter((r) => r.dueAt <= now)];
    if (heads.length > 0) return heads;
    return t.cursor < t.count ? [{ recipient: t.cursor, attempt: 1, dueAt: now }] : [];
  }

  eligibleTasks(s: ModelService, now: number): ModelTask[] {
    return this.tasks.filter((t) => (s.access === 'all' || s.access.includes(t.user)) && (t.services === null || t.services.includes(s.id)) && this.readyRecipients(t, now).length > 0);
  }

  /** Checks and applies one dispatch; returns what was wrong with it. */
  dispatch(d: { t: number; service: string; user: string; task: string; recipient: number; attempt: number }): string[] {
    const out: string[] = [];
    const s = this.service(d.service);
    const t = this.task(d.task);
    if (s === undefined || t === undefined) return [`dispatch names unknown ${s === undefined ? `service ${d.service}` : `task ${d.task}`}`];
    const blocked = this.slotBlocked(s, d.t);
    if (blocked !== null) out.push(`dispatch ${d.task}/${d.recipient} at ${d.t}: ${blocked}`);
    if (t.user !== d.user) out.push(`dispatch names user ${d.user}, task ${t.id} belongs to ${t.user}`);
    if (s.access !== 'all' && !s.access.includes(t.user)) out.push(`${t.user} may not use ${s.id}`);
    if (t.services !== null && !t.services.includes(s.id)) out.push(`${t.id} is restricted to [${t.services.join(', ')}] but went through ${s.id}`);
    const ready = this.readyRecipients(t, d.t);
    const pick = ready.find((r) => r.recipient === d.recipient);
    if (pick === undefined) {
      out.push(`dispatch ${d.task}/${d.recipient}#${d.attempt} at ${d.t}: ready are [${ready.map((r) => `${r.recipient}#${r.attempt}`).join(', ')}] (task ${t.state})`);
    } else if (pick.attempt !== d.attempt) {
      out.push(`dispatch ${d.task}/${d.recipient} at ${d.t} has attempt ${d.attempt}, expected ${pick.attempt}`);
    }
    if (s.state === 'paused' && s.pausedUntil !== null && s.pausedUntil <= d.t) { s.state = 'active'; s.pausedUntil = null; }
    s.starts.push(d.t);
    s.inFlight++;
    t.dispatched = true;
    t.returned = t.returned.filter((r) => r.recipient !== d.recipient);
    t.retries = t.retries.filter((r) => r.recipient !== d.recipient);
    if (d.recipient === t.cursor) t.cursor++;
    t.inFlight.push({ recipient: d.recipient, attempt: d.attempt, service: d.service });
    return out;
  }

  /** Applies an outcome report; returns the model's verdict of the recipient ('sent'|'failed'|null). */
  report(now: number, taskId: string, recipient: number, result: OutcomeResult): 'sent' | 'failed' | 'refunded' | null {
    const t = this.task(taskId)!;
    const i = t.inFlight.findIndex((f) => f.recipient === recipient);
    const flight = t.inFlight.splice(i, 1)[0]!;
    this.service(flight.service)!.inFlight--;
    const u = this.user(t.user)!;
    const fail = (): 'failed' => {
      t.failed++;
      u.reserved--;
      if (this.chargeFailures) u.consumed++;
      else u.balance++;
      return 'failed';
    };
    let verdict: 'sent' | 'failed' | 'refunded' | null = null;
    // A reply about the recipient, whatever it says, ends the service's run of errors.
    if (result === 'sent' || result === 'deferred' || result === 'rejected') this.service(flight.service)!.errorStreak = 0;
    if (result === 'sent') {
      t.sent++; u.reserved--; u.consumed++; verdict = 'sent';
    } else if (t.state === 'cancelled') {
      // A cancelled task retries nothing and charges nothing: whatever comes back unsent is
      // refunded (the engine's reading of "cancel refunds"; API.md only says outcomes still report).
      t.refunded++; this.refund(t.user, 1); verdict = 'refunded';
    } else if (result === 'rejected' || (result === 'deferred' && flight.attempt >= RETRY.maxAttempts)) {
      verdict = fail();
    } else if (result === 'deferred') {
      const delay = Math.min(RETRY.backoffMaxMs, RETRY.backoffMs * RETRY.backoffFactor ** (flight.attempt - 1));
      t.retries.push({ recipient, attempt: flight.attempt + 1, dueAt: now + delay });
    } else {
      t.returned.push({ recipient, attempt: flight.attempt, dueAt: now });
    }
    this.completeIfDone(t);
    return verdict;
  }

  /**
   * What a service_error reply must do to its service: disable it at `disableAfter` in a row,
   * otherwise pause it for baseMs·factor^(streak−1) capped at maxMs, unless a pause at least as
   * long is already in force. Returns the expected event, or null when none is due.
   */
  afterServiceError(serviceId: string, now: number): { type: 'service_disabled' } | { type: 'service_paused'; resumeAt: number } | null {
    const s = this.service(serviceId)!;
    s.errorStreak++;
    if (s.state === 'disabled') return null;
    if (s.errorStreak >= SERVICE_PAUSE.disableAfter) return { type: 'service_disabled' };
    const pauseMs = Math.min(SERVICE_PAUSE.maxMs, SERVICE_PAUSE.baseMs * SERVICE_PAUSE.factor ** (s.errorStreak - 1));
    const resumeAt = now + pauseMs;
    const paused = s.state === 'paused' && (s.pausedUntil === null || s.pausedUntil > now);
    if (paused && (s.pausedUntil === null || s.pausedUntil >= resumeAt)) return null;
    return { type: 'service_paused', resumeAt };
  }

  completeIfDone(t: ModelTask): void {
    const open = t.count - t.cursor + t.returned.length + t.retries.length + t.inFlight.length;
    if (open === 0 && (t.state === 'active' || t.state === 'paused')) t.state = 'completed';
  }

  expire(taskId: string, now: number): string[] {
    const t = this.task(taskId)!;
    const out: string[] = [];
    if (t.dispatched) out.push(`task ${taskId} expired at ${now} after it had started sending`);
    if (t.deadlineAt === null || now < t.deadlineAt) out.push(`task ${taskId} expired at ${now}, deadline ${t.deadlineAt}`);
    const open = t.count - t.cursor + t.returned.length + t.retries.length;
    t.cursor = t.count; t.returned = []; t.retries = [];
    t.state = 'expired';
    t.refunded += open;
    this.refund(t.user, open);
    return out;
  }

  /** Work conservation at `now`: free services that still have eligible work. */
  idleWithWork(now: number): string[] {
    const out: string[] = [];
    for (const s of this.services) {
      if (this.slotBlocked(s, now) !== null) continue;
      const tasks = this.eligibleTasks(s, now);
      if (tasks.length > 0) out.push(`${s.id} was free at ${now} but did not send; eligible: ${tasks.map((t) => t.id).join(', ')}`);
    }
    return out;
  }

  pendingTotal(): number {
    return this.tasks.reduce((n, t) => n + (t.state === 'active' || t.state === 'paused' ? t.count - t.cursor + t.returned.length + t.retries.length : 0), 0);
  }

  inFlightTotal(): number {
    return this.services.reduce((n, s) => n + s.inFlight, 0);
  }
}
