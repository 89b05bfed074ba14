// forgetEndedTasks: a long-running shell drops ended tasks from the engine so that memory and
// snapshots follow the open work. It forgets exactly the ended tasks with nothing in flight, keeps
// a cancelled task until its last in-flight send reports, and changes no decision and no ledger.
import { describe, expect, it } from 'vitest';
import type { Dispatch, Engine, Result } from '../../engine/index.ts';
import { engineModule } from '../support/index.ts';

const { createEngine } = engineModule;

function ok<T>(r: Result<T>): T {
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.value;
}

function setup(): Engine {
  const e = createEngine({ policy: 'fair' });
  ok(e.addService(0, { id: 's', intervalMs: 1_000, concurrency: 2 }));
  ok(e.addUser(0, { id: 'u', quota: 100 }));
  ok(e.addUser(0, { id: 'v', quota: 100 }));
  ok(e.createTask(0, { id: 'done', user: 'u', recipients: 1 }));
  ok(e.createTask(0, { id: 'cut', user: 'v', recipients: 5 }));
  ok(e.createTask(0, { id: 'open', user: 'u', recipients: 6 }));
  return e;
}

/** Polls once a second, answering every dispatch except those of `hold` at once. */
function run(e: Engine, from: number, seconds: number, hold = ''): Dispatch[] {
  const out: Dispatch[] = [];
  for (let i = 0; i < seconds; i++) {
    const now = from + i * 1_000;
    for (const d of ok(e.poll(now))) {
      out.push(d);
      if (d.task !== hold) ok(e.report(now, { task: d.task, recipient: d.recipient, result: 'sent' }));
    }
  }
  return out;
}

describe('forgetEndedTasks', () => {
  it('forgets ended tasks with nothing in flight, and a cancelled one once its last send reports', () => {
    const e = setup();
    const held = run(e, 0, 2, 'cut').filter((d) => d.task === 'cut');
    expect(held.length).toBeGreaterThan(0);
    ok(e.cancelTask(2_000, 'cut'));
    expect(e.getTask('done')?.state).toBe('completed');
    expect(ok(e.forgetEndedTasks(2_000))).toEqual({ forgotten: 1 });
    expect([e.getTask('done'), e.getTask('cut')?.state]).toEqual([undefined, 'cancelled']);
    expect(e.pauseTask(2_000, 'done')).toMatchObject({ ok: false, error: { code: 'UNKNOWN_TASK' } });
    for (const d of held) ok(e.report(2_000, { task: d.task, recipient: d.recipient, result: 'sent' }));
    expect(ok(e.forgetEndedTasks(2_000))).toEqual({ forgotten: 1 });
    expect(ok(e.forgetEndedTasks(2_000))).toEqual({ forgotten: 0 });
    expect(e.snapshot().tasks.map((t) => t.id)).toEqual(['open']);
  });

  it('changes no later decision and no ledger, also across a snapshot', () => {
    const a = setup();
    const b = setup();
    expect(run(a, 0, 3)).toEqual(run(b, 0, 3));
    ok(a.forgetEndedTasks(3_000));
    const copyA = engineModule.restoreEngine(JSON.parse(JSON.stringify(a.snapshot())));
    const copyB = engineModule.restoreEngine(JSON.parse(JSON.stringify(b.snapshot())));
    expect(run(a, 3_000, 5)).toEqual(run(b, 3_000, 5));
    expect(run(copyA, 3_000, 5)).toEqual(run(copyB, 3_000, 5));
    expect(a.status().users).toEqual(b.status().users);
  });

  it('knows a forgotten id no more, and a new task may take it', () => {
    const e = setup();
    const sent = run(e, 0, 1).find((d) => d.task === 'done') as Dispatch;
    ok(e.forgetEndedTasks(1_000));
    // The forgotten task's last send, reported again: the id is unknown now, not a stale dispatch.
    expect(e.report(1_000, { task: 'done', recipient: sent.recipient, result: 'sent' })).toMatchObject({ ok: false, error: { code: 'UNKNOWN_TASK' } });
    ok(e.createTask(1_000, { id: 'done', user: 'u', recipients: 1 }));
    const again = run(e, 1_000, 10, 'done').find((d) => d.task === 'done') as Dispatch;
    expect(again.recipient).toBe(sent.recipient);
    ok(e.report(11_000, { task: 'done', recipient: again.recipient, result: 'sent' }));
    expect(e.getTask('done')).toMatchObject({ state: 'completed', sent: 1 });
  });

  it('refuses a time before the clock, changing nothing', () => {
    const e = setup();
    run(e, 0, 3);
    const before = JSON.stringify(e.snapshot());
    expect(e.forgetEndedTasks(1_000)).toMatchObject({ ok: false, error: { code: 'TIME_WENT_BACKWARDS' } });
    expect(JSON.stringify(e.snapshot())).toBe(before);
  });
});
