import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { drive, intervalViolations, POLICIES, propertyParams, suiteOptions, scenarioArb } from '../support/index.ts';

/** Invariant 1: starts on a service never closer than intervalMs; never more than concurrency in flight. */
describe('invariant 1: interval and concurrency', suiteOptions, () => {
  for (const policy of POLICIES) {
    it(`holds under ${policy} with failures, pauses, limit changes and restores`, () => {
      fc.assert(fc.property(scenarioArb({ policies: [policy], updates: true, snapshots: true }), (scenario) => {
        const trace = drive(scenario, { drain: true });
        expect(intervalViolations(trace, scenario)).toEqual([]);
      }), propertyParams(25));
    });
  }

  it('uses the whole concurrency when outcomes are slow (the checker sees overlap)', () => {
    // Five sends in flight at once would break concurrency 2; the engine must keep two.
    const scenario = {
      policy: 'fair' as const, chargeFailures: false, startAt: 0,
      services: [{ id: 's0', intervalMs: 1_000, windows: [], concurrency: 2, access: 'all' as const }],
      users: [{ id: 'u0', quota: 10, weight: 1 }],
      ops: [{ dtMs: 0, op: { kind: 'create' as const, user: 0, count: 6 } }],
      outcomes: [{ result: 'sent' as const, latencyMs: 10_000 }],
    };
    const trace = drive(scenario, { drain: false, horizonMs: 30_000 });
    expect(trace.dispatches.map((d) => d.t)).toEqual([0, 1_000, 10_000, 11_000, 20_000, 21_000]);
    expect(intervalViolations(trace, scenario)).toEqual([]);
  });
});
