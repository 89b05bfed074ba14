// The checkers against the real engine: a mixed workload (windows in a time zone, access lists,
// weights, concurrency, deferrals, rejections, throttling, a cancel, a suspension, a limit change
// mid-run) must produce zero violations under every policy, and a tampered copy of the same event
// stream must not.
import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import { createEngine } from '../../engine/index.ts';
import type { Dispatch, EngineEvent, Outcome, PolicyName } from '../../engine/index.ts';
import { checkersForPolicy, createCheckers } from '../../sim/checkers/index.ts';

const MAX_STEPS = 100_000;

function workload(policy: PolicyName): EngineEvent[] {
  const events: EngineEvent[] = [];
  const engine = createEngine({ policy, startAt: 0, onEvent: (e) => events.push(e), retry: { maxAttempts: 3, backoffMs: 20_000, backoffFactor: 2, backoffMaxMs: 120_000 } });
  const ok = <T>(r: { ok: boolean; error?: unknown; value?: T }): void => expect(r.error).toBeUndefined();
  for (const [id, quota, weight] of [['ann', 400, 1], ['bob', 400, 2], ['cy', 400, 1], ['dee', 50, 1]] as const) ok(engine.addUser(0, { id, quota, weight }));
  ok(engine.addService(0, { id: 'ses', intervalMs: 1_000, concurrency: 2, windows: [{ kind: 'rolling', limit: 120, periodMs: 600_000 }] }));
  ok(engine.addService(0, { id: 'gw', intervalMs: 3_000, windows: [{ kind: 'fixed', limit: 40, periodMs: 3_600_000, timeZone: 'Asia/Kolkata' }] }));
  ok(engine.addService(0, { id: 'dedicated', intervalMs: 2_000, access: ['cy', 'dee'] }));
  ok(engine.createTask(0, { id: 'a1', user: 'ann', recipients: 150 }));
  ok(engine.createTask(0, { id: 'b1', user: 'bob', recipients: 150 }));
  ok(engine.createTask(0, { id: 'c1', user: 'cy', recipients: 120, weight: 2 }));
  ok(engine.createTask(0, { id: 'c2', user: 'cy', recipients: 60 }));
  ok(engine.createTask(0, { id: 'd1', user: 'dee', recipients: 40 }));
  drive(engine, seedrandom(`checkers-${policy}`));
  return events;
}

type Engine = ReturnType<typeof createEngine>;

/** A small discrete-event loop: engine wake-ups, send completions and three operator actions. */
function drive(engine: Engine, rng: () => number): void {
  const pending: { doneAt: number; d: Dispatch }[] = [];
  const actions = new Map<number, () => void>([
    [200_000, () => engine.cancelTask(200_000, 'c2')],
    [250_000, () => engine.suspendUser(250_000, 'ann')],
    [400_000, () => engine.resumeUser(400_000, 'ann')],
    [500_000, () => engine.updateService(500_000, 'ses', { intervalMs: 2_500, windows: [{ kind: 'rolling', limit: 60, periodMs: 600_000 }] })],
  ]);
  for (let step = 0; step < MAX_STEPS; step++) {
    const candidates = [engine.nextWakeAt(), pending[0]?.doneAt ?? null, ...actions.keys()].filter((t): t is number => t !== null);
    if (candidates.length === 0) return;
    const now = Math.min(...candidates);
    actions.get(now)?.();
    actions.delete(now);
    while (pending.length > 0 && (pending[0] as { doneAt: number }).doneAt === now) engine.report(now, outcomeFor((pending.shift() as { d: Dispatch }).d, rng()));
    const polled = engine.poll(now);
    if (!polled.ok) throw new Error(polled.error.message);
    for (const d of polled.value) pending.push({ doneAt: now + 300 + Math.floor(rng() * 1_500), d });
    pending.sort((a, b) => a.doneAt - b.doneAt || a.d.task.localeCompare(b.d.task) || a.d.recipient - b.d.recipient);
  }
  throw new Error(`workload did not finish within ${MAX_STEPS} steps`);
}

function outcomeFor(d: Dispatch, r: number): Outcome {
  const result = r < 0.08 ? 'deferred' : r < 0.11 ? 'rejected' : r < 0.13 ? 'service_error' : r < 0.14 ? 'service_quota_reached' : 'sent';
  return { task: d.task, recipient: d.recipient, result };
}

describe('checkers on the real engine', () => {
  for (const policy of ['fair', 'round-robin', 'fifo'] as const) {
    it(`finds no violation in a mixed workload under ${policy}`, () => {
      const events = workload(policy);
      const set = createCheckers(checkersForPolicy(policy));
      for (const e of events) set.push(e);
      set.finish();
      expect(set.violations()).toEqual([]);
      expect(events.filter((e) => e.type === 'task_completed').length).toBe(4);
      expect(events.filter((e) => e.type === 'task_cancelled').length).toBe(1);
    });
  }

  it('catches a duplicated dispatch and a dropped refund in the same stream', () => {
    const events = workload('fair');
    const i = events.findIndex((e) => e.type === 'dispatch' && e.t > 100_000);
    const dup = events[i] as EngineEvent & { type: 'dispatch' };
    const j = events.findIndex((e, k) => k > i && e.type === 'quota_refunded' && e.amount === 1);
    const tampered = [...events.slice(0, i + 1), dup, ...events.slice(i + 1, j), ...events.slice(j + 1)];
    const set = createCheckers(['interval', 'recipients', 'quota']);
    for (const e of tampered) set.push(e);
    set.finish();
    const byChecker = set.violations().map((v) => v.checker);
    expect(byChecker).toContain('interval');
    expect(byChecker).toContain('recipients');
    expect(byChecker).toContain('quota');
    expect(set.violations().find((v) => v.checker === 'recipients')?.message).toBe(`task '${dup.task}': recipient ${dup.recipient} dispatched while in flight`);
  });
});

