import { describe, expect, it } from 'vitest';
import { checkFairness } from '../../bench/fairness.ts';
import { createFloorLoop } from '../../bench/floor-loop.ts';
import { createSeedBaseline } from '../../bench/seed-baseline.ts';
import { createSlotHeap } from '../../bench/slot-heap.ts';
import { buildWorkload, SCALES, type Scale } from '../../bench/workload.ts';
import type { DispatchSubject } from '../../bench/dispatch-subject.ts';

const tiny: Scale = { name: 'small', users: 3, tasks: 6, services: 2, access: 'all', stepMs: 3 };

function run(make: typeof createSeedBaseline, decisions: number): { subject: DispatchSubject; made: number; log: string[] } {
  const log: string[] = [];
  const subject = make(buildWorkload(tiny), (s, u, t) => log.push(`s${s}:u${u}:t${t}`));
  return { subject, made: subject.advance(decisions), log };
}

describe('seed baseline', () => {
  it("rotates each service's user pointer and each user's task pointer, as the seed did", () => {
    const { subject, made, log } = run(createSeedBaseline, 6);
    expect(made).toBe(6);
    expect(subject.nowMs()).toBe(2);
    expect(log).toEqual(['s0:u0:t0', 's1:u0:t3', 's0:u1:t1', 's1:u1:t4', 's0:u2:t2', 's1:u2:t5']);
  });

  it('is fair per service but not across services: both services start at the same user', () => {
    const { log } = run(createSeedBaseline, 12);
    const users = (entries: string[]): string[] => entries.map((e) => e.split(':')[1]!);
    const members = ['u0', 'u1', 'u2'];
    expect(checkFairness({ sequence: users(log.filter((e) => e.startsWith('s0:'))), members })).toEqual({ ok: true, pairs: 3, decisions: 6 });
    expect(checkFairness({ sequence: users(log), members })).toEqual({
      ok: false, violation: { a: 'u0', b: 'u1', fromExclusive: 0, toInclusive: 2, countA: 2, countB: 0, weightA: 1, weightB: 1 },
    });
  });
});

describe('floor loop', () => {
  it('drains tasks in order at every slot, so it fails the fairness check the gate applies', () => {
    const { subject, made, log } = run(createFloorLoop, 6);
    expect([made, subject.nowMs()]).toEqual([6, 2]);
    expect(log).toEqual(['s0:u0:t0', 's1:u0:t0', 's0:u0:t0', 's1:u0:t0', 's0:u0:t0', 's1:u0:t0']);
    expect(checkFairness({ sequence: log.map((e) => e.split(':')[1]!), members: ['u0', 'u1'] }).ok).toBe(false);
  });

  it('stops at a poll boundary: a budget of 3 on 2 services takes two polls', () => {
    const { made } = run(createFloorLoop, 3);
    expect(made).toBe(4);
  });
});

describe('slot heap', () => {
  it('pops by time, then by service index', () => {
    const heap = createSlotHeap(4);
    heap.push(3, 5);
    heap.push(1, 2);
    heap.push(2, 2);
    heap.push(0, 9);
    const order: [number, number][] = [];
    while (heap.size() > 0) order.push([heap.peekAt(), heap.pop()]);
    expect(order).toEqual([[2, 1], [2, 2], [5, 3], [9, 0]]);
  });

  it('refuses to grow past its capacity (a bug, not a refusal)', () => {
    const heap = createSlotHeap(1);
    heap.push(0, 0);
    expect(() => heap.push(1, 0)).toThrow('assertion failed: slot heap is full (capacity 1)');
  });
});

describe('workloads', () => {
  it('lays out the large scale with open, pooled and dedicated services', () => {
    const w = buildWorkload(SCALES.large);
    const open = w.services.filter((s) => s.access === 'all').length;
    const pooled = w.services.filter((s) => s.access !== 'all' && s.access.length === 500).length;
    const dedicated = w.services.filter((s) => s.access !== 'all' && s.access.length === 1).length;
    expect([w.users.length, w.tasks.length, w.services.length, open, pooled, dedicated]).toEqual([10_000, 100_000, 1_000, 100, 500, 400]);
    expect(w.services[600]!.access).toEqual([0]);
    expect(w.services[601]!.access).toEqual([25]);
  });
});
