import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { drive, ledger, lostOrDoubled, orderViolations, POLICIES, propertyParams, suiteOptions, scenarioArb, statusAt } from '../support/index.ts';

/**
 * Invariant 9: every recipient of every accepted task ends exactly once, as sent or failed, or is
 * refunded on cancel or expiry; none is dispatched while in flight or after it ended; pause and
 * resume (of tasks, services, users), service errors and snapshot/restore keep each task's position.
 */
describe('invariant 9: nothing lost, nothing doubled', suiteOptions, () => {
  for (const policy of POLICIES) {
    it(`${policy}: each recipient ends exactly once, fresh recipients in order, across pauses and restores`, () => {
      fc.assert(fc.property(scenarioArb({ policies: [policy], updates: true, snapshots: true }), (scenario) => {
        const trace = drive(scenario, { drain: true });
        const L = ledger(trace, scenario);
        expect(lostOrDoubled(trace, L)).toEqual([]);
        expect(orderViolations(trace)).toEqual([]);
        // Each task ends with exactly one terminal event, and a completion counts what happened.
        for (const t of trace.tasks) {
          const ends = trace.events.filter((e) => 'task' in e && e.task === t.id && ['task_completed', 'task_cancelled', 'task_expired'].includes(e.type));
          expect({ task: t.id, ends: ends.length }).toEqual({ task: t.id, ends: 1 });
          const end = ends[0]!;
          if (end.type === 'task_completed') {
            const fates = Array.from({ length: t.reserved }, (_, r) => L.fates.get(`${t.id}/${r}`)?.[0]);
            expect({ sent: end.sent, failed: end.failed }).toEqual({ sent: fates.filter((f) => f === 'sent').length, failed: fates.filter((f) => f === 'failed').length });
          }
        }
        expect(statusAt(trace.engine, trace.endAt).total_pending_subtasks).toBe(0);
        expect(trace.engine.nextWakeAt()).toBe(null);
      }), propertyParams(30));
    });
  }
});
