// One `fairsend sim`: the same resolved workload under each policy in turn, each run with its
// invariant watch and event hash, then expectations and the summary. The CLI renders and writes.
import { extname } from 'node:path';
import type { EngineEvent } from '../engine/index.ts';
import { EventLog } from './event-log.ts';
import { evaluateExpectations } from './expectations.ts';
import { checkersForPolicy, createCheckers } from './checkers/index.ts';
import type { CheckerName } from './checkers/index.ts';
import { simulate } from './simulate.ts';
import type { ExtraMetrics } from './recorder.ts';
import type { ExpectationResult, PolicyMetrics, ReportInput, ViolationReport } from './report/index.ts';
import type { PolicyName, ResolvedScenario } from './scenario/index.ts';

export interface RunOptions {
  policies?: readonly PolicyName[];
  /** Write each policy's event log as JSON Lines (several policies: `name.<policy>.ext`). */
  eventsPath?: string;
  /** Hash the event stream (default true); the speed benchmark turns it off. */
  hashEvents?: boolean;
  /** Run the invariant checkers (default true); the speed benchmark turns them off. */
  checkInvariants?: boolean;
  onProgress?: (policy: PolicyName, t: number) => void;
}

export interface PolicyRun {
  metrics: PolicyMetrics;
  extra: ExtraMetrics;
}

export interface ScenarioRun {
  report: ReportInput;
  summary: Summary;
  runs: PolicyRun[];
  pass: boolean;
}

export interface Summary {
  scenario: ReturnType<typeof describeScenario>;
  seed: number;
  policies: PolicyMetrics[];
  expectations: ExpectationResult[];
  pass: boolean;
  /** sha256 of each policy's JSON Lines event stream. */
  eventHashes: Record<string, string>;
  ledger: Record<string, string[]>;
  /** Invariant checkers run for each policy (empty when turned off). */
  checkers: Record<string, string[]>;
}

export function eventsPathFor(path: string, policy: string, several: boolean): string {
  if (!several) return path;
  const ext = extname(path);
  return `${path.slice(0, path.length - ext.length)}.${policy}${ext || '.jsonl'}`;
}

/** The resolved scenario as summary.json shows it: every service and user, the workload's size. */
export function describeScenario(s: ResolvedScenario) {
  return {
    name: s.name,
    ...(s.description === undefined ? {} : { description: s.description }),
    durationMs: s.durationMs,
    endAt: s.endAt,
    engine: s.engine,
    services: s.services.map((svc) => ({
      id: svc.id,
      ...(svc.preset === undefined ? {} : { preset: svc.preset }),
      intervalMs: svc.intervalMs,
      concurrency: svc.concurrency,
      windows: svc.windows,
      access: svc.accessSpec,
      accessUsers: svc.access === 'all' ? 'all' : svc.access.length,
      latencyMs: svc.latencyMs,
      outages: svc.outages.length / 2,
    })),
    users: s.users.map((u) => ({ id: u.id, weight: u.weight, quota: u.quota, ...(u.group === undefined ? {} : { group: u.group }) })),
    workload: { campaigns: s.arrivals.length, recipients: s.totalRecipients },
    faults: s.faults,
    actions: s.actions,
    expectations: s.expectations ?? null,
  };
}

export function facts(s: ResolvedScenario, options: RunOptions = {}): string[] {
  const days = s.durationMs / 86_400_000;
  const notes: string[] = [];
  if (options.checkInvariants === false) notes.push('invariant checkers off');
  return [
    `${s.users.length} users`,
    `${s.services.length} services`,
    `${s.arrivals.length} campaigns`,
    `${s.totalRecipients} recipients`,
    days >= 1 ? `${+days.toFixed(2)} simulated day(s) of arrivals` : `${Math.round(s.durationMs / 60_000)} simulated minutes of arrivals`,
    ...notes,
  ];
}

interface InvariantWatch {
  observe: (e: EngineEvent) => void;
  finish: () => { count: number; violations: ViolationReport[] };
}

/**
 * The invariant checkers of sim/checkers (shared with the property tests) on every engine event of
 * a run; fairness is judged only under the fair policy, the only one that promises it. All of them
 * cost O(log n) or less per event, so they run whatever the scenario's size.
 */
function watchInvariants(checkers: readonly CheckerName[], chargeFailures: boolean): InvariantWatch {
  // The quota checker must know whether failures are charged, or it flags every charged failure.
  const set = createCheckers(checkers, { chargeFailures });
  return {
    observe: (e) => set.push(e),
    finish: () => {
      set.finish();
      return { count: set.violationCount(), violations: set.violations().map((v) => ({ checker: v.checker, message: v.message, events: v.events })) };
    },
  };
}

function runPolicy(s: ResolvedScenario, policy: PolicyName, options: RunOptions, several: boolean): PolicyRun {
  const log = options.hashEvents === false && options.eventsPath === undefined
    ? null
    : new EventLog(options.eventsPath === undefined ? null : eventsPathFor(options.eventsPath, policy, several));
  const watch = options.checkInvariants === false ? null : watchInvariants(checkersForPolicy(policy), s.engine.chargeFailures ?? false);
  const observers: ((e: EngineEvent) => void)[] = [];
  if (log) observers.push(log.add);
  if (watch) observers.push(watch.observe);
  let run;
  try {
    run = simulate(s, policy, { observers, ...(options.onProgress ? { onProgress: (t: number) => options.onProgress!(policy, t) } : {}) });
  } catch (err) {
    log?.close(false);
    throw err;
  }
  if (log) run.metrics.eventHash = log.close(true);
  run.metrics.invariantsChecked = watch !== null;
  if (watch) {
    const v = watch.finish();
    run.metrics.violationCount = v.count;
    run.metrics.violations = v.violations;
  }
  // The quota ledger at the end of the run is checked from the engine's own status, checkers or not.
  for (const message of run.extra.ledgerMismatches) {
    run.metrics.violationCount++;
    if (run.metrics.violations.length < 50) run.metrics.violations.push({ checker: 'ledger', message, events: [] });
  }
  return run;
}

export function runScenario(s: ResolvedScenario, options: RunOptions = {}): ScenarioRun {
  const policies = options.policies ?? s.policies;
  const runs = policies.map((p) => runPolicy(s, p, options, policies.length > 1));
  const expectations = evaluateExpectations(s.expectations, runs.map((r) => ({ metrics: r.metrics, unfinished: r.extra.unfinished })));
  const pass = expectations.every((e) => e.pass);
  const metrics = runs.map((r) => r.metrics);
  const report: ReportInput = { scenario: s.name, seed: s.seed, facts: facts(s, options), policies: metrics, expectations };
  const summary: Summary = {
    scenario: describeScenario(s),
    seed: s.seed,
    policies: metrics,
    expectations,
    pass,
    eventHashes: Object.fromEntries(metrics.filter((m) => m.eventHash).map((m) => [m.policy, m.eventHash!])),
    ledger: Object.fromEntries(runs.map((r) => [r.metrics.policy, r.extra.ledgerMismatches])),
    checkers: Object.fromEntries(policies.map((p) => [p, options.checkInvariants === false ? [] : checkersForPolicy(p)])),
  };
  return { report, summary, runs, pass };
}
