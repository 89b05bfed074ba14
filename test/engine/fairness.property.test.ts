import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { maxMinFair } from './maxmin/index.ts';
import { drive, fixedPeriodKey, ledger, lostOrDoubled, propertyParams, suiteOptions, windowArb } from '../support/index.ts';
import type { Dispatch } from '../../engine/index.ts';
import type { OutcomeStep, Policy, Scenario, ServiceSetup, TimedOp, WindowSetup } from '../support/index.ts';

/**
 * Invariant 6, fairness of the `fair` policy. The bound is the exact one of start-time fair
 * queueing / stride scheduling for unit-cost sends: over ANY run of consecutive dispatches during
 * which users i and j are both backlogged, |n_i/w_i − n_j/w_j| ≤ 1/w_i + 1/w_j. Multiplying by
 * w_i·w_j keeps it in integers: max_k D(k) − min_k D(k) ≤ w_i + w_j with D(k) = P_i(k)·w_j − P_j(k)·w_i
 * over prefix counts P, which covers every window at once.
 */
const START = 1_767_225_600_000;
const SENT: OutcomeStep[] = [{ result: 'sent', latencyMs: 0 }];

function boundViolations(seq: readonly string[], weights: ReadonlyMap<string, number>): string[] {
  const ids = [...weights.keys()];
  const out: string[] = [];
  for (let a = 0; a < ids.length; a++) {
    for (let b = a + 1; b < ids.length; b++) {
      const i = ids[a]!; const j = ids[b]!;
      const wi = weights.get(i)!; const wj = weights.get(j)!;
      let pi = 0; let pj = 0; let max = 0; let min = 0;
      for (const x of seq) {
        if (x === i) pi++;
        if (x === j) pj++;
        const d = pi * wj - pj * wi;
        max = Math.max(max, d); min = Math.min(min, d);
      }
      if (max - min > wi + wj) out.push(`${i}(w${wi}) vs ${j}(w${wj}): spread ${(max - min) / (wi * wj)} > ${1 / wi + 1 / wj} over ${seq.length} dispatches`);
    }
  }
  return out;
}

function oneService(overrides: Partial<ServiceSetup> = {}): ServiceSetup {
  return { id: 's0', intervalMs: 1_000, windows: [], concurrency: 1, access: 'all', ...overrides };
}

function scenario(users: { weight: number; tasks: number[] }[], extra: TimedOp[] = [], policy: Policy = 'fair', services = [oneService()]): Scenario {
  const ops: TimedOp[] = [];
  users.forEach((u, i) => u.tasks.forEach((w) => ops.push({ dtMs: 0, op: { kind: 'create', user: i, count: 400, weight: w } })));
  return {
    policy, chargeFailures: false, startAt: START, services,
    users: users.map((u, i) => ({ id: `u${i}`, quota: 5_000, weight: u.weight })),
    ops: [...ops, ...extra], outcomes: SENT,
  };
}

const usersArb = fc.array(fc.record({ weight: fc.integer({ min: 1, max: 4 }), tasks: fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 1, maxLength: 3 }) }), { minLength: 2, maxLength: 4 });

describe('invariant 6: fairness', suiteOptions, () => {
  it('weighted users on one service: |n_i/w_i − n_j/w_j| ≤ 1/w_i + 1/w_j over every run of dispatches', () => {
    fc.assert(fc.property(usersArb, fc.integer({ min: 30, max: 150 }), (users, slots) => {
      const s = scenario(users);
      const trace = drive(s, { horizonMs: START + slots * 1_000 });
      // The slot at START goes out as soon as the first task exists, before the others arrive;
      // from the next slot on every user is backlogged.
      const backlogged = trace.dispatches.filter((d) => d.t > START);
      expect(backlogged.length).toBe(slots);
      expect(boundViolations(backlogged.map((d) => d.user), new Map(s.users.map((u) => [u.id, u.weight])))).toEqual([]);
    }), propertyParams(40));
  });

  it('weighted tasks of one user obey the same bound among themselves', () => {
    fc.assert(fc.property(usersArb, fc.integer({ min: 30, max: 150 }), (users, slots) => {
      const s = scenario(users);
      const trace = drive(s, { horizonMs: START + slots * 1_000 });
      const created = trace.commands.filter((c) => c.op === 'createTask' && c.ok).map((c) => c.args as { id: string; user: string; weight: number });
      for (const u of s.users) {
        const mine = created.filter((c) => c.user === u.id);
        const seq = trace.dispatches.filter((d) => d.user === u.id && d.t > START).map((d) => d.task);
        expect(boundViolations(seq, new Map(mine.map((c) => [c.id, c.weight])))).toEqual([]);
      }
    }), propertyParams(40));
  });

  it('a user returning from idle banks no credit: the bound holds from its return on', () => {
    fc.assert(fc.property(usersArb, fc.integer({ min: 5, max: 120 }), fc.integer({ min: 20, max: 100 }), (users, idleS, slots) => {
      // u0 sends a little, goes idle for idleS seconds while the others keep the service busy,
      // then returns with a big task. Had it banked credit it would burst past the bound.
      const s = scenario(users);
      s.ops = s.ops.filter((o) => o.op.kind !== 'create' || o.op.user !== 0);
      s.ops.unshift({ dtMs: 0, op: { kind: 'create', user: 0, count: 2 } });
      s.ops.push({ dtMs: idleS * 1_000, op: { kind: 'create', user: 0, count: 400 } });
      const back = START + idleS * 1_000;
      const trace = drive(s, { horizonMs: back + slots * 1_000 });
      // The dispatch at `back` itself happens before u0's task arrives, so it is not counted.
      const after = trace.dispatches.filter((d) => d.t > back);
      expect(after.length).toBe(slots);
      expect(boundViolations(after.map((d) => d.user), new Map(s.users.map((u) => [u.id, u.weight])))).toEqual([]);
    }), propertyParams(40));
  });

  it('work scheduled for the future changes no decision before it is due', () => {
    fc.assert(fc.property(usersArb, fc.integer({ min: 1, max: 60 }), fc.nat({ max: 4 }), fc.integer({ min: 1, max: 3 }), fc.constantFrom<Policy>('fair', 'round-robin', 'fifo'),
      (users, inS, who, weight, policy) => {
        const base = scenario(users, [], policy);
        const future = scenario(users, [{ dtMs: 0, op: { kind: 'create', user: who, count: 50, startInMs: inS * 1_000, weight } }], policy);
        const horizonMs = START + (inS + 20) * 1_000;
        const due = START + inS * 1_000;
        const before = (trace: ReturnType<typeof drive>): Dispatch[] => trace.dispatches.filter((d) => d.t < due);
        expect(before(drive(future, { horizonMs }))).toEqual(before(drive(base, { horizonMs })));
      }), propertyParams(40));
  });

  it('the first send after an idle period is delayed by nothing but pacing', () => {
    fc.assert(fc.property(
      fc.integer({ min: 1, max: 10 }), fc.array(windowArb, { maxLength: 2 }), fc.integer({ min: 1, max: 6 }), fc.integer({ min: 0, max: 120 }),
      (intervalS, windows, firstCount, idleS) => {
        const service = oneService({ intervalMs: intervalS * 1_000, windows });
        const s: Scenario = {
          policy: 'fair', chargeFailures: false, startAt: START, services: [service],
          users: [{ id: 'u0', quota: 100, weight: 1 }, { id: 'u1', quota: 100, weight: 1 }],
          ops: [{ dtMs: 0, op: { kind: 'create', user: 0, count: firstCount } }], outcomes: SENT,
        };
        const earlier = drive(s, { drain: true });
        const idleFrom = Math.max(earlier.endAt, START);
        const at = idleFrom + idleS * 1_000;
        s.ops.push({ dtMs: at - START, op: { kind: 'create', user: 1, count: 1 } });
        const trace = drive(s, { drain: true });
        // A window still full at `at` refuses the task (invariant 4); that case says nothing here.
        fc.pre(trace.tasks.some((t) => t.user === 'u1'));
        const first = trace.dispatches.find((d) => d.user === 'u1')!;
        expect(first.t).toBe(earliestStart(service, trace.dispatches.filter((d) => d.user === 'u0').map((d) => d.t), at));
      }), propertyParams(60));
  });

  it('throttling (service_error, service_quota_reached) delays and never drops', () => {
    const throttle = fc.array(fc.record({
      result: fc.constantFrom<OutcomeStep['result']>('sent', 'service_error', 'service_quota_reached'),
      latencyMs: fc.integer({ min: 0, max: 3 }).map((s) => s * 1_000),
    }), { minLength: 1, maxLength: 6 });
    fc.assert(fc.property(usersArb, throttle, fc.constantFrom<Policy>('fair', 'round-robin', 'fifo'), fc.array(windowArb, { maxLength: 1 }), (users, outcomes, policy, windows) => {
      const s = scenario(users.map((u) => ({ ...u, tasks: u.tasks.slice(0, 2) })), [], policy, [oneService({ windows }), oneService({ id: 's1', intervalMs: 3_000 })]);
      s.ops = s.ops.map((o) => (o.op.kind === 'create' ? { ...o, op: { ...o.op, count: 6 } } : o));
      s.outcomes = outcomes;
      const trace = drive(s, { drain: true });
      const L = ledger(trace, s);
      expect(lostOrDoubled(trace, L)).toEqual([]);
      const fates = [...L.fates.values()].flat();
      expect(fates.filter((f) => f !== 'sent')).toEqual([]);
      expect(fates.length).toBe(trace.tasks.reduce((n, t) => n + t.reserved, 0));
    }), propertyParams(30));
  });

  it('under access constraints shares approach the max-min fair allocation (progressive filling)', () => {
    const instance = fc.record({
      weights: fc.array(fc.integer({ min: 1, max: 2 }), { minLength: 2, maxLength: 4 }),
      intervals: fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 1, maxLength: 3 }),
      seedAccess: fc.array(fc.array(fc.boolean(), { minLength: 3, maxLength: 3 }), { minLength: 4, maxLength: 4 }),
    });
    fc.assert(fc.property(instance, ({ weights, intervals, seedAccess }) => {
      // Every user gets at least one service (u may use service u mod S) and every service at
      // least one user (s admits user s mod U): the engine refuses an empty access list.
      const access = weights.map((_, u) => intervals.map((_, s) => seedAccess[u]![s]! || s === u % intervals.length || u === s % weights.length));
      const services = intervals.map((iv, s) => oneService({ id: `s${s}`, intervalMs: iv * 1_000, access: weights.map((_, u) => `u${u}`).filter((_, u) => access[u]![s]) }));
      const s = scenario(weights.map((w) => ({ weight: w, tasks: [1] })), [], 'fair', services);
      s.ops = s.ops.map((o) => (o.op.kind === 'create' ? { ...o, op: { ...o.op, count: 2_000 } } : o));
      const horizonS = 600;
      const trace = drive(s, { horizonMs: START + horizonS * 1_000 - 1 });
      const rates = maxMinFair({ weights, capacities: intervals.map((iv) => 1 / iv), access });
      const counts = weights.map((_, u) => trace.dispatches.filter((d) => d.user === `u${u}`).length);
      const expected = rates.map((r) => r * horizonS);
      // Over 600 s the fluid max-min allocation is met to within one send per user and per
      // service (start-up transient and the cut at the horizon). Measured: worst 2.67 sends over
      // 100 instances for `fair`; round-robin misses by up to 299 and fifo by 750 on the same ones.
      const slack = weights.length + intervals.length;
      counts.forEach((n, u) => expect({ u, n, expected: expected[u], ok: Math.abs(n - expected[u]!) <= slack }).toEqual({ u, n, expected: expected[u], ok: true }));
    }), propertyParams(25));
  });
});

/** Earliest instant ≥ at when interval and every window allow a start after `starts`. */
function earliestStart(service: ServiceSetup, starts: readonly number[], at: number): number {
  const allowed = (t: number): boolean => {
    const last = starts[starts.length - 1];
    if (last !== undefined && t - last < service.intervalMs) return false;
    return service.windows.every((w: WindowSetup) => (w.kind === 'rolling'
      ? starts.filter((s) => s > t - w.periodMs).length
      : starts.filter((s) => fixedPeriodKey(s, w.periodMs) === fixedPeriodKey(t, w.periodMs)).length) < w.limit);
  };
  const candidates = [at];
  const last = starts[starts.length - 1];
  if (last !== undefined) candidates.push(last + service.intervalMs);
  for (const w of service.windows) {
    if (w.kind === 'rolling') for (const s of starts) candidates.push(s + w.periodMs);
    else for (const s of [...starts, at]) candidates.push((Math.floor(s / w.periodMs) + 1) * w.periodMs);
  }
  const sorted = candidates.filter((c) => c >= at).sort((a, b) => a - b);
  for (const c of sorted) if (allowed(c)) return c;
  throw new Error('no candidate start: the test computed too few instants');
}
