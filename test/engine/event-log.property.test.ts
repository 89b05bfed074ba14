import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkersForPolicy, createCheckers } from '../../sim/checkers/index.ts';
import type { CheckedEvent } from '../../sim/checkers/index.ts';
import { drive, POLICIES, propertyParams, scenarioArb, suiteOptions } from '../support/index.ts';

/**
 * The simulator's invariant checkers (sim/checkers) run over the engine's own event log for the
 * same random scenarios as the other properties. The other property files stand on their own
 * checks over the driver's record; this one shows the event log alone is enough evidence, as
 * DESIGN.md promises. Fairness is left out: random pauses and suspensions break the continuous
 * backlog its bound needs (fairness.property.test.ts covers it).
 */
describe('the event log satisfies sim/checkers', suiteOptions, () => {
  for (const policy of POLICIES) {
    it(`${policy}: no checker finds a violation, across failures, pauses, limit changes and restores`, () => {
      fc.assert(fc.property(scenarioArb({ policies: [policy], updates: true, snapshots: true }), (scenario) => {
        const trace = drive(scenario, { drain: true });
        const checkers = createCheckers(checkersForPolicy(policy).filter((n) => n !== 'fairness'), { chargeFailures: scenario.chargeFailures });
        for (const e of trace.events) checkers.push(e as CheckedEvent);
        checkers.finish();
        expect(checkers.violations().map((v) => `${v.checker}: ${v.message}`)).toEqual([]);
      }), propertyParams(20));
    });
  }
});
