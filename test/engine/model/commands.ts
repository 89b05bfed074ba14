import fc from 'fast-check';
import { engineModule } from '../../support/engine-under-test.ts';
import { engineOptions, statusAt } from '../../support/driver.ts';
import { ReferenceModel } from './reference-model.ts';
import type { Expect } from './reference-model.ts';
import { windowArb } from '../../support/arbitraries.ts';
import type { OutcomeStep, Scenario, ServicePatch } from '../../support/scenario.ts';
import type { Dispatch, Engine, EngineEvent, EngineOptions } from '../../../engine/index.ts';

/**
 * fast-check commands that drive the real engine and the reference model side by side. `run`
 * executes on the engine, compares with the model and then updates the model; any disagreement
 * throws with a description, and fast-check prints the shrunk command list (via `toString`).
 */

export interface Real {
  engine: Engine;
  options: EngineOptions;
  /** Events of the current call only; `take()` drains them. */
  events: EngineEvent[];
  pending: { at: number; seq: number; dispatch: Dispatch; step: OutcomeStep }[];
  seq: number;
  now: number;
}

export interface Model { m: ReferenceModel; taskCount: number }

export function createReal(scenario: Scenario): Real {
  const real: Real = { engine: undefined as unknown as Engine, options: undefined as unknown as EngineOptions, events: [], pending: [], seq: 0, now: scenario.startAt };
  real.options = engineOptions(scenario, (e) => { real.events.push(e); });
  real.engine = engineModule.createEngine(real.options);
  return real;
}

function take(real: Real): EngineEvent[] {
  return real.events.splice(0, real.events.length);
}

function fail(problems: string[]): void {
  if (problems.length > 0) throw new Error(`engine disagrees with the reference model:\n  ${problems.join('\n  ')}`);
}

function compare(label: string, expected: Expect, r: { ok: boolean; error?: { code: string } }): void {
  if (expected.ok && !r.ok) fail([`${label}: model expects ok, engine refused ${r.error!.code}`]);
  if (!expected.ok && r.ok) fail([`${label}: model expects ${expected.codes.join(' or ')}, engine accepted`]);
  if (!expected.ok && !r.ok && !expected.codes.includes(r.error!.code)) {
    fail([`${label}: model expects ${expected.codes.join(' or ')}, engine refused ${r.error!.code}`]);
  }
}

/** Feeds engine events that carry the engine's own timing choices into the model, checking them. */
function learn(model: ReferenceModel, events: readonly EngineEvent[], cause: string): string[] {
  const out: string[] = [];
  for (const e of events) {
    if (e.type === 'dispatch') out.push(...model.dispatch(e));
    else if (e.type === 'task_expired') out.push(...model.expire(e.task, e.t));
    else if (e.type === 'service_paused') {
      const s = model.service(e.service)!;
      const allowed = e.reason === 'operator' ? cause === 'pauseService' : e.reason === 'error' ? cause === 'service_error' : cause === 'service_quota_reached';
      if (!allowed) out.push(`${e.service} paused (${e.reason}) at ${e.t} after ${cause}`);
      if (e.resumeAt !== null && e.resumeAt <= e.t) out.push(`${e.service} paused at ${e.t} until ${e.resumeAt}`);
      s.state = 'paused';
      s.pausedUntil = e.resumeAt;
    } else if (e.type === 'service_resumed') {
      const s = model.service(e.service)!;
      const byTime = s.state === 'paused' && s.pausedUntil !== null && s.pausedUntil <= e.t;
      if (!byTime && cause !== 'resumeService') out.push(`${e.service} resumed at ${e.t} by ${cause}, paused until ${s.pausedUntil}`);
      s.state = 'active';
      s.pausedUntil = null;
    } else if (e.type === 'task_completed') {
      const t = model.task(e.task)!;
      if (t.state !== 'completed' || t.sent !== e.sent || t.failed !== e.failed) {
        out.push(`task ${e.task} completed at ${e.t} with sent=${e.sent} failed=${e.failed}; model: ${t.state} sent=${t.sent} failed=${t.failed}`);
      }
    } else if (e.type === 'service_disabled') {
      if (cause !== 'service_error' && cause !== 'disableService') out.push(`${e.service} disabled at ${e.t} by ${cause}`);
      model.service(e.service)!.state = 'disabled';
    }
  }
  return out;
}

const LATENCIES_MS = [0, 2_000, 5_000];

/** Polls while the engine has something due at `now`, checking every wake. */
function settle(model: Model, real: Real): void {
  const wake = real.engine.nextWakeAt();
  if (wake === null || wake > real.now) {
    fail(model.m.idleWithWork(real.now));
    return;
  }
  if (wake < real.now) fail([`nextWakeAt() ${wake} is before now ${real.now}: the engine woke late`]);
  const sends = real.engine.poll(real.now);
  if (!sends.ok) fail([`poll(${real.now}) refused: ${sends.error.code}`]);
  const events = take(real);
  if (events.length === 0) fail([`nextWakeAt() promised ${wake} but poll there did nothing: woke early`]);
  fail(learn(model.m, events, 'poll'));
  const fromEvents = events.filter((e) => e.type === 'dispatch').map((e) => JSON.stringify([e.t, e.service, e.task, e.recipient, e.attempt]));
  const returned = (sends.ok ? sends.value : []).map((d) => JSON.stringify([d.t, d.service, d.task, d.recipient, d.attempt]));
  if (JSON.stringify(fromEvents) !== JSON.stringify(returned)) fail([`poll returned ${returned.join(' ')} but emitted ${fromEvents.join(' ')}`]);
  // Outcomes come back after 0, 2 or 5 s so that concurrency > 1 really has several in flight;
  // their result is chosen from the plan of the advance command that reports them.
  for (const d of sends.ok ? sends.value : []) {
    const latencyMs = LATENCIES_MS[real.seq % LATENCIES_MS.length]!;
    real.pending.push({ at: d.t + latencyMs, seq: real.seq++, dispatch: d, step: { result: 'sent', latencyMs } });
  }
  const after = real.engine.nextWakeAt();
  if (after !== null && after <= real.now) fail([`after poll(${real.now}) nextWakeAt() is still ${after}`]);
  fail(model.m.idleWithWork(real.now));
}

/** Times in (from, to) at which the model's state could let a service start: where lateness shows. */
function candidateTimes(m: ReferenceModel, from: number, to: number): number[] {
  const times = new Set<number>();
  for (const s of m.services) {
    const last = s.starts[s.starts.length - 1];
    if (last !== undefined) times.add(last + s.intervalMs);
    if (s.pausedUntil !== null) times.add(s.pausedUntil);
    for (const w of s.windows) {
      if (w.kind === 'rolling') for (const st of s.starts) times.add(st + w.periodMs);
      else if (w.timeZone === undefined) times.add((Math.floor(from / w.periodMs) + 1) * w.periodMs);
    }
  }
  for (const t of m.tasks) {
    times.add(t.startAt);
    for (const r of t.retries) times.add(r.dueAt);
  }
  return [...times].filter((t) => t > from && t < to).sort((a, b) => a - b);
}

function reportDue(model: Model, real: Real, index: number): void {
  const p = real.pending.splice(index, 1)[0]!;
  const d = p.dispatch;
  const r = real.engine.report(real.now, { task: d.task, recipient: d.recipient, result: p.step.result });
  if (!r.ok) fail([`report ${d.task}/${d.recipient} ${p.step.result} at ${real.now} refused: ${r.error.code}`]);
  const verdict = model.m.report(real.now, d.task, d.recipient, p.step.result);
  const events = take(real);
  if (p.step.result === 'service_error') {
    const expected = model.m.afterServiceError(d.service, real.now);
    const got = events.find((e) => (e.type === 'service_paused' || e.type === 'service_disabled') && e.service === d.service);
    const seen = got === undefined ? null : got.type === 'service_paused' ? { type: got.type, resumeAt: got.resumeAt } : { type: got.type };
    if (JSON.stringify(seen) !== JSON.stringify(expected)) {
      fail([`service_error #${model.m.service(d.service)!.errorStreak} in a row on ${d.service} at ${real.now}: engine ${JSON.stringify(seen)}, model ${JSON.stringify(expected)}`]);
    }
  }
  const outcome = events.find((e) => e.type === 'outcome');
  if (outcome === undefined || outcome.type !== 'outcome') fail([`report ${d.task}/${d.recipient} emitted no outcome event`]);
  else {
    const final = verdict;
    if (outcome.final !== final) fail([`outcome ${d.task}/${d.recipient}#${d.attempt} ${p.step.result}: engine final=${outcome.final}, model ${final}`]);
  }
  fail(learn(model.m, events, p.step.result));
}

export class AdvanceCommand implements fc.Command<Model, Real> {
  constructor(readonly dtMs: number, readonly outcomes: readonly OutcomeStep[]) {}
  check(): boolean { return true; }
  run(model: Model, real: Real): void {
    const target = real.now + this.dtMs;
    let k = 0;
    // Bounded: each round reports one outcome or polls one wake, and both are finite per advance.
    for (let round = 0; round < 10_000; round++) {
      const wake = real.engine.nextWakeAt();
      let ri = -1;
      real.pending.forEach((p, i) => { const b = real.pending[ri]; if (b === undefined || p.at < b.at || (p.at === b.at && p.seq < b.seq)) ri = i; });
      const next = Math.min(wake ?? Infinity, ri === -1 ? Infinity : real.pending[ri]!.at, target);
      for (const c of candidateTimes(model.m, real.now, next)) fail(model.m.idleWithWork(c).map((v) => `late: ${v} (next wake ${wake})`));
      real.now = next;
      model.m.now = next;
      if (ri !== -1 && real.pending[ri]!.at <= next) {
        // Outcomes get their result from this command's plan when they are reported.
        real.pending[ri]!.step = this.outcomes[k++ % this.outcomes.length]!;
        reportDue(model, real, ri);
        settle(model, real);
      } else if (wake !== null && wake <= next) {
        settle(model, real);
      } else {
        settle(model, real);
        return;
      }
    }
    fail([`advance(${this.dtMs}) did not reach its target: endless wake-ups`]);
  }
  toString(): string { return `advance(${this.dtMs}, [${this.outcomes.map((o) => o.result).join(',')}])`; }
}

export class GrantCommand implements fc.Command<Model, Real> {
  constructor(readonly user: number, readonly amount: number) {}
  check(): boolean { return true; }
  run(model: Model, real: Real): void {
    const id = model.m.users[this.user % model.m.users.length]!.id;
    const expected = model.m.expectGrant(id, this.amount);
    const r = real.engine.grantQuota(real.now, id, this.amount);
    compare(this.toString(), expected, r);
    if (r.ok) model.m.applyGrant(id, this.amount);
    take(real);
    checkLedger(model, real);
  }
  toString(): string { return `grant(u${this.user}, ${this.amount})`; }
}

export class CreateCommand implements fc.Command<Model, Real> {
  constructor(readonly user: number, readonly count: number, readonly startInMs: number | null, readonly maxLatenessMs: number | null, readonly services: number[] | null = null) {}
  check(): boolean { return true; }
  run(model: Model, real: Real): void {
    const m = model.m;
    const user = m.users[this.user % m.users.length]!.id;
    const id = `t${model.taskCount++}`;
    const only = this.services === null ? null : [...new Set(this.services.map((i) => m.services[i % m.services.length]!.id))];
    const expected = m.expectCreate(id, user, this.count, only);
    const before = JSON.stringify(real.engine.snapshot());
    const spec = {
      id, user, recipients: this.count,
      ...(only === null ? {} : { services: only }),
      ...(this.startInMs === null ? {} : { startAt: real.now + this.startInMs }),
      ...(this.maxLatenessMs === null ? {} : { maxLatenessMs: this.maxLatenessMs }),
    };
    const r = real.engine.createTask(real.now, spec);
    compare(this.toString(), expected, r);
    const events = take(real);
    if (!r.ok) {
      if (events.length > 0 || JSON.stringify(real.engine.snapshot()) !== before) fail([`${this.toString()} was refused (${r.error.code}) but changed the engine`]);
      return;
    }
    if (r.value.reserved !== this.count) fail([`${this.toString()} reserved ${r.value.reserved}, expected ${this.count}`]);
    const startAt = real.now + (this.startInMs ?? 0);
    m.applyCreate(id, user, this.count, startAt, this.maxLatenessMs === null ? null : startAt + this.maxLatenessMs, only);
    fail(learn(m, events, 'createTask'));
    checkLedger(model, real);
    settle(model, real);
  }
  toString(): string { return `create(u${this.user}, ${this.count}${this.startInMs === null ? '' : `, in ${this.startInMs}`}${this.maxLatenessMs === null ? '' : `, late ${this.maxLatenessMs}`}${this.services === null ? '' : `, only [${this.services.join(', ')}]`})`; }
}

export class TaskCommand implements fc.Command<Model, Real> {
  constructor(readonly kind: 'pauseTask' | 'resumeTask' | 'cancelTask', readonly task: number) {}
  check(model: Readonly<Model>): boolean { return model.m.tasks.length > 0; }
  run(model: Model, real: Real): void {
    const id = model.m.tasks[this.task % model.m.tasks.length]!.id;
    const expected = model.m.expectTaskCommand(this.kind, id);
    const r = real.engine[this.kind](real.now, id);
    compare(`${this.kind}(${id})`, expected, r);
    if (r.ok) {
      const refunded = model.m.applyTaskCommand(this.kind, id);
      if (this.kind === 'cancelTask' && (r.value as { refunded: number }).refunded !== refunded) {
        fail([`cancelTask(${id}) refunded ${(r.value as { refunded: number }).refunded}, model ${refunded}`]);
      }
    }
    fail(learn(model.m, take(real), this.kind));
    checkLedger(model, real);
    settle(model, real);
  }
  toString(): string { return `${this.kind}(#${this.task})`; }
}

export class ServiceCommand implements fc.Command<Model, Real> {
  constructor(readonly kind: 'pauseService' | 'resumeService' | 'disableService', readonly service: number, readonly resumeInMs: number | null) {}
  check(): boolean { return true; }
  run(model: Model, real: Real): void {
    const s = model.m.services[this.service % model.m.services.length]!;
    const r = this.kind === 'pauseService'
      ? (this.resumeInMs === null ? real.engine.pauseService(real.now, s.id) : real.engine.pauseService(real.now, s.id, real.now + this.resumeInMs))
      : real.engine[this.kind](real.now, s.id);
    const effective = model.m.serviceActiveAt(s, real.now) ? 'active' : s.state;
    if (this.kind === 'resumeService') compare(`resumeService(${s.id})`, effective === 'active' ? { ok: false, codes: ['INVALID_STATE'] } : { ok: true }, r);
    if (this.kind === 'pauseService' && effective === 'active') compare(`pauseService(${s.id})`, { ok: true }, r);
    if (this.kind === 'disableService' && effective !== 'disabled') compare(`disableService(${s.id})`, { ok: true }, r);
    fail(learn(model.m, take(real), this.kind));
    if (r.ok && this.kind === 'disableService') s.state = 'disabled';
    if (r.ok && this.kind === 'pauseService') { s.state = 'paused'; s.pausedUntil = this.resumeInMs === null ? null : real.now + this.resumeInMs; }
    if (r.ok && this.kind === 'resumeService') { s.state = 'active'; s.pausedUntil = null; s.errorStreak = 0; }
    settle(model, real);
  }
  toString(): string { return `${this.kind}(s${this.service}${this.resumeInMs === null ? '' : `, in ${this.resumeInMs}`})`; }
}

export class UpdateServiceCommand implements fc.Command<Model, Real> {
  constructor(readonly service: number, readonly patch: ServicePatch) {}
  check(): boolean { return true; }
  run(model: Model, real: Real): void {
    const s = model.m.services[this.service % model.m.services.length]!;
    const r = real.engine.updateService(real.now, s.id, this.patch);
    compare(`updateService(${s.id})`, { ok: true }, r);
    // The start history stays: new limits are judged against the real past starts.
    if (r.ok) Object.assign(s, this.patch);
    fail(learn(model.m, take(real), 'updateService'));
    settle(model, real);
  }
  toString(): string { return `updateService(s${this.service}, ${JSON.stringify(this.patch)})`; }
}

export class UserCommand implements fc.Command<Model, Real> {
  constructor(readonly kind: 'suspendUser' | 'resumeUser', readonly user: number) {}
  check(): boolean { return true; }
  run(model: Model, real: Real): void {
    const u = model.m.users[this.user % model.m.users.length]!;
    const r = real.engine[this.kind](real.now, u.id);
    const allowed = this.kind === 'suspendUser' ? !u.suspended : u.suspended;
    if (allowed) compare(`${this.kind}(${u.id})`, { ok: true }, r);
    if (r.ok) u.suspended = this.kind === 'suspendUser';
    take(real);
    settle(model, real);
  }
  toString(): string { return `${this.kind}(u${this.user})`; }
}

/** forgetEndedTasks: exactly the ended tasks with nothing in flight go; nothing else changes. */
export class ForgetCommand implements fc.Command<Model, Real> {
  check(): boolean { return true; }
  run(model: Model, real: Real): void {
    const gone = model.m.tasks.filter((t) => t.forgotten !== true && ['completed', 'cancelled', 'expired'].includes(t.state) && t.inFlight.length === 0);
    const r = real.engine.forgetEndedTasks(real.now);
    const problems: string[] = [];
    if (!r.ok || r.value.forgotten !== gone.length) problems.push(`forgetEndedTasks answered ${JSON.stringify(r)}, model forgets ${gone.map((t) => t.id).join(', ') || 'nothing'}`);
    if (take(real).length > 0) problems.push('forgetEndedTasks emitted events');
    for (const t of gone) {
      t.forgotten = true;
      if (real.engine.getTask(t.id) !== undefined) problems.push(`${t.id} is still known after forgetEndedTasks`);
    }
    for (const t of model.m.tasks) if (t.forgotten !== true && real.engine.getTask(t.id) === undefined) problems.push(`${t.id} was forgotten but should not be`);
    fail(problems);
    checkLedger(model, real);
    settle(model, real);
  }
  toString(): string { return 'forgetEndedTasks()'; }
}

export class SnapshotCommand implements fc.Command<Model, Real> {
  check(): boolean { return true; }
  run(model: Model, real: Real): void {
    const snap = JSON.parse(JSON.stringify(real.engine.snapshot())) as ReturnType<Engine['snapshot']>;
    real.engine = engineModule.restoreEngine(snap, real.options);
    if (take(real).length > 0) fail(['restoreEngine emitted events']);
    settle(model, real);
  }
  toString(): string { return 'snapshotRestore()'; }
}

/** Invariant 3 against the engine's own status: balance + reserved + consumed == granted, all ≥ 0. */
export function checkLedger(model: Model, real: Real): void {
  const status = statusAt(real.engine, real.now);
  const problems: string[] = [];
  for (const u of model.m.users) {
    const s = status.users.find((x) => x.id === u.id);
    if (s === undefined) { problems.push(`status has no user ${u.id}`); continue; }
    if (s.balance !== u.balance || s.reserved !== u.reserved || s.consumed !== u.consumed || s.granted !== u.granted) {
      problems.push(`${u.id}: engine balance/reserved/consumed/granted ${s.balance}/${s.reserved}/${s.consumed}/${s.granted}, model ${u.balance}/${u.reserved}/${u.consumed}/${u.granted}`);
    }
    if (u.balance < 0 || u.reserved < 0 || u.balance + u.reserved + u.consumed !== u.granted) problems.push(`model ledger of ${u.id} broken: ${JSON.stringify(u)}`);
  }
  if (status.total_pending_subtasks !== model.m.pendingTotal()) problems.push(`total_pending_subtasks ${status.total_pending_subtasks}, model ${model.m.pendingTotal()}`);
  if (status.in_flight !== model.m.inFlightTotal()) problems.push(`in_flight ${status.in_flight}, model ${model.m.inFlightTotal()}`);
  fail(problems);
}

export function commandArbs(userIds: readonly string[]): fc.Arbitrary<fc.Command<Model, Real>>[] {
  const idx = fc.nat({ max: 7 });
  const outcome = fc.constantFrom('sent', 'sent', 'sent', 'deferred', 'rejected', 'service_error', 'service_quota_reached') as fc.Arbitrary<OutcomeStep['result']>;
  const advance = fc.tuple(fc.integer({ min: 0, max: 40 }), fc.array(outcome, { minLength: 1, maxLength: 6 }))
    .map(([s, rs]) => new AdvanceCommand(s * 1_000, rs.map((result) => ({ result, latencyMs: 0 }))));
  const create = fc.tuple(idx, fc.integer({ min: 1, max: 10 }), fc.option(fc.integer({ min: 0, max: 30 }).map((s) => s * 1_000), { nil: null }), fc.option(fc.integer({ min: 0, max: 30 }).map((s) => s * 1_000), { nil: null }))
    .map(([u, c, s, l]) => new CreateCommand(u, c, s, l));
  // Some tasks are restricted to a few of the services (indices taken modulo the services there are).
  const restricted = fc.tuple(idx, fc.integer({ min: 1, max: 10 }), fc.array(idx, { minLength: 1, maxLength: 3 }))
    .map(([u, c, only]) => new CreateCommand(u, c, null, null, only));
  // Advances and creations are listed several times: they carry the traffic the others disturb.
  return [
    advance, advance, advance, create, create, restricted,
    fc.tuple(idx, fc.integer({ min: 1, max: 15 })).map(([u, a]) => new GrantCommand(u, a)),
    fc.tuple(fc.constantFrom('pauseTask' as const, 'resumeTask' as const, 'cancelTask' as const), idx).map(([k, t]) => new TaskCommand(k, t)),
    fc.tuple(fc.constantFrom('pauseService' as const, 'resumeService' as const, 'disableService' as const), idx, fc.option(fc.integer({ min: 1, max: 30 }).map((s) => s * 1_000), { nil: null }))
      .map(([k, s, r]) => new ServiceCommand(k, s, r)),
    fc.tuple(fc.constantFrom('suspendUser' as const, 'resumeUser' as const), idx).map(([k, u]) => new UserCommand(k, u)),
    fc.constant(new SnapshotCommand()),
    fc.constant(new ForgetCommand()),
    fc.tuple(idx, fc.record({
      intervalMs: fc.integer({ min: 1, max: 8 }).map((x) => x * 1_000),
      windows: fc.array(windowArb, { maxLength: 2 }),
      concurrency: fc.integer({ min: 1, max: 3 }),
      access: fc.oneof(fc.constant('all' as const), fc.subarray([...userIds], { minLength: 1 })),
    }, { requiredKeys: [] })).map(([sv, patch]) => new UpdateServiceCommand(sv, patch)),
  ];
}
