import { engineModule } from './engine-under-test.ts';
import { QUOTA_WAIT_MS, RETRY, SERVICE_PAUSE } from './scenario.ts';
import type { Op, OutcomeStep, Scenario } from './scenario.ts';
import type { Dispatch, Engine, EngineEvent, EngineOptions, Outcome } from '../../engine/index.ts';

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
  tasks: { id: string; user: string; reserved: number; createdAt: number }[];
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
  const maxSteps = options.maxSteps ?? 50_000;
  const trace: Trace = { timeline: [], events: [], dispatches: [], reports: [], commands: [], tasks: [], endAt: scenario.startAt, engine: undefined as unknown as Engine };
  const onEvent = (e: EngineEvent): void => { trace.events.push(e); };
  const opts = engineOptions(scenario, onEvent);
  trace.engine = engineModule.createEngine(opts);
  setUp(trace.engine, scenario);
  const pending: PendingReport[] = [];
  let now = scenario.startAt;
  let seq = 0;
  let steps = 0;
  let draining = false;

  const tick = (): void => {
    steps++;
    if (steps > maxSteps) throw new Error(`driver exceeded ${maxSteps} steps at t=${now}; the engine never went idle`);
    options.afterStep?.(trace.engine, now, trace);
  };
  const earliestReport = (): number => {
    let best = -1;
    for (let i = 0; i < pending.length; i++) {
      const p = pending[i]!;
      const b = pending[best] ?? null;
      if (b === null || p.at < b.at || (p.at === b.at && p.seq < b.seq)) best = i;
    }
    return best;
  };
  const pollNow = (): void => {
    const sends = unwrap(`poll(${now})`, trace.engine.poll(now));
    for (const d of sends) {
      trace.dispatches.push(d);
      trace.timeline.push({ kind: 'dispatch', t: now, dispatch: d });
      const step = draining ? { result: 'sent' as const, latencyMs: 1 } : scenario.outcomes[seq % scenario.outcomes.length]!;
      pending.push({ at: now + step.latencyMs, seq: seq++, dispatch: d, step });
    }
    tick();
    const wake = trace.engine.nextWakeAt();
    if (wake !== null && wake <= now) {
      throw new Error(`after poll(${now}) nextWakeAt() is ${wake}: the engine left work due at or before now`);
    }
  };
  const reportOne = (index: number): void => {
    const p = pending.splice(index, 1)[0]!;
    const outcome: Outcome = { task: p.dispatch.task, recipient: p.dispatch.recipient, result: p.step.result };
    const r = trace.engine.report(now, outcome);
    const report: ReportRecord = { t: now, dispatch: p.dispatch, outcome, ok: r.ok, ...(r.ok ? {} : { code: r.error.code }) };
    trace.reports.push(report);
    trace.timeline.push({ kind: 'report', t: now, report });
    tick();
  };
  const advanceTo = (target: number): void => {
    for (;;) {
      const wake = trace.engine.nextWakeAt();
      const ri = earliestReport();
      const reportAt = ri === -1 ? Infinity : pending[ri]!.at;
      const next = Math.min(wake ?? Infinity, reportAt);
      if (next > target) break;
      now = Math.max(now, next);
      if (reportAt <= now) reportOne(ri);
      else pollNow();
    }
    now = Math.max(now, target);
  };
  const settle = (): void => {
    const wake = trace.engine.nextWakeAt();
    if (wake !== null && wake <= now) pollNow();
  };

  for (const { dtMs, op } of scenario.ops) {
    advanceTo(now + dtMs);
    if (op.kind === 'poll') { pollNow(); continue; }
    applyOp(trace, now, op, opts, scenario);
    tick();
    settle();
  }
  if (options.drain === true) {
    draining = true;
    resumeEverything(trace, now, scenario);
    settle();
    advanceTo(options.horizonMs ?? Infinity);
  }
  trace.endAt = now;
  return trace;
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
      };
      const r = e.createTask(now, spec);
      record(trace, now, 'createTask', spec, r);
      if (r.ok) trace.tasks.push({ id: spec.id, user, reserved: r.value.reserved, createdAt: now });
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
