import { describe, expect, it } from 'vitest';
import { evaluateGate, parseThresholds, type GateFigures, type GateVerdict, type Thresholds } from '../../bench/gate-check.ts';
import type { Measurement } from '../../bench/measure.ts';

function measurement(id: string, unitsPerSec: number): Measurement {
  return {
    id, group: 'dispatch/small', unit: 'decisions', unitsPerIteration: 1000, rounds: 3, samples: 30,
    medianMs: 1000 / unitsPerSec * 1000, p99Ms: 2, opsPerSec: unitsPerSec / 1000, unitsPerSec, setupMs: 1, inexactIterations: 0,
  };
}

const thresholds: Thresholds = {
  scale: 'small',
  windowMs: 100,
  ratios: [
    { numerator: 'dispatch/small/engine-fair', denominator: 'dispatch/small/seed', min: 20 },
    { numerator: 'dispatch/small/engine-fair', denominator: 'dispatch/small/floor', min: 0.2 },
  ],
  counts: [{ name: 'missed slots in the window', equals: 0 }],
};

const fairWindow = { groups: 1, pairs: 45, ok: true } as const;

function figures(fair: number, seed: number, floor: number, missed: number): GateFigures {
  return {
    measurements: [measurement('dispatch/small/engine-fair', fair), measurement('dispatch/small/seed', seed), measurement('dispatch/small/floor', floor)],
    counts: { 'missed slots in the window': missed },
    userFairness: fairWindow,
    taskFairness: { groups: 10, pairs: 450, ok: true },
  };
}

describe('evaluateGate', () => {
  it('passes when every ratio clears its threshold, the counts are exact and the window was fair', () => {
    const verdict = evaluateGate(thresholds, figures(2_000_000, 50_000, 4_000_000, 0));
    expect(verdict).toEqual({
      ok: true,
      lines: [
        { ok: true, text: 'ratios[0]: dispatch/small/engine-fair / dispatch/small/seed = 40.00x (2,000,000 vs 50,000 decisions/s), threshold 20x' },
        { ok: true, text: 'ratios[1]: dispatch/small/engine-fair / dispatch/small/floor = 0.50x (2,000,000 vs 4,000,000 decisions/s), threshold 0.2x' },
        { ok: true, text: 'counts[0]: missed slots in the window = 0, as required' },
        { ok: true, text: 'fairness between users with the same services: 45 pairs in 1 groups within the bound' },
        { ok: true, text: "fairness between each user's tasks: 450 pairs in 10 groups within the bound" },
      ],
    });
  });

  it('fails with a message naming the rule when a ratio falls below its threshold', () => {
    const verdict = evaluateGate(thresholds, figures(2_000_000, 50_000, 20_000_000, 0));
    expect(verdict.ok).toBe(false);
    expect(verdict.lines.filter((l) => !l.ok)).toEqual([
      { ok: false, text: 'ratios[1]: dispatch/small/engine-fair / dispatch/small/floor = 0.10x (2,000,000 vs 20,000,000 decisions/s) is below the threshold 0.2x' },
    ]);
  });

  it('fails on an inexact count and on an unfair window, whatever the speed', () => {
    const unfair = { ...figures(9_000_000, 50_000, 4_000_000, 3), userFairness: { groups: 1, pairs: 0, ok: false, violation: 'unfair: u0 got 2, u1 got 0' } };
    const failed = evaluateGate(thresholds, unfair).lines.filter((l) => !l.ok).map((l) => l.text);
    expect(failed).toEqual([
      'counts[0]: missed slots in the window = 3, required exactly 0',
      'fairness between users with the same services: unfair: u0 got 2, u1 got 0',
    ]);
  });

  it('holds a ceiling count: at or below passes, above fails', () => {
    const withCeiling: Thresholds = { ...thresholds, counts: [{ name: 'queue operations per decision', atMost: 6.5 }] };
    const run = (ops: number): GateVerdict => evaluateGate(withCeiling, { ...figures(2_000_000, 50_000, 4_000_000, 0), counts: { 'queue operations per decision': ops } });
    expect(run(6.5).lines[2]).toEqual({ ok: true, text: 'counts[0]: queue operations per decision = 6.5, at most 6.5' });
    expect(run(6).ok).toBe(true);
    expect(run(7.5).lines[2]).toEqual({ ok: false, text: 'counts[0]: queue operations per decision = 7.5, above the ceiling 6.5' });
    expect(run(7.5).ok).toBe(false);
  });

  it('fails when a measurement named by a rule is missing from the run', () => {
    const partial = { ...figures(2_000_000, 50_000, 4_000_000, 0), measurements: [measurement('dispatch/small/engine-fair', 2_000_000)] };
    expect(evaluateGate(thresholds, partial).lines[0]).toEqual({ ok: false, text: 'ratios[0]: no measurement named dispatch/small/seed in this run' });
  });
});

describe('parseThresholds', () => {
  it('accepts the shape the gate reads', () => {
    expect(parseThresholds(thresholds, 'baseline.json')).toEqual({ ok: true, value: thresholds });
  });

  it('takes a count as exact or as a ceiling, not both', () => {
    const ceiling = { ...thresholds, counts: [{ name: 'queue operations per decision', atMost: 6.6 }] };
    expect(parseThresholds(ceiling, 'baseline.json')).toEqual({ ok: true, value: ceiling });
    const both = parseThresholds({ ...thresholds, counts: [{ name: 'x', equals: 1, atMost: 2 }] }, 'baseline.json');
    expect(both.ok).toBe(false);
    expect(both.ok ? '' : both.message).toBe('baseline.json: counts[0]: give exactly one of equals (an exact count) or atMost (a ceiling)');
  });

  it('names the file and the path of each bad field', () => {
    const bad = { ...thresholds, windowMs: -5, ratios: [{ numerator: 'x', denominator: 'y', min: 0 }] };
    expect(parseThresholds(bad, 'baseline.json')).toEqual({
      ok: false,
      message: 'baseline.json: windowMs: Too small: expected number to be >0\n' +
        'baseline.json: ratios[0].min: Too small: expected number to be >0',
    });
  });
});
