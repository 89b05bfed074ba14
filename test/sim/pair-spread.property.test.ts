// The fairness checker's pair bound, checked against the straightforward version it replaced
// (reference-pair-spread.ts: every pair of backlogged members updated at every dispatch). Weights
// are powers of two so that the reference's floating point is exact and the two must agree on
// every verdict, message and piece of evidence.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ViolationLog } from '../../sim/checkers/checker.ts';
import type { CheckedEvent } from '../../sim/checkers/checked-event.ts';
import { PairSpread } from '../../sim/checkers/pair-spread.ts';
import { ReferencePairSpread } from './reference-pair-spread.ts';

type Op =
  | { kind: 'dispatch'; member: number; times: number }
  | { kind: 'backlog'; member: number; on: boolean }
  | { kind: 'set'; member: number; weight: number; group: number };

const MEMBERS = 6;
const weightArb = fc.constantFrom(1, 1, 2, 4);
const opsArb = (weight: fc.Arbitrary<number>, maxTimes: number): fc.Arbitrary<Op[]> => fc.array(fc.oneof(
  { weight: 12, arbitrary: fc.record({ kind: fc.constant('dispatch' as const), member: fc.nat(MEMBERS - 1), times: fc.integer({ min: 1, max: maxTimes }) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('backlog' as const), member: fc.nat(MEMBERS - 1), on: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('set' as const), member: fc.nat(MEMBERS - 1), weight, group: fc.nat(1) }) },
), { maxLength: 120 });
const opArbs = opsArb(weightArb, 4);
// Equal weights and mostly single dispatches: members take turns, so pairs sleep and wake often.
const turnsArb = opsArb(fc.constant(1), 2);

interface Spread {
  set(id: string, weight: number, group: string): void;
  setBacklogged(id: string, backlogged: boolean): void;
  count(id: string, e: CheckedEvent): void;
}

function play(make: (log: ViolationLog) => Spread, weights: readonly number[], ops: readonly Op[]) {
  const log = new ViolationLog('fairness');
  const s = make(log);
  weights.forEach((w, i) => s.set(`m${i}`, w, i % 3 === 2 ? 'g1' : 'g0'));
  weights.forEach((_, i) => s.setBacklogged(`m${i}`, true));
  let t = 0;
  for (const op of ops) {
    const id = `m${op.member}`;
    if (op.kind === 'dispatch') for (let k = 0; k < op.times; k++) s.count(id, { t: t++, type: 'dispatch', id } as CheckedEvent);
    else if (op.kind === 'backlog') s.setBacklogged(id, op.on);
    else s.set(id, op.weight, `g${op.group}`);
  }
  return { count: log.total(), violations: log.list() };
}

const describeUsers = (a: string, wa: number, b: string, wb: number) => `users '${a}' (weight ${wa}) and '${b}' (weight ${wb})`;

describe('PairSpread', () => {
  it('gives the verdicts, messages and evidence of updating every pair at every dispatch', () => {
    fc.assert(fc.property(fc.array(weightArb, { minLength: MEMBERS, maxLength: MEMBERS }), opArbs, (weights, ops) => {
      const fast = play((log) => new PairSpread(log, describeUsers), weights, ops);
      const reference = play((log) => new ReferencePairSpread(log, describeUsers), weights, ops);
      expect(fast).toEqual(reference);
    }), { numRuns: 3_000, seed: 20261203 });
  });

  it('agrees with it as well when equal weights take turns (pairs sleep and wake)', () => {
    fc.assert(fc.property(turnsArb, (ops) => {
      const weights = new Array<number>(MEMBERS).fill(1);
      const fast = play((log) => new PairSpread(log, describeUsers), weights, ops);
      const reference = play((log) => new ReferencePairSpread(log, describeUsers), weights, ops);
      expect(fast).toEqual(reference);
    }), { numRuns: 3_000, seed: 20261204 });
  });

  it('finds violations in those runs (the comparison above is not vacuous)', () => {
    const found = fc.sample(fc.tuple(fc.array(weightArb, { minLength: MEMBERS, maxLength: MEMBERS }), opArbs), { numRuns: 200, seed: 20261203 })
      .filter(([weights, ops]) => play((log) => new PairSpread(log, describeUsers), weights, ops).count > 0).length;
    expect(found).toBeGreaterThan(100);
  });

  it('keeps no pair explicitly while 2,000 members are served in turn', () => {
    const log = new ViolationLog('fairness');
    const s = new PairSpread(log, describeUsers);
    const n = 2_000;
    for (let i = 0; i < n; i++) s.set(`m${i}`, 1, 'g');
    for (let i = 0; i < n; i++) s.setBacklogged(`m${i}`, true);
    let opened = 0;
    for (let round = 0; round < 50; round++) {
      for (let i = 0; i < n; i++) s.count(`m${i}`, { t: round * n + i, type: 'dispatch' });
      opened += s.openPairs();
    }
    expect(log.total()).toBe(0);
    expect(opened).toBe(0);
    // A member served twice since the others' turns opens its pairs with all of them.
    s.count('m0', { t: -1, type: 'dispatch' });
    expect(s.openPairs()).toBe(0);
    s.count('m0', { t: -2, type: 'dispatch' });
    expect(s.openPairs()).toBe(n - 1);
  });
});
