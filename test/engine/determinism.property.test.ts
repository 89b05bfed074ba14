import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { drive, POLICIES, propertyParams, suiteOptions, scenarioArb } from '../support/index.ts';
import type { Scenario } from '../support/index.ts';

/**
 * Invariant 10: the same commands in the same order give byte-identical events; a snapshot taken
 * at any point and restored (through JSON) makes exactly the decisions the original would have.
 */
describe('invariant 10: determinism', suiteOptions, () => {
  it('the same scenario twice gives byte-identical events and dispatches', () => {
    fc.assert(fc.property(scenarioArb({ updates: true, access: true, snapshots: true }), (scenario) => {
      const a = drive(scenario, { drain: true });
      const b = drive(structuredClone(scenario), { drain: true });
      expect(JSON.stringify(b.events)).toBe(JSON.stringify(a.events));
      expect(JSON.stringify(b.dispatches)).toBe(JSON.stringify(a.dispatches));
    }), propertyParams(25));
  });

  for (const policy of POLICIES) {
    it(`${policy}: snapshot → restore at random points changes no later decision`, () => {
      fc.assert(fc.property(scenarioArb({ policies: [policy], updates: true, access: true, snapshots: true, ops: { min: 3, max: 25 } }), fc.array(fc.nat({ max: 30 }), { minLength: 1, maxLength: 4 }), (scenario, at) => {
        const restored: Scenario = structuredClone(scenario);
        for (const i of at) restored.ops.splice(i % (restored.ops.length + 1), 0, { dtMs: 0, op: { kind: 'snapshotRestore' } });
        const straight: Scenario = { ...restored, ops: restored.ops.map((o) => (o.op.kind === 'snapshotRestore' ? { ...o, op: { kind: 'noop' as const } } : o)) };
        const a = drive(restored, { drain: true });
        const b = drive(straight, { drain: true });
        expect(JSON.stringify(a.events)).toBe(JSON.stringify(b.events));
        expect(JSON.stringify(a.engine.snapshot())).toBe(JSON.stringify(b.engine.snapshot()));
      }), propertyParams(25));
    });
  }
});
