// Tasks restricted to some services ("send this campaign through SES only"): they go only there,
// they take their turn among their user's tasks and their user takes its turn among users, they
// survive snapshots and access changes, and a bad restriction is refused without changing anything.
import { describe, expect, it } from 'vitest';
import type { Dispatch, Engine, EngineEvent, Result } from '../../engine/index.ts';
import { engineModule } from '../support/index.ts';

// Through the engine under test, so that a deliberately broken copy (FAIRSEND_ENGINE) turns it red.
const { createEngine, restoreEngine } = engineModule;

const SECOND = 1_000;

function ok<T>(r: Result<T>): T {
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.value;
}

/** Polls once a second from `from` for `seconds`, answering every dispatch 'sent' at once. */
function run(e: Engine, from: number, seconds: number): Dispatch[] {
  const out: Dispatch[] = [];
  for (let i = 0; i < seconds; i++) {
    const now = from + i * SECOND;
    for (const d of ok(e.poll(now))) {
      out.push(d);
      ok(e.report(now, { task: d.task, recipient: d.recipient, result: 'sent' }));
    }
  }
  return out;
}

function tally(ds: readonly Dispatch[], key: (d: Dispatch) => string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const d of ds) out[key(d)] = (out[key(d)] ?? 0) + 1;
  return out;
}

function twoServices(policy: 'fair' | 'round-robin' | 'fifo' = 'fair', onEvent?: (e: EngineEvent) => void): Engine {
  const e = createEngine({ policy, ...(onEvent ? { onEvent } : {}) });
  ok(e.addService(0, { id: 'ses', intervalMs: SECOND }));
  ok(e.addService(0, { id: 'smtp', intervalMs: SECOND }));
  ok(e.addUser(0, { id: 'alice', quota: 1_000 }));
  ok(e.addUser(0, { id: 'bob', quota: 1_000 }));
  return e;
}

describe('task restricted to some services', () => {
  it('goes only through its services and takes turns with its user\'s other tasks', () => {
    const e = twoServices();
    ok(e.createTask(0, { id: 'only-ses', user: 'alice', recipients: 10, services: ['ses'] }));
    ok(e.createTask(0, { id: 'any', user: 'alice', recipients: 10 }));
    const ds = run(e, 0, 3);
    expect(tally(ds, (d) => `${d.task}@${d.service}`)).toEqual({ 'only-ses@ses': 3, 'any@smtp': 3 });
  });

  it('gets the share max-min fairness gives: all of its service while another user can go elsewhere', () => {
    for (const policy of ['fair', 'round-robin'] as const) {
      const e = twoServices(policy);
      ok(e.createTask(0, { id: 'a', user: 'alice', recipients: 100, services: ['ses'] }));
      ok(e.createTask(0, { id: 'b', user: 'bob', recipients: 100 }));
      const ds = run(e, 0, 10);
      const perUser = tally(ds, (d) => d.user);
      expect(ds.every((d) => d.task !== 'a' || d.service === 'ses')).toBe(true);
      expect({ policy, perUser }).toEqual({ policy, perUser: { alice: policy === 'fair' ? 10 : 5, bob: policy === 'fair' ? 10 : 15 } });
    }
  });

  it('is refused, changing nothing, for an unknown service, one closed to the user, an empty or non-list, or only disabled services', () => {
    const e = twoServices();
    ok(e.updateService(0, 'smtp', { access: ['bob'] }));
    const cases: [unknown, string, string, string][] = [
      [['ses', 'nope'], 'UNKNOWN_SERVICE', "unknown service 'nope'", 'services[1]'],
      [['smtp'], 'INVALID_ARGUMENT', "task 't': services[0] 'smtp' is not open to user 'alice'", 'services[0]'],
      [[], 'INVALID_ARGUMENT', "task 't': services must be a non-empty list of service ids, got an empty list", 'services'],
      ['ses', 'INVALID_ARGUMENT', 'task \'t\': services must be a non-empty list of service ids, got "ses"', 'services'],
    ];
    for (const [services, code, message, path] of cases) {
      const before = JSON.stringify(e.snapshot());
      const r = e.createTask(1, { id: 't', user: 'alice', recipients: 1, services: services as string[] });
      expect(r.ok ? null : { code: r.error.code, message: r.error.message, path: r.error.path }).toEqual({ code, message, path });
      expect(JSON.stringify(e.snapshot())).toBe(before);
    }
    ok(e.disableService(1, 'ses'));
    ok(e.updateService(1, 'smtp', { access: 'all' }));
    const r = e.createTask(1, { id: 't', user: 'alice', recipients: 1, services: ['ses'] });
    expect(r.ok ? null : r.error.code).toBe('NO_AVAILABLE_SERVICE');
    expect(ok(e.createTask(1, { id: 't', user: 'alice', recipients: 1 })).reserved).toBe(1);
  });

  it('is reported in its creation event and its view, and names its services once, sorted', () => {
    const events: EngineEvent[] = [];
    const e = twoServices('fair', (ev) => events.push(ev));
    ok(e.createTask(0, { id: 't', user: 'alice', recipients: 2, services: ['smtp', 'ses', 'smtp'] }));
    expect(events.find((ev) => ev.type === 'task_created')).toMatchObject({ task: 't', services: ['ses', 'smtp'] });
    expect(e.getTask('t')?.services).toEqual(['ses', 'smtp']);
    ok(e.createTask(0, { id: 'u', user: 'alice', recipients: 2 }));
    expect(e.getTask('u')?.services).toBeNull();
    expect(events.filter((ev) => ev.type === 'task_created').map((ev) => 'services' in ev)).toEqual([true, false]);
  });

  it('keeps going through what is left when its user loses one of its services', () => {
    const e = twoServices();
    ok(e.createTask(0, { id: 't', user: 'alice', recipients: 6, services: ['ses', 'smtp'] }));
    expect(tally(run(e, 0, 1), (d) => d.service)).toEqual({ ses: 1, smtp: 1 });
    ok(e.updateService(SECOND, 'ses', { access: ['bob'] }));
    expect(tally(run(e, SECOND, 4), (d) => d.service)).toEqual({ smtp: 4 });
    expect(e.getTask('t')?.state).toBe('completed');
  });

  it('overlapping restrictions split the shared service cleanly: each task stays within its own', () => {
    const e = twoServices();
    ok(e.addService(0, { id: 'mx', intervalMs: SECOND }));
    ok(e.createTask(0, { id: 'ab', user: 'alice', recipients: 30, services: ['ses', 'smtp'] }));
    ok(e.createTask(0, { id: 'bc', user: 'bob', recipients: 30, services: ['smtp', 'mx'] }));
    ok(e.createTask(0, { id: 'any', user: 'bob', recipients: 30 }));
    const ds = run(e, 0, 6);
    const allowed: Record<string, string[]> = { ab: ['ses', 'smtp'], bc: ['smtp', 'mx'], any: ['ses', 'smtp', 'mx'] };
    expect(ds.filter((d) => !allowed[d.task]!.includes(d.service))).toEqual([]);
    expect(ds.length).toBe(18); // no service ever idle: every one of them had work each second
  });

  it('comes back the same from a snapshot: the restored engine decides exactly as the original', () => {
    const e = twoServices();
    ok(e.addService(0, { id: 'mx', intervalMs: SECOND }));
    ok(e.createTask(0, { id: 'a1', user: 'alice', recipients: 9, services: ['ses'] }));
    ok(e.createTask(0, { id: 'a2', user: 'alice', recipients: 9 }));
    ok(e.createTask(0, { id: 'b1', user: 'bob', recipients: 9, services: ['mx', 'ses'] }));
    run(e, 0, 2);
    const copy = restoreEngine(JSON.parse(JSON.stringify(e.snapshot())));
    expect(JSON.stringify(copy.snapshot())).toBe(JSON.stringify(e.snapshot()));
    expect(run(copy, 2 * SECOND, 8)).toEqual(run(e, 2 * SECOND, 8));
  });
});
