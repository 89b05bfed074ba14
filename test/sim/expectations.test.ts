// Expectations are judged from metrics; invariant violations count against every policy even when
// the scenario declares no expectations at all (any violation is a bug, so `fairsend sim` exits 1).
import { describe, expect, it } from 'vitest';
import { evaluateExpectations } from '../../sim/index.ts';
import type { PolicyMetrics } from '../../sim/report/index.ts';

// Only the fields the violation rule reads; the other rules are not declared here.
const run = (policy: string, violationCount: number): { metrics: PolicyMetrics; unfinished: number } =>
  ({ metrics: { policy, violationCount } as unknown as PolicyMetrics, unfinished: 0 });

describe('evaluateExpectations', () => {
  it('judges invariant violations on every policy without an expectations block (maxViolations 0)', () => {
    expect(evaluateExpectations(undefined, [run('fair', 1), run('fifo', 0)])).toEqual([
      { description: 'invariant violations ≤ 0', policy: 'fair', actual: '1', pass: false },
      { description: 'invariant violations ≤ 0', policy: 'fifo', actual: '0', pass: true },
    ]);
  });

  it('judges nothing when nothing ran', () => {
    expect(evaluateExpectations(undefined, [])).toEqual([]);
  });
});
