import { describe, expect, it } from 'vitest';
import { accessClasses, countsOf, runExactChecks } from '../../bench/exact-checks.ts';
import { buildWorkload, type Scale } from '../../bench/workload.ts';

const tiny: Scale = { name: 'small', users: 3, tasks: 6, services: 2, access: 'all', stepMs: 3 };

describe('runExactChecks on the engine', () => {
  it('fair: every slot sends, one dispatch and one outcome event per decision, and the window is fair', () => {
    const checks = runExactChecks(tiny, 'fair', 10);
    const { heapWork, ...rest } = checks;
    expect(rest).toEqual({
      scale: 'small', policy: 'fair', windowMs: 10, decisions: 20, expectedDecisions: 20,
      lastPollAtMs: 9, expectedLastPollAtMs: 9, eventCounts: { dispatch: 20, outcome: 20 },
      userFairness: { groups: 1, pairs: 3, ok: true },
      taskFairness: { groups: 3, pairs: 3, ok: true },
    });
    // One access group, so no lazy re-keys: six queue operations per decision (dispatch: member,
    // task, the service leaves its queue while its send is in flight, the group; report: the
    // service back, the group).
    expect(heapWork.operations).toBe(6 * 20);
    expect(runExactChecks(tiny, 'fair', 10).heapWork).toEqual(heapWork);
    expect(countsOf(checks)).toEqual({
      'missed slots in the window': 0, 'last poll offset ms': 0, 'dispatch events per decision': 1, 'outcome events per decision': 1,
      'queue operations per decision': 6, 'queue entry moves per decision': heapWork.moves / 20,
    });
  });

  it('fifo: as fast and as exact, but the fairness check catches it (so would the gate)', () => {
    const checks = runExactChecks(tiny, 'fifo', 10);
    expect([checks.decisions, checks.lastPollAtMs]).toEqual([20, 9]);
    expect(checks.userFairness).toEqual({
      groups: 1, pairs: 0, ok: false,
      violation: 'unfair: over decisions 1..2, u0 (weight 1) got 2 and u1 (weight 1) got 0; the bound is |n_i/w_i - n_j/w_j| <= 1/w',
    });
    expect(checks.taskFairness.ok).toBe(false);
  });
});

describe('accessClasses', () => {
  it('groups only users whose restricted services are identical', () => {
    // 10 services: 1 open, 5 pooled (users 0..4 each alone in a pool), 4 dedicated (users 0, 2, 4, 6).
    const w = buildWorkload({ name: 'large', users: 8, tasks: 8, services: 10, access: 'mixed', stepMs: 1 });
    expect(accessClasses(w)).toEqual([['u5', 'u7']]);
  });
});
