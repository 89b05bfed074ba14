import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { drive, ledger, POLICIES, propertyParams, suiteOptions, scenarioArb, statusAt } from '../support/index.ts';
import type { Engine } from '../../engine/index.ts';
import type { Scenario, Trace } from '../support/index.ts';

/**
 * Invariant 3: for every user, at every step, balance + reserved + consumed == granted, each ≥ 0,
 * and reserved equals the user's recipients that are not final. "Granted", "consumed" and the
 * expected reservation come from the driver's own bookkeeping, not from the engine.
 */
function ledgerProblems(engine: Engine, now: number, trace: Trace, scenario: Scenario): string[] {
  const L = ledger(trace, scenario);
  const status = statusAt(engine, now);
  const out: string[] = [...L.violations];
  for (const u of scenario.users) {
    const s = status.users.find((x) => x.id === u.id);
    if (s === undefined) { out.push(`status lacks ${u.id}`); continue; }
    const granted = L.granted.get(u.id)!;
    const consumed = L.consumed.get(u.id)!;
    const reserved = L.reserved.get(u.id)!;
    if (s.balance < 0 || s.reserved < 0 || s.consumed < 0) out.push(`${u.id} at ${now}: negative term ${JSON.stringify(s)}`);
    if (s.balance + s.reserved + consumed !== granted) out.push(`${u.id} at ${now}: balance ${s.balance} + reserved ${s.reserved} + consumed ${consumed} != granted ${granted}`);
    if (s.reserved !== reserved) out.push(`${u.id} at ${now}: reserved ${s.reserved}, but ${reserved} recipients are not final`);
    if (s.consumed !== consumed || s.granted !== granted) out.push(`${u.id} at ${now}: engine consumed/granted ${s.consumed}/${s.granted}, expected ${consumed}/${granted}`);
  }
  return out;
}

describe('invariant 3: quota conservation', suiteOptions, () => {
  for (const chargeFailures of [false, true]) {
    it(`holds at every step (chargeFailures ${chargeFailures}), all policies, with cancels, expiries and restores`, () => {
      fc.assert(fc.property(scenarioArb({ policies: POLICIES, chargeFailures, updates: true, snapshots: true }), (scenario) => {
        const problems: string[] = [];
        const trace = drive(scenario, {
          drain: true,
          afterStep: (engine, now, t) => { if (problems.length === 0) problems.push(...ledgerProblems(engine, now, t, scenario)); },
        });
        expect(problems).toEqual([]);
        // After the drain nothing is reserved any more: every unit was consumed or given back.
        const end = statusAt(trace.engine, trace.endAt);
        expect(end.users.map((u) => u.reserved)).toEqual(scenario.users.map(() => 0));
      }), propertyParams(30));
    });
  }

  it('a failed recipient is refunded, or consumed when failures are charged (exact)', () => {
    for (const chargeFailures of [false, true]) {
      const scenario: Scenario = {
        policy: 'fair', chargeFailures, startAt: 0,
        services: [{ id: 's0', intervalMs: 1_000, windows: [], concurrency: 1, access: 'all' }],
        users: [{ id: 'u0', quota: 10, weight: 1 }],
        ops: [{ dtMs: 0, op: { kind: 'create', user: 0, count: 4 } }],
        outcomes: [{ result: 'sent', latencyMs: 0 }, { result: 'rejected', latencyMs: 0 }],
      };
      const trace = drive(scenario, { drain: false, horizonMs: 60_000 });
      const u = statusAt(trace.engine, trace.endAt).users[0]!;
      expect({ balance: u.balance, reserved: u.reserved, consumed: u.consumed })
        .toEqual(chargeFailures ? { balance: 6, reserved: 0, consumed: 4 } : { balance: 8, reserved: 0, consumed: 2 });
    }
  });
});
