import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { maxMinFair, maxMinFairBySubsets } from './index.ts';
import type { MaxMinInstance } from './index.ts';
// Direct import: the solver's tests must not need the engine to be loadable.
import { propertyParams } from '../../support/property-params.ts';

function close(actual: readonly number[], expected: readonly number[]): void {
  expect(actual.length).toBe(expected.length);
  actual.forEach((a, i) => expect(a).toBeCloseTo(expected[i]!, 9));
}

describe('maxMinFair (progressive filling with max-flow)', () => {
  it('splits one service equally between equal users', () => {
    close(maxMinFair({ weights: [1, 1], capacities: [1], access: [[true], [true]] }), [0.5, 0.5]);
  });

  it('splits by weight', () => {
    close(maxMinFair({ weights: [1, 3], capacities: [2], access: [[true], [true]] }), [0.5, 1.5]);
  });

  it('gives a restricted user its only service and the flexible one the rest', () => {
    // A may use s0 only, B both: max-min is A=1, B=1 (not A=0.5, B=1.5).
    close(maxMinFair({ weights: [1, 1], capacities: [1, 1], access: [[true, false], [true, true]] }), [1, 1]);
  });

  it('freezes a bottlenecked group and lets the others grow', () => {
    // A and B share s0 (capacity 1); C alone has s1 (capacity 5) and could also use s0.
    const inst: MaxMinInstance = {
      weights: [1, 1, 1],
      capacities: [1, 5],
      access: [[true, false], [true, false], [true, true]],
    };
    close(maxMinFair(inst), [0.5, 0.5, 5]);
  });

  it('gives 0 to a user without any service and ignores unused services', () => {
    close(maxMinFair({ weights: [1, 2], capacities: [3, 7], access: [[false, false], [true, false]] }), [0, 3]);
  });

  it('agrees with the subset (Hall) formulation on random small instances', () => {
    const instance = fc.integer({ min: 1, max: 5 }).chain((users) =>
      fc.integer({ min: 1, max: 4 }).chain((services) =>
        fc.record({
          weights: fc.array(fc.integer({ min: 1, max: 4 }), { minLength: users, maxLength: users }),
          capacities: fc.array(fc.integer({ min: 0, max: 6 }), { minLength: services, maxLength: services }),
          access: fc.array(fc.array(fc.boolean(), { minLength: services, maxLength: services }), { minLength: users, maxLength: users }),
        })));
    fc.assert(fc.property(instance, (inst) => {
      const flow = maxMinFair(inst);
      const subsets = maxMinFairBySubsets(inst);
      flow.forEach((r, u) => expect(Math.abs(r - subsets[u]!)).toBeLessThan(1e-6));
      // Feasibility: the allocation never exceeds the capacity of what the users may reach.
      const total = flow.reduce((a, b) => a + b, 0);
      const reachableCapacity = inst.capacities.reduce((sum, c, s) => sum + (inst.access.some((row) => row[s]) ? c : 0), 0);
      expect(Math.abs(total - reachableCapacity)).toBeLessThan(1e-6);
    }), propertyParams(200));
  });
});
