import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { accessViolations, drive, POLICIES, propertyParams, suiteOptions, scenarioArb } from '../support/index.ts';

/** Invariant 5: a user's sub-task only goes through a service that user may use, also after access changes. */
describe('invariant 5: access', suiteOptions, () => {
  for (const policy of POLICIES) {
    it(`holds under ${policy}, with access lists changed mid-run`, () => {
      fc.assert(fc.property(scenarioArb({ policies: [policy], updates: true, access: true, snapshots: true, services: { min: 2, max: 3 } }), (scenario) => {
        const trace = drive(scenario, { drain: true });
        expect(accessViolations(trace, scenario)).toEqual([]);
      }), propertyParams(25));
    });
  }

  it('a user restricted to a paused service waits rather than borrowing another', () => {
    const trace = drive({
      policy: 'fair', chargeFailures: false, startAt: 0,
      services: [
        { id: 's0', intervalMs: 1_000, windows: [], concurrency: 1, access: ['u0'] },
        { id: 's1', intervalMs: 1_000, windows: [], concurrency: 1, access: ['u1'] },
      ],
      users: [{ id: 'u0', quota: 5, weight: 1 }, { id: 'u1', quota: 5, weight: 1 }],
      ops: [
        { dtMs: 0, op: { kind: 'pauseService', service: 0, resumeInMs: 10_000 } },
        { dtMs: 0, op: { kind: 'create', user: 0, count: 2 } },
      ],
      outcomes: [{ result: 'sent', latencyMs: 0 }],
    }, { drain: false, horizonMs: 20_000 });
    expect(trace.dispatches.map((d) => [d.t, d.service, d.user, d.recipient])).toEqual([[10_000, 's0', 'u0', 0], [11_000, 's0', 'u0', 1]]);
  });
});
