// A snapshot that was damaged or edited by hand is refused with the path of what is wrong, before
// anything is rebuilt; a good one (any found in the other tests) is accepted as before.
import { describe, expect, it } from 'vitest';
import type { EngineSnapshot, Result } from '../../engine/index.ts';
import { engineModule } from '../support/index.ts';

const { createEngine, restoreEngine } = engineModule;

function ok<T>(r: Result<T>): T {
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.value;
}

/** A small engine with a service, two users, a task with a send in flight and a finished one. */
// A JSON copy, edited freely by the cases below as a damaged file would be.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Loose = Record<string, any>;

function snapshot(): Loose {
  const e = createEngine({ policy: 'fair' });
  ok(e.addService(0, { id: 's', intervalMs: 1_000, concurrency: 2 }));
  ok(e.addUser(0, { id: 'u', quota: 100 }));
  ok(e.addUser(0, { id: 'v', quota: 100 }));
  ok(e.createTask(0, { id: 't', user: 'u', recipients: 10 }));
  ok(e.createTask(0, { id: 'w', user: 'v', recipients: 1 }));
  for (const d of ok(e.poll(0))) if (d.task === 'w') ok(e.report(0, { task: 'w', recipient: d.recipient, result: 'sent' }));
  return JSON.parse(JSON.stringify(e.snapshot())) as Loose;
}

const cases: [string, (s: Loose) => void, string][] = [
  ['a negative balance', (s) => { s.users[0].balance = -50; s.users[0].granted = 40; }, 'users[0].balance must be an integer from 0'],
  ['a ledger that does not add up', (s) => { s.users[0].balance = 1_000_000; }, 'users[0]: the quota ledger does not add up'],
  ['a cursor past the end', (s) => { s.tasks[0].cursor = 50; }, 'tasks[0].cursor must be an integer from 0 to 10, got 50'],
  ['no count', (s) => { s.tasks[0].count = null; }, 'tasks[0].count must be an integer'],
  ['an unknown state', (s) => { s.tasks[0].state = 'bogus'; }, 'tasks[0].state must be one of active, paused, completed, cancelled, expired, got "bogus"'],
  ['a time before 0', (s) => { s.now = -5; }, 'now must be an integer from 0'],
  ['concurrency 0', (s) => { s.services[0].concurrency = 0; }, 'services[0].concurrency must be an integer from 1'],
  ['a wrong in-flight total', (s) => { s.inFlightTotal += 1; }, 'inFlightTotal is 2, but the tasks have 1 recipients in flight'],
  ['a task twice', (s) => { s.tasks.push({ ...s.tasks[1] }); }, "tasks[2]: task 'w' appears twice"],
  ['a task of an unknown user', (s) => { s.tasks[1].user = 'ghost'; }, 'tasks[1].user names unknown user "ghost"'],
  ['a reservation its tasks do not explain', (s) => { s.users[0].reserved += 1; s.users[0].balance -= 1; }, 'users[0].reserved is 11, but its tasks have 10 recipients not yet final'],
  ['a group with an unknown service', (s) => { s.groups[0].services = ['nope']; }, 'groups[0].services names an unknown service'],
  ['an in-flight send on an unknown service', (s) => { s.tasks[0].inFlight[0].service = 'nope'; }, 'tasks[0].inFlight[0].service names unknown service "nope"'],
];

describe('restoreEngine', () => {
  it('accepts a sound snapshot', () => {
    expect(restoreEngine(snapshot() as unknown as EngineSnapshot).getTask('t')?.inFlight).toBe(1);
  });

  it.each(cases)('refuses %s, naming it', (_name, damage, message) => {
    const s = snapshot();
    damage(s);
    expect(() => restoreEngine(s as unknown as EngineSnapshot)).toThrow(TypeError);
    expect(() => restoreEngine(s as unknown as EngineSnapshot)).toThrow(`restoreEngine: the snapshot is inconsistent: ${message}`);
  });
});
