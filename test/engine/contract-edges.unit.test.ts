// Edges of the engine's contract found by trying to break it as an embedding developer would: the
// specs it hands out (snapshots, events) cannot be used to change it, a caller's object is read
// once, odd values are refused rather than thrown on, and the next wake-up is never in the past.
import { describe, expect, it } from 'vitest';
import type { Engine, EngineEvent, Result } from '../../engine/index.ts';
import { engineModule } from '../support/index.ts';

const { createEngine } = engineModule;

function ok<T>(r: Result<T>): T {
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.value;
}

/** Sends every 1 s for `seconds`, answering at once; returns the dispatch times. */
function run(e: Engine, from: number, seconds: number): number[] {
  const at: number[] = [];
  for (let t = from; t < from + seconds * 1_000; t += 1_000) {
    for (const d of ok(e.poll(t))) {
      at.push(t);
      ok(e.report(t, { task: d.task, recipient: d.recipient, result: 'sent' }));
    }
  }
  return at;
}

function limited(onEvent?: (ev: EngineEvent) => void): Engine {
  const e = createEngine({ policy: 'fair', ...(onEvent ? { onEvent } : {}) });
  ok(e.addUser(0, { id: 'u', quota: 100 }));
  ok(e.addService(0, { id: 's', intervalMs: 0, windows: [{ kind: 'rolling', limit: 2, periodMs: 60_000 }] }));
  ok(e.createTask(0, { id: 't', user: 'u', recipients: 20 }));
  return e;
}

describe('what the engine hands out cannot change it', () => {
  it('a snapshot: its windows and options are frozen', () => {
    const e = limited();
    const snap = e.snapshot() as unknown as { services: { windows: { limit: number }[] }[]; options: { retry: { maxAttempts: number } } };
    expect(() => { snap.services[0]!.windows[0]!.limit = 1_000; }).toThrow(TypeError);
    expect(() => { snap.options.retry.maxAttempts = 99; }).toThrow(TypeError);
    expect(run(e, 0, 60)).toHaveLength(2);
  });

  it('an event: the spec of service_added is frozen', () => {
    const e = limited((ev) => {
      if (ev.type === 'service_added') expect(() => { (ev.spec.windows[0] as { limit: number }).limit = 1_000; }).toThrow(TypeError);
    });
    expect(run(e, 0, 60)).toHaveLength(2);
  });

  it('a spec from a class with getters or a prototype is read as the caller sees it', () => {
    class Limited {
      id = 'w';
      intervalMs = 0;
      get windows() { return [{ kind: 'rolling' as const, limit: 1, periodMs: 3_600_000 }]; }
    }
    const e = createEngine({ policy: 'fair' });
    ok(e.addUser(0, { id: 'u', quota: 100 }));
    ok(e.addService(0, new Limited()));
    ok(e.addService(0, Object.create({ id: 'p', intervalMs: 5_000 }) as never));
    expect(e.status().services.map((s) => [s.id, s.intervalMs, s.windows.length])).toEqual([['w', 0, 1], ['p', 5_000, 0]]);
  });
});

describe('odd values are refused, not thrown on', () => {
  it('an outcome whose recipient is a BigInt, a symbol or a bare object, or whose detail is not text', () => {
    const e = limited();
    const [d] = ok(e.poll(0));
    for (const recipient of [10n, Symbol('r'), Object.create(null)]) {
      expect(e.report(0, { task: 't', recipient: recipient as never, result: 'sent' })).toMatchObject({ ok: false, error: { code: 'UNKNOWN_DISPATCH' } });
    }
    expect(e.report(0, { task: 't', recipient: d!.recipient, result: 'sent', detail: 5n as never })).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT', path: 'detail' } });
    expect(e.report(0, { task: 't', recipient: d!.recipient, result: 'sent', detail: 'x'.repeat(5_000) })).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT', path: 'detail' } });
    ok(e.report(0, { task: 't', recipient: d!.recipient, result: 'sent', detail: '250 2.0.0 OK' }));
  });
});

describe('nextWakeAt', () => {
  it('is never before the clock, even with a timer overdue after a command moved the clock', () => {
    const e = createEngine({ policy: 'fair' });
    ok(e.addUser(0, { id: 'u', quota: 10 }));
    ok(e.addService(0, { id: 's', intervalMs: 1_000 }));
    ok(e.createTask(0, { id: 't', user: 'u', recipients: 1, startAt: 100 }));
    ok(e.grantQuota(200, 'u', 1));
    expect(e.nextWakeAt()).toBe(200);
    expect(ok(e.poll(200)).map((d) => d.task)).toEqual(['t']);
  });
});

describe('maxLatenessMs', () => {
  it('lets a task start at its very deadline: 0 means now or never, not never', () => {
    const e = createEngine({ policy: 'fair' });
    ok(e.addUser(0, { id: 'u', quota: 10 }));
    ok(e.addService(0, { id: 's', intervalMs: 1_000 }));
    ok(e.createTask(0, { id: 'now', user: 'u', recipients: 1, maxLatenessMs: 0 }));
    const [first] = ok(e.poll(0));
    expect(first?.task).toBe('now');
    ok(e.report(0, { task: 'now', recipient: first!.recipient, result: 'sent' }));
    // The service's next slot is at 1,000: a task due by then starts then; one due by 999 expires.
    ok(e.createTask(0, { id: 'late', user: 'u', recipients: 1, maxLatenessMs: 999 }));
    ok(e.createTask(0, { id: 'just', user: 'u', recipients: 1, maxLatenessMs: 1_000 }));
    expect(e.nextWakeAt()).toBe(1_000);
    expect(ok(e.poll(1_000)).map((d) => d.task)).toEqual(['just']);
    expect(e.getTask('late')?.state).toBe('expired');
  });
});

describe('a window added after the history let starts go', () => {
  /** Sends as fast as the service allows until `until`, answering at once; returns the start times. */
  function drive(e: Engine, from: number, until: number): number[] {
    const starts: number[] = [];
    for (let t = e.nextWakeAt(); t !== null && t < until; t = e.nextWakeAt()) {
      for (const d of ok(e.poll(Math.max(t, from)))) {
        starts.push(Math.max(t, from));
        ok(e.report(Math.max(t, from), { task: d.task, recipient: d.recipient, result: 'sent' }));
      }
    }
    return starts;
  }

  /** The most starts in the window (s - periodMs, s] ending at any start made after the change. */
  function worstAfter(before: number[], after: number[], periodMs: number): number {
    const all = [...before, ...after];
    let worst = 0;
    for (const s of after) worst = Math.max(worst, all.filter((x) => x > s - periodMs && x <= s).length);
    return worst;
  }

  it('more starts than the history keeps, then a limit above them: never exceeded (2,000 starts, then 1,500 per hour)', () => {
    const e = createEngine({ policy: 'fair' });
    ok(e.addUser(0, { id: 'u', quota: 10_000 }));
    ok(e.addService(0, { id: 's', intervalMs: 10 }));
    ok(e.createTask(0, { id: 't', user: 'u', recipients: 5_000 }));
    const before = drive(e, 0, 20_000);
    expect(before).toHaveLength(2_000);
    ok(e.updateService(20_000, 's', { windows: [{ kind: 'rolling', limit: 1_500, periodMs: 3_600_000 }] }));
    // The status counts what it cannot see at its worst too: all 2,000 may be in the last hour.
    expect(e.status().services[0]!.windows[0]!.used).toBe(2_000);
    const after = drive(e, 20_000, 3_700_000);
    expect(after.length).toBeGreaterThan(0);
    expect(worstAfter(before, after, 3_600_000)).toBeLessThanOrEqual(1_500);
  });

  it('a window longer than the history keeps (7 days after 72 hourly starts): never exceeded', () => {
    const e = createEngine({ policy: 'fair' });
    ok(e.addUser(0, { id: 'u', quota: 10_000 }));
    ok(e.addService(0, { id: 's', intervalMs: 3_600_000 }));
    ok(e.createTask(0, { id: 't', user: 'u', recipients: 200 }));
    const before = drive(e, 0, 72 * 3_600_000);
    expect(before).toHaveLength(72);
    ok(e.updateService(72 * 3_600_000, 's', { windows: [{ kind: 'rolling', limit: 50, periodMs: 7 * 86_400_000 }] }));
    const after = drive(e, 72 * 3_600_000, 20 * 86_400_000);
    expect(after.length).toBeGreaterThan(0);
    expect(worstAfter(before, after, 7 * 86_400_000)).toBeLessThanOrEqual(50);
  });
});

describe('values JSON cannot write are refused, not thrown on', () => {
  it('a BigInt window kind or time zone, a bare object in a recipient list', () => {
    const e = createEngine({ policy: 'fair' });
    ok(e.addUser(0, { id: 'u', quota: 10 }));
    expect(e.addService(0, { id: 's', intervalMs: 1, windows: [{ kind: 5n as never, limit: 1, periodMs: 1_000 }] })).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
    expect(e.addService(0, { id: 's', intervalMs: 1, windows: [{ kind: 'fixed', limit: 1, periodMs: 3_600_000, timeZone: 7n as never }] })).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
    ok(e.addService(0, { id: 's', intervalMs: 1 }));
    const created = ok(e.createTask(0, { id: 't', user: 'u', recipients: ['a@example.com', Object.create(null) as never] }));
    expect(created.invalid).toEqual([{ index: 1, address: 'object', reason: 'not a string' }]);
  });
});

describe('estimatedCompletionAt', () => {
  it('is a valid date even when the services are far too slow for the task', () => {
    const e = createEngine({ policy: 'fair' });
    ok(e.addUser(0, { id: 'u', quota: 1_000_000_000 }));
    ok(e.addService(0, { id: 's', intervalMs: 31 * 86_400_000, windows: [{ kind: 'rolling', limit: 1, periodMs: 31 * 86_400_000 }] }));
    const { estimatedCompletionAt } = ok(e.createTask(0, { id: 't', user: 'u', recipients: 1_000_000_000 }));
    expect(Number.isSafeInteger(estimatedCompletionAt)).toBe(true);
    expect(new Date(estimatedCompletionAt).toISOString()).toBe('+275760-09-13T00:00:00.000Z');
  });
});
