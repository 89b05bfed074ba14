import { engineModule } from './engine-under-test.ts';
import { QUOTA_WAIT_MS, RETRY, SERVICE_PAUSE } from './scenario.ts';
import type { Op, OutcomeStep, Scenario } from './scenario.ts';
import type { Dispatch, Engine, EngineEvent, EngineOptions, EngineStatus, Outcome } from '../../engine/index.ts';

/**
 * Runs a scenario against the engine under test the way the simulator would: it jumps from wake-up
 * to wake-up (`nextWakeAt`), reports each dispatch's outcome after its latency, and applies the
 * scenario's operations at their times. It checks nothing by itself except that the engine keeps
 * its promise that after `poll(now)` nothing is still due at `now` (otherwise no driver could
 * ever make progress); the properties check the trace it returns.
 */

export interface CommandRecord { t: number; op: string; args: unknown; ok: boolean; code?: string; value?: unknown }

export interface ReportRecord { t: number; dispatch: Dispatch; outcome: Outcome; ok: boolean; code?: string }

/** Everything the driver did and saw, in the order it happened. */
export type TimelineEntry =
  | { kind: 'dispatch'; t: number; dispatch: Dispatch }
  | { kind: 'report'; t: number; report: ReportRecord }
  | { kind: 'command'; t: number; command: CommandRecord };

export interface Trace {
  timeline: TimelineEntry[];
  events: EngineEvent[];
  dispatches: Dispatch[];
  reports: ReportRecord[];
  commands: CommandRecord[];
  /** Accepted tasks in creation order with their reserved counts. */
  /** Accepted tasks; `services` is the restriction the task was created with, or null. */
  tasks: { id: string; user: string; reserved: number; createdAt: number; services: string[] | null }[];
  /** Times the engine asked to be woken (nextWakeAt) and then did nothing: an early wake. */
  emptyWakes: number[];
  endAt: number;
  engine: Engine;
}

export interface DriveOptions {
  /** After the ops: resume everything, report only `sent`, run until the engine is idle. */
  drain?: boolean;
  /** Called after every command, report and poll with the live engine (for state invariants). */
  afterStep?: (engine: Engine, now: number, trace: Trace) => void;
  /** Upper bound on loop iterations; exceeding it is a failure (the engine never goes idle). */
  maxSteps?: number;
  /** Stop advancing time past this instant (ops after it still run at their own times). */
  horizonMs?: number;
}

interface PendingReport { at: number; seq: number; dispatch: Dispatch; step: OutcomeStep }

export function engineOptions(scenario: Scenario, onEvent: (e: EngineEvent) => void): EngineOptions {
  return {
    policy: scenario.policy,
    startAt: scenario.startAt,
    retry: RETRY,
    servicePause: SERVICE_PAUSE,
    quotaWaitMs: QUOTA_WAIT_MS,
    chargeFailures: scenario.chargeFailures,
    onEvent,
  } as EngineOptions;
}

/**
 * API.md specifies `status(now)`; the engine currently declares `status()` and reports at its own
 * clock. Passing `now` through this one wrapper works with either signature.
 */
export function statusAt(engine: Engine, now: number): EngineStatus {
  return (engine.status as (now?: number) => EngineStatus)(now);
}

export function unwrap<T>(label: string, result: { ok: true; value: T } | { ok: false; error: { code: string; message: string } }): T {
  if (!result.ok) throw new Error(`${label} refused: ${result.error.code}: ${result.error.message}`);
  return result.value;
}

/** Adds the scenario's users and services at `startAt`; setup refusals are test bugs. */
export function setUp(engine: Engine, scenario: Scenario): void {
  const t = scenario.startAt;
  for (const u of scenario.users) unwrap(`addUser ${u.id}`, engine.addUser(t, { id: u.id, quota: u.quota, weight: u.weight }));
  for (const s of scenario.services) {
    unwrap(`addService ${s.id}`, engine.addService(t, { id: s.id, intervalMs: s.intervalMs, windows: s.windows, concurrency: s.concurrency, access: s.access }));
  }
}

export function drive(scenario: Scenario, options: DriveOptions = {}): Trace {
  const run = new ScenarioRun(scenario, options);
  for (const { dtMs, op } of scenario.ops) {
    run.advanceTo(run.now + dtMs);
    if (op.kind === 'poll') {
      run.pollNow(false);
      continue;
    }
    applyOp(run.trace, run.now, op, run.opts, scenario);
    run.tick();
    run.settle();
  }
  if (options.drain === true) {
    run.draining = true;
    // Outcomes already in flight keep their planned result, so a late service_error can pause or
    // disable a service after the first resume: resume again, a bounded number of times.
    for (let round = 0; round < 3; round++) {
      resumeEverything(run.trace, run.now, scenario);
      run.settle();
      run.advanceTo(options.horizonMs ?? Infinity);
    }
  } else if (options.horizonMs !== undefined) {
    run.advanceTo(options.horizonMs);
  }
  run.trace.endAt = run.now;
  return run.trace;
}

/** The driver's state while it runs one scenario: the clock, the outcomes not yet reported. */
class ScenarioRun {
  readonly trace: Trace;
  readonly opts: EngineOptions;
  now: number;
  /** While draining every outcome is `sent`, so that the run ends. */
  draining = false;
  private readonly pending: PendingReport[] = [];
  private seq = 0;
  private steps = 0;
  private readonly maxSteps: number;

  constructor(private readonly scenario: Scenario, private readonly options: DriveOptions) {
    this.maxSteps = options.maxSteps ?? 50_000;
    this.now = scenario.startAt;
    this.trace = { timeline: [], events: [], dispatches: [], reports: [], commands: [], tasks: [], emptyWakes: [], endAt: scenario.startAt, engine: undefined as unknown as Engine };
    this.opts = engineOptions(scenario, (e) => { this.trace.events.push(e); });
    this.trace.engine = engineModule.createEngine(this.opts);
    setUp(this.trace.engine, scenario);
  }

  tick(): void {
    this.steps++;
    if (this.steps > this.maxSteps) throw new Error(`driver exceeded ${this.maxSteps} steps at t=${this.now}; the engine never went idle`);
    this.options.afterStep?.(this.trace.engine, this.now, this.trace);
  }

  /** Index of the next outcome to report, by (time, dispatch order); -1 when none is pending. */
  private earliestReport(): number {
    let best = -1;
    this.pending.forEach((p, i) => {
      const b = this.pending[best];
      if (b === undefined || p.at < b.at || (p.at === b.at && p.seq < b.seq)) best = i;
    });
    return best;
  }

  /** Polls at `now`; `atWake` says the engine asked for this wake, so it must do something. */
  pollNow(atWake = true): void {
    const { trace, now } = this;
    const eventsBefore = trace.events.length;
    const sends = unwrap(`poll(${now})`, trace.engine.poll(now));
    if (atWake && trace.events.length === eventsBefore) trace.emptyWakes.push(now);
    for (const d of sends) {
      trace.dispatches.push(d);
      trace.timeline.push({ kind: 'dispatch', t: now, dispatch: d });
      const step = this.draining ? { result: 'sent' as const, latencyMs: 1 } : this.scenario.outcomes[this.seq % this.scenario.outcomes.length]!;
      this.pending.push({ at: now + step.latencyMs, seq: this.seq++, dispatch: d, step });
    }
    this.tick();
    const wake = trace.engine.nextWakeAt();
    if (wake !== null && wake <= now) {
      throw new Error(`after poll(${now}) nextWakeAt() is ${wake}: the engine left work due at or before now`);
    }
  }

  private reportOne(index: number): void {
    const p = this.pending.splice(index, 1)[0]!;
    const outcome: Outcome = { task: p.dispatch.task, recipient: p.dispatch.recipient, result: p.step.result };
    const r = this.trace.engine.report(this.now, outcome);
    const report: ReportRecord = { t: this.now, dispatch: p.dispatch, outcome, ok: r.ok, ...(r.ok ? {} : { code: r.error.code }) };
    this.trace.reports.push(report);
    this.trace.timeline.push({ kind: 'report', t: this.now, report });
    this.tick();
  }

  /** Jumps from wake-up to wake-up and report to report until `target`; bounded by maxSteps. */
  advanceTo(target: number): void {
    for (;;) {
      const wake = this.trace.engine.nextWakeAt();
      const ri = this.earliestReport();
      const reportAt = ri === -1 ? Infinity : this.pending[ri]!.at;
      const next = Math.min(wake ?? Infinity, reportAt);
      if (next > target || next === Infinity) break;
      this.now = Math.max(this.now, next);
      if (reportAt <= this.now) this.reportOne(ri);
      else this.pollNow();
    }
    if (target !== Infinity) this.now = Math.max(this.now, target);
  }

  /** After a command, lets the engine act on anything it made due at `now`. */
  settle(): void {
    const wake = this.trace.engine.nextWakeAt();
    if (wake !== null && wake <= this.now) this.pollNow();
  }
}

function record(trace: Trace, t: number, op: string, args: unknown, r: { ok: boolean; value?: unknown; error?: { code: string } }): void {
  const command: CommandRecord = { t, op, args, ok: r.ok, ...(r.ok ? { value: r.value } : { code: r.error!.code }) };
  trace.commands.push(command);
  trace.timeline.push({ kind: 'command', t, command });
}

function pick<T>(list: readonly T[], index: number): T | undefined {
  return list.length === 0 ? undefined : list[index % list.length];
}

export function applyOp(trace: Trace, now: number, op: Op, opts: EngineOptions, scenario: Scenario): void {
  const e = trace.engine;
  const user = 'user' in op ? pick(scenario.users, op.user)!.id : '';
  const service = 'service' in op ? pick(scenario.services, op.service)!.id : '';
  const task = 'task' in op ? pick(trace.tasks, op.task)?.id : undefined;
  switch (op.kind) {
    case 'create': {
      const spec = {
        id: `t${trace.commands.filter((c) => c.op === 'createTask').length}`,
        user, recipients: op.count,
        ...(op.startInMs === undefined ? {} : { startAt: now + op.startInMs }),
        ...(op.maxLatenessMs === undefined ? {} : { maxLatenessMs: op.maxLatenessMs }),
        ...(op.weight === undefined ? {} : { weight: op.weight }),
        ...(op.services === undefined ? {} : { services: [...new Set(op.services.map((i) => (scenario.services[i % scenario.services.length] as { id: string }).id))] }),
      };
      const r = e.createTask(now, spec);
      record(trace, now, 'createTask', spec, r);
      if (r.ok) trace.tasks.push({ id: spec.id, user, reserved: r.value.reserved, createdAt: now, services: spec.services ?? null });
      return;
    }
    case 'pauseTask': case 'resumeTask': case 'cancelTask':
      if (task !== undefined) record(trace, now, op.kind, task, e[op.kind](now, task));
      return;
    case 'pauseService':
      record(trace, now, op.kind, service, op.resumeInMs === undefined ? e.pauseService(now, service) : e.pauseService(now, service, now + op.resumeInMs));
      return;
    case 'resumeService': case 'disableService':
      record(trace, now, op.kind, service, e[op.kind](now, service));
      return;
    case 'grant': record(trace, now, op.kind, [user, op.amount], e.grantQuota(now, user, op.amount)); return;
    case 'suspendUser': case 'resumeUser': record(trace, now, op.kind, user, e[op.kind](now, user)); return;
    case 'updateUser': record(trace, now, op.kind, [user, op.weight], e.updateUser(now, user, { weight: op.weight })); return;
    case 'updateService': record(trace, now, op.kind, [service, op.patch], e.updateService(now, service, op.patch)); return;
    case 'snapshotRestore': {
      // Through JSON, as the runner would persist it: the snapshot must be plain data.
      const snap = JSON.parse(JSON.stringify(e.snapshot())) as ReturnType<Engine['snapshot']>;
      trace.engine = engineModule.restoreEngine(snap, opts);
      record(trace, now, 'snapshotRestore', null, { ok: true });
      return;
    }
    case 'noop': case 'poll':
      return;
  }
}

function resumeEverything(trace: Trace, now: number, scenario: Scenario): void {
  const e = trace.engine;
  // Refusals (INVALID_STATE for things already running) are expected and harmless here.
  for (const s of scenario.services) record(trace, now, 'resumeService', s.id, e.resumeService(now, s.id));
  for (const u of scenario.users) record(trace, now, 'resumeUser', u.id, e.resumeUser(now, u.id));
  for (const t of trace.tasks) record(trace, now, 'resumeTask', t.id, e.resumeTask(now, t.id));
}
