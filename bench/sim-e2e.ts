// Simulator end to end: simulated sends per second of wall time on a large scenario, through the
// simulator's public entry points (sim/index.ts, and sim/scenario/index.ts to validate and resolve
// a scenario document), with its invariant checkers and event hashing off as a speed run asks.
// Also an exact count: engine events per simulated send on a small seeded scenario.

import { runScenario, simulate } from '../sim/index.ts';
import { openScenarioDocument } from '../sim/scenario/index.ts';
import type { ResolvedScenario, ScenarioInput } from '../sim/scenario/index.ts';
import type { SimulatorFigure } from './report.ts';

export interface SimSize {
  readonly users: number;
  readonly services: number;
  readonly recipientsPerTask: number;
}

// 10,000 users x 1 campaign x 1,000 recipients = 10 million sends on 1,000 services.
export const FULL_SIM_SIZE: SimSize = { users: 10_000, services: 1_000, recipientsPerTask: 1_000 };
export const SMALL_SIM_SIZE: SimSize = { users: 50, services: 10, recipientsPerTask: 20 };

const ARRIVAL_WINDOW_MS = 10_000;

// Every user creates about one campaign (Poisson) within the first 10 simulated seconds; services
// send every 10 ms with a fixed 5 ms latency and no faults, so the run measures scheduling and
// bookkeeping rather than fault handling.
export function simScenario(size: SimSize): ScenarioInput {
  const perDay = 86_400_000 / ARRIVAL_WINDOW_MS;
  return {
    name: `bench-${size.users}-users-${size.services}-services`,
    seed: 42,
    durationMs: ARRIVAL_WINDOW_MS,
    drainMs: 7 * 86_400_000,
    policies: ['fair'],
    services: [{ id: 'pool', intervalMs: 10, count: size.services, access: 'all' }],
    userGroups: [{
      name: 'bulk', count: size.users, quota: { kind: 'fixed', value: 100 * size.recipientsPerTask },
      arrivals: { kind: 'poisson', perDay }, recipients: { kind: 'fixed', value: size.recipientsPerTask },
    }],
    faults: { latencyMs: { kind: 'fixed', value: 5 } },
  };
}

function resolve(size: SimSize): ResolvedScenario {
  const opened = openScenarioDocument(simScenario(size), process.cwd());
  if (!opened.ok) throw new Error(`bench scenario refused by the simulator: ${opened.errors.join('; ')}`);
  return opened.value.resolved;
}

export function measureSimulator(size: SimSize, log: (line: string) => void): SimulatorFigure {
  const scenario = resolve(size);
  log(`simulator: ${scenario.name}, ${scenario.totalRecipients.toLocaleString('en-US')} recipients`);
  const started = performance.now();
  const run = runScenario(scenario, { policies: ['fair'], hashEvents: false, checkInvariants: false });
  const wallMs = performance.now() - started;
  const { metrics } = run.runs[0]!;
  const sends = metrics.outcomes.sent;
  return {
    status: 'measured', scenario: scenario.name, sends, wallMs,
    sendsPerSec: (sends * 1000) / wallMs,
    simulatorSendsPerSec: metrics.sendsPerSecond,
    eventsPerSend: simEventsPerSend(SMALL_SIM_SIZE),
  };
}

export const SIM_EVENTS_COUNT = 'engine events per simulated send (small seeded scenario)';

// Engine events per simulated send on a small seeded scenario: exact and machine-independent.
export function simEventsPerSend(size: SimSize): number {
  let events = 0;
  const run = simulate(resolve(size), 'fair', { observers: [() => { events += 1; }] });
  return events / run.metrics.outcomes.sent;
}
