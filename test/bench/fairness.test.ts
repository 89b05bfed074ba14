import { describe, expect, it } from 'vitest';
import { checkFairness, describeViolation } from '../../bench/fairness.ts';

describe('checkFairness', () => {
  it('accepts a strict rotation and counts the pairs it checked', () => {
    const sequence = ['a', 'b', 'c', 'a', 'b', 'c', 'a', 'b', 'c'];
    expect(checkFairness({ sequence, members: ['a', 'b', 'c'] })).toEqual({ ok: true, pairs: 3, decisions: 9 });
  });

  it('finds the run where one member got two more than another', () => {
    // a b | b a: over decisions 2..3 b got 2 and a got 0.
    const result = checkFairness({ sequence: ['a', 'b', 'b', 'a'], members: ['a', 'b'] });
    expect(result).toEqual({
      ok: false,
      violation: { a: 'a', b: 'b', fromExclusive: 1, toInclusive: 3, countA: 0, countB: 2, weightA: 1, weightB: 1 },
    });
    if (!result.ok) {
      expect(describeViolation(result.violation)).toBe(
        'unfair: over decisions 2..3, a (weight 1) got 0 and b (weight 1) got 2; the bound is |n_i/w_i - n_j/w_j| <= 1/w',
      );
    }
  });

  it('ignores decisions of non-members', () => {
    expect(checkFairness({ sequence: ['a', 'x', 'x', 'b', 'x'], members: ['a', 'b'] })).toEqual({ ok: true, pairs: 1, decisions: 5 });
  });

  it('applies the weighted bound 1/w_i + 1/w_j', () => {
    const weightOf = (m: string): number => (m === 'heavy' ? 2 : 1);
    // heavy heavy light, repeated: |n_h/2 - n_l/1| stays within 1/2 + 1.
    const fair = ['heavy', 'heavy', 'light', 'heavy', 'heavy', 'light'];
    expect(checkFairness({ sequence: fair, members: ['heavy', 'light'], weightOf })).toEqual({ ok: true, pairs: 1, decisions: 6 });
    // Four heavy in a row while light waits: 4/2 - 0 = 2 > 1.5.
    const unfair = ['light', 'heavy', 'heavy', 'heavy', 'heavy', 'light'];
    expect(checkFairness({ sequence: unfair, members: ['heavy', 'light'], weightOf })).toEqual({
      ok: false,
      violation: { a: 'heavy', b: 'light', fromExclusive: 1, toInclusive: 5, countA: 4, countB: 0, weightA: 2, weightB: 1 },
    });
  });
});
