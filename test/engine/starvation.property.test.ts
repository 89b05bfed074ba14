import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { drive, propertyParams, suiteOptions } from '../support/index.ts';
import type { Policy, Scenario, TimedOp } from '../support/index.ts';

/**
 * Invariant 7: a ready recipient is dispatched within a bound of slots that depends only on the
 * number of busy users and tasks sharing its service, never on how much mail the others queued.
 * With unit weights the bound is U·(T_u + 1): the task's user is served at least once every U
 * slots, and within the user each of its T_u tasks (the new one included) at least once every T_u
 * turns, plus one turn for the slot already being decided when the task arrived.
 */
const START = 1_767_225_600_000;

const workloadArb = fc.record({
  // tasks per user, each with a backlog from tiny to enormous: the bound must not care.
  users: fc.array(fc.array(fc.constantFrom(30, 400, 5_000, 1_000_000), { minLength: 1, maxLength: 3 }), { minLength: 2, maxLength: 4 }),
  arrivalS: fc.integer({ min: 1, max: 40 }),
  who: fc.nat({ max: 3 }),
});

function build(policy: Policy, users: number[][], arrivalS: number, who: number): Scenario {
  const ops: TimedOp[] = [];
  users.forEach((tasks, u) => tasks.forEach((count) => ops.push({ dtMs: 0, op: { kind: 'create', user: u, count } })));
  ops.push({ dtMs: arrivalS * 1_000, op: { kind: 'create', user: who % users.length, count: 5 } });
  return {
    policy, chargeFailures: false, startAt: START,
    services: [{ id: 's0', intervalMs: 1_000, windows: [], concurrency: 1, access: 'all' }],
    users: users.map((_, i) => ({ id: `u${i}`, quota: 4_000_000, weight: 1 })),
    ops, outcomes: [{ result: 'sent', latencyMs: 0 }],
  };
}

/**
 * Longest run of slots, after `from`, in which `task` was ready but not served. A task stops being
 * ready when its last recipient goes out, so the count stops there.
 */
function longestWait(trace: ReturnType<typeof drive>, task: string, count: number, from: number, until: number): number {
  const mine = trace.dispatches.filter((d) => d.task === task);
  const last = mine.length >= count ? mine[count - 1]!.t : until;
  let wait = 0;
  let worst = 0;
  for (const d of trace.dispatches) {
    if (d.t <= from || d.t > Math.min(until, last)) continue;
    if (d.task === task) wait = 0; else worst = Math.max(worst, ++wait);
  }
  return worst;
}

describe('invariant 7: no starvation', suiteOptions, () => {
  for (const policy of ['fair', 'round-robin'] as const) {
    it(`${policy}: every busy task is served within U·(T_u + 1) slots, whatever the backlogs`, () => {
      fc.assert(fc.property(workloadArb, ({ users, arrivalS, who }) => {
        const s = build(policy, users, arrivalS, who);
        const arrival = START + arrivalS * 1_000;
        const end = arrival + 60_000;
        const trace = drive(s, { horizonMs: end });
        const U = users.length;
        expect(trace.tasks.length).toBe(users.flat().length + 1);
        const newTask = trace.tasks[trace.tasks.length - 1]!;
        const owner = who % users.length;
        // The new task's wait counts from its arrival; it is ready from then on.
        const bound = U * (users[owner]!.length + 2);
        const wait = longestWait(trace, newTask.id, 5, arrival, end);
        expect({ task: newTask.id, wait, withinBound: wait <= bound }).toEqual({ task: newTask.id, wait, withinBound: true });
        // Every old task keeps getting served while it has recipients left.
        trace.tasks.slice(0, -1).forEach((t, i) => {
          const u = Number(t.user.slice(1));
          const tasksOfUser = users[u]!.length + (u === owner ? 1 : 0);
          const count = users.flat()[i]!;
          const w = longestWait(trace, t.id, count, START, end);
          expect({ task: t.id, wait: w, withinBound: w <= U * (tasksOfUser + 1) }).toEqual({ task: t.id, wait: w, withinBound: true });
        });
      }), propertyParams(40));
    });
  }

  it('fifo, the old scheduler, starves a late task (the measure has teeth)', () => {
    const trace = drive(build('fifo', [[400], [400]], 5, 1), { horizonMs: START + 65_000 });
    const late = trace.tasks[trace.tasks.length - 1]!.id;
    expect(trace.dispatches.filter((d) => d.task === late)).toEqual([]);
    expect(longestWait(trace, late, 5, START + 5_000, START + 65_000)).toBe(60);
  });
});
