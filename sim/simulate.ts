// The discrete-event loop: one run of a resolved scenario under one policy. Time jumps straight to
// the next thing that happens — a send completing, an operator action, a campaign arriving, or the
// engine's own `nextWakeAt()` — and never steps through idle milliseconds. The engine decides; this
// loop acts on its decisions (samples latency and replies, reports outcomes) and records metrics.
import { createEngine } from '../engine/index.ts';
import type { Dispatch, Engine, EngineEvent, EngineOptions, Result } from '../engine/index.ts';
import { EventQueue } from './event-queue.ts';
import { DETAILS, FaultModel } from './fault-model.ts';
import type { SimResult } from './fault-model.ts';
import { Recorder } from './recorder.ts';
import type { ExtraMetrics } from './recorder.ts';
import type { Checked } from './scenario/load-scenario.ts';
import type { PolicyName } from './scenario/schema.ts';
import type { ActionSpec, ResolvedScenario } from './scenario/index.ts';
import type { PolicyMetrics } from './report/report-input.ts';

interface Completion {
  t: number;
  seq: number;
  dispatch: Dispatch;
  /** The task's number in the recorder (see Recorder.taskNumber). */
  task: number;
  result: SimResult;
  detail: string | undefined;
}

export interface SimulateOptions {
  /** Further sinks for every engine event (checkers, the event-log writer, the hash). */
  observers?: readonly ((e: EngineEvent) => void)[];
  /** Called now and then with the simulated time, for a progress bar. */
  onProgress?: (t: number) => void;
}

export interface SimulationRun {
  metrics: PolicyMetrics;
  extra: ExtraMetrics;
}

/** Queue-depth samples per run; enough for a chart, few enough for summary.json. */
const DEPTH_SAMPLES = 200;

function engineOptions(s: ResolvedScenario, policy: PolicyName, onEvent: (e: EngineEvent) => void): EngineOptions {
  const e = s.engine;
  return {
    policy,
    startAt: 0,
    ...(e.retry ? { retry: e.retry } : {}),
    ...(e.servicePause ? { servicePause: e.servicePause } : {}),
    ...(e.quotaWaitMs === undefined ? {} : { quotaWaitMs: e.quotaWaitMs }),
    ...(e.chargeFailures === undefined ? {} : { chargeFailures: e.chargeFailures }),
    onEvent,
  } as EngineOptions;
}

/** Users and services into a fresh engine. A refusal here is bad input (e.g. an unknown time zone). */
export function setUpEngine(s: ResolvedScenario, policy: PolicyName, onEvent: (e: EngineEvent) => void): Checked<Engine> {
  let engine: Engine;
  try {
    engine = createEngine(engineOptions(s, policy, onEvent));
  } catch (err) {
    if (err instanceof TypeError) return { ok: false, errors: [`engine: ${err.message}`] };
    throw err;
  }
  for (const u of s.users) {
    const r = engine.addUser(0, { id: u.id, quota: u.quota, weight: u.weight });
    if (!r.ok) return { ok: false, errors: [r.error.message] }; // the engine's message names the user
  }
  for (const svc of s.services) {
    const r = engine.addService(0, { id: svc.id, intervalMs: svc.intervalMs, windows: svc.windows, concurrency: svc.concurrency, access: svc.access === 'all' ? 'all' : [...svc.access] });
    if (!r.ok) return { ok: false, errors: [r.error.message] }; // the engine's message names the service and field
  }
  return { ok: true, value: engine };
}

/**
 * Refusals (e.g. resuming a task that already completed) are part of the story, not bugs: the run
 * goes on, and the report lists them so that a scripted action that did nothing is seen.
 */
function applyAction(engine: Engine, now: number, a: ActionSpec): Result<unknown> {
  switch (a.kind) {
    case 'pauseTask': return engine.pauseTask(now, a.task);
    case 'resumeTask': return engine.resumeTask(now, a.task);
    case 'cancelTask': return engine.cancelTask(now, a.task);
    case 'pauseService': return engine.pauseService(now, a.service, a.resumeAt);
    case 'resumeService': return engine.resumeService(now, a.service);
    case 'disableService': return engine.disableService(now, a.service);
    case 'grantQuota': return engine.grantQuota(now, a.user, a.amount);
    case 'suspendUser': return engine.suspendUser(now, a.user);
    case 'resumeUser': return engine.resumeUser(now, a.user);
  }
}

/** An action as a planner wrote it, for the report: its kind and what it names. */
function describeAction(a: ActionSpec): string {
  switch (a.kind) {
    case 'pauseTask': case 'resumeTask': case 'cancelTask': return `${a.kind} ${a.task}`;
    case 'pauseService': case 'resumeService': case 'disableService': return `${a.kind} ${a.service}`;
    case 'grantQuota': return `grantQuota ${a.user} ${a.amount}`;
    case 'suspendUser': case 'resumeUser': return `${a.kind} ${a.user}`;
  }
}

/** Runs one policy to the end (`endAt`, or earlier when nothing is left to do). */
export function simulate(s: ResolvedScenario, policy: PolicyName, options: SimulateOptions = {}): SimulationRun {
  const started = performance.now();
  const rec = new Recorder(s);
  const observers = options.observers ?? [];
  const sink = observers.length === 0 ? rec.onEvent : (e: EngineEvent) => { rec.onEvent(e); for (const o of observers) o(e); };
  const setup = setUpEngine(s, policy, sink);
  if (!setup.ok) throw new Error(`scenario was validated but the engine refused it: ${setup.errors.join('; ')}`);
  const engine = setup.value;
  const faults = new FaultModel(s);
  const serviceIndex = new Map(s.services.map((svc, i) => [svc.id, i]));
  const completions = new EventQueue<Completion>();
  const sampleEveryMs = Math.max(1, Math.ceil(s.endAt / DEPTH_SAMPLES));
  let nextSampleAt = 0;
  let ai = 0;
  let ki = 0;
  let now = 0;
  let stalls = 0;
  // Every step handles at least one event, and each recipient causes a bounded number of them.
  const maxSteps = 20 * (s.totalRecipients + s.arrivals.length + s.actions.length) + 1_000_000;
  for (let step = 0; ; step++) {
    if (step >= maxSteps) throw new Error(`simulation exceeded ${maxSteps} steps at t=${now}`);
    const wake = engine.nextWakeAt() ?? Infinity;
    const next = Math.min(completions.peekTime(), s.arrivals[ai]?.at ?? Infinity, s.actions[ki]?.at ?? Infinity, wake, nextSampleAt);
    if (next > s.endAt || (next === nextSampleAt && next > 0 && isDrained(ai, ki, s, completions, wake))) break;
    const advanced = next > now;
    now = Math.max(now, next);
    // Order at one instant: completions free slots, then operator actions, then arrivals, then the
    // engine starts whatever is due. A fixed order keeps runs reproducible.
    while (completions.peekTime() === now) report(engine, rec, now, completions.pop()!);
    while (ki < s.actions.length && s.actions[ki]!.at === now) {
      const a = s.actions[ki++]!;
      const r = applyAction(engine, now, a);
      if (!r.ok) rec.actionRefused({ at: now, action: describeAction(a), code: r.error.code, message: r.error.message });
    }
    while (ai < s.arrivals.length && s.arrivals[ai]!.at === now) createTask(engine, rec, s.arrivals[ai++]!, now);
    if (now >= nextSampleAt) {
      rec.sample(now);
      nextSampleAt = now + sampleEveryMs;
      options.onProgress?.(now);
    }
    const started = startSends(engine, now, { rec, faults, serviceIndex, completions });
    // Guard against an engine that keeps asking to wake at a time it does not act on.
    stalls = advanced || started > 0 ? 0 : stalls + 1;
    if (stalls > 10_000) throw new Error(`simulation stalled at t=${now}: engine.nextWakeAt() = ${engine.nextWakeAt()} but poll() starts nothing`);
  }
  // Work still pending after the loop drained is stuck for good (nothing can wake it): it stays
  // stuck to the end of the run, and the last sample says so.
  const endAt = rec.pending > 0 ? Math.max(now, s.endAt) : now;
  rec.sample(endAt);
  const { metrics, extra } = rec.finish(policy, performance.now() - started, endAt);
  return { metrics, extra: { ...extra, ledgerMismatches: ledgerCheck(engine) } };
}

interface World {
  rec: Recorder;
  faults: FaultModel;
  serviceIndex: Map<string, number>;
  completions: EventQueue<Completion>;
}

/** Polls the engine and plays each send it starts: its reply and when that reply arrives. */
function startSends(engine: Engine, now: number, w: World): number {
  const polled = engine.poll(now);
  if (!polled.ok) throw new Error(`engine.poll refused at t=${now}: ${polled.error.message}`);
  for (const d of polled.value) {
    const svc = w.serviceIndex.get(d.service)!;
    const task = w.rec.taskNumber(d.task);
    w.rec.onDispatch(now, task, svc);
    const result = w.faults.result(svc, task, d.recipient, d.attempt, now);
    const detail = result === 'sent' ? undefined : DETAILS[w.faults.reason];
    w.completions.push({ t: now + w.faults.latencyMs(svc), seq: 0, dispatch: d, task, result, detail });
  }
  return polled.value.length;
}

function isDrained(ai: number, ki: number, s: ResolvedScenario, q: EventQueue<Completion>, wake: number): boolean {
  return ai >= s.arrivals.length && ki >= s.actions.length && q.size === 0 && wake === Infinity;
}

function report(engine: Engine, rec: Recorder, now: number, c: Completion): void {
  const d = c.dispatch;
  rec.reportingTask = c.task;
  // Two literal shapes rather than a spread: this runs once per send.
  const outcome = c.detail === undefined
    ? { task: d.task, recipient: d.recipient, result: c.result }
    : { task: d.task, recipient: d.recipient, result: c.result, detail: c.detail };
  const r = engine.report(now, outcome);
  if (!r.ok) throw new Error(`engine refused the outcome of ${d.task}#${d.recipient}: ${r.error.code} ${r.error.message}`);
}

function createTask(engine: Engine, rec: Recorder, a: ResolvedScenario['arrivals'][number], now: number): void {
  // Restricted to services a sweep point left out (see Arrival.services): nothing can send it.
  if (a.services !== undefined && a.services.length === 0) {
    rec.refusal('NO_AVAILABLE_SERVICE', a.user, a.recipients);
    return;
  }
  const r = engine.createTask(now, {
    id: a.id, user: a.user, recipients: a.recipients,
    ...(a.startAt === undefined ? {} : { startAt: a.startAt }),
    ...(a.maxLatenessMs === undefined ? {} : { maxLatenessMs: a.maxLatenessMs }),
    ...(a.weight === undefined ? {} : { weight: a.weight }),
    ...(a.services === undefined ? {} : { services: a.services }),
  });
  if (!r.ok) rec.refusal(r.error.code, a.user, a.recipients);
}

/** Quota conservation at the end: balance + reserved + consumed == granted for every user. */
function ledgerCheck(engine: Engine): string[] {
  const out: string[] = [];
  for (const u of engine.status().users) {
    if (u.balance + u.reserved + u.consumed !== u.granted || u.balance < 0 || u.reserved < 0 || u.consumed < 0) {
      out.push(`${u.id}: balance ${u.balance} + reserved ${u.reserved} + consumed ${u.consumed} != granted ${u.granted}`);
    }
  }
  return out;
}
