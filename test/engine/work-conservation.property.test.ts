import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { drive, POLICIES, propertyParams, suiteOptions, scenarioArb } from '../support/index.ts';
import type { Scenario, TimedOp } from '../support/index.ts';

/**
 * Invariant 8: nextWakeAt is exact. Never late: the driver polls exactly at nextWakeAt and fails
 * if anything is still due at or before `now` afterwards, and the model-based test checks that no
 * service sat free with eligible work between wakes. Never early: every wake does something (an
 * event), and polling at any other instant changes nothing at all.
 */
describe('invariant 8: work conservation and exact wake-ups', suiteOptions, () => {
  for (const policy of POLICIES) {
    it(`${policy}: every wake does something, and extra polls in between change nothing`, () => {
      const probe = fc.record({ dtMs: fc.integer({ min: 0, max: 20_000 }), op: fc.constant({ kind: 'poll' as const }) });
      fc.assert(fc.property(scenarioArb({ policies: [policy], updates: true }), fc.array(fc.tuple(fc.nat({ max: 30 }), probe), { maxLength: 8 }), (scenario, probes) => {
        // Insert probe polls at random places; the twin scenario has no-ops there instead, so both
        // apply the same commands at the same instants.
        const withProbes: TimedOp[] = [...scenario.ops];
        for (const [at, p] of probes) withProbes.splice(at % (withProbes.length + 1), 0, p);
        const probed: Scenario = { ...scenario, ops: withProbes };
        const plain: Scenario = { ...scenario, ops: withProbes.map((o) => (o.op.kind === 'poll' ? { ...o, op: { kind: 'noop' as const } } : o)) };
        const a = drive(probed, { drain: true });
        const b = drive(plain, { drain: true });
        expect(a.emptyWakes).toEqual([]);
        expect(b.emptyWakes).toEqual([]);
        expect(JSON.stringify(a.events)).toBe(JSON.stringify(b.events));
      }), propertyParams(25));
    });
  }

  it('a service with work sends at exactly its next slot: back-to-back at intervalMs', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 60 }), fc.integer({ min: 1, max: 20 }), fc.integer({ min: 0, max: 999 }), (intervalS, count, offsetMs) => {
      const start = 1_767_225_600_000 + offsetMs;
      const trace = drive({
        policy: 'fair', chargeFailures: false, startAt: start,
        services: [{ id: 's0', intervalMs: intervalS * 1_000, windows: [], concurrency: 1, access: 'all' }],
        users: [{ id: 'u0', quota: 100, weight: 1 }],
        ops: [{ dtMs: 0, op: { kind: 'create', user: 0, count } }],
        outcomes: [{ result: 'sent', latencyMs: 0 }],
      }, { drain: true });
      expect(trace.dispatches.map((d) => d.t)).toEqual(Array.from({ length: count }, (_, i) => start + i * intervalS * 1_000));
      expect(trace.engine.nextWakeAt()).toBe(null);
    }), propertyParams(30));
  });
});
