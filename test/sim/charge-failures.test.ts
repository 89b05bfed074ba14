// With chargeFailures, a bounce consumes quota instead of being refunded; the simulator's quota
// checker must know it, or it reports every charged failure as a ledger violation.
import { describe, expect, it } from 'vitest';
import { runScenario } from '../../sim/run-scenario.ts';
import { openScenarioDocument } from '../../sim/scenario/index.ts';

function run(chargeFailures: boolean) {
  const o = openScenarioDocument(
    {
      durationMs: 60_000,
      policies: ['fair'],
      engine: { chargeFailures },
      services: [{ id: 's', intervalMs: 1000, latencyMs: 100 }],
      users: [{ id: 'a', quota: 100 }],
      tasks: [{ id: 't', at: 0, user: 'a', recipients: 5 }],
      faults: { bounceRate: 1 },
    },
    '.',
  );
  if (!o.ok) throw new Error(o.errors.join('\n'));
  return runScenario(o.value.resolved, { hashEvents: false });
}

describe('quota checking with chargeFailures', () => {
  it('finds no violation whether failures are refunded or charged', () => {
    for (const charge of [false, true]) {
      const r = run(charge);
      expect(r.summary.policies[0]?.outcomes).toMatchObject({ rejected: 5, failed: 5, refunded: charge ? 0 : 5 });
      expect([r.summary.policies[0]?.violationCount, r.summary.policies[0]?.violations]).toEqual([0, []]);
    }
  });
});
