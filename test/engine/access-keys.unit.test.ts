// Services are grouped by access set; the key of "open to all" must never equal the key of some
// access list. It once was '*', the key of the list ['*'], so a service meant only for user '*' was
// open to every user (or, added in the other order, an open service served only user '*').
import { describe, expect, it } from 'vitest';
import type { Dispatch, Engine, Result } from '../../engine/index.ts';
import { engineModule } from '../support/index.ts';

const { createEngine, restoreEngine } = engineModule;

function ok<T>(r: Result<T>): T {
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.value;
}

function setup(privateFirst: boolean): Engine {
  const e = createEngine({ policy: 'fair' });
  ok(e.addUser(0, { id: '*', quota: 10 }));
  ok(e.addUser(0, { id: 'alice', quota: 10 }));
  const open = (): Result<void> => e.addService(0, { id: 'open', intervalMs: 1_000 });
  const only = (): Result<void> => e.addService(0, { id: 'private', intervalMs: 1_000, access: ['*'] });
  for (const add of privateFirst ? [only, open] : [open, only]) ok(add());
  return e;
}

function sendAll(e: Engine, seconds: number): Dispatch[] {
  const out: Dispatch[] = [];
  for (let t = 0; t < seconds * 1_000; t += 1_000) {
    for (const d of ok(e.poll(t))) {
      out.push(d);
      ok(e.report(t, { task: d.task, recipient: d.recipient, result: 'sent' }));
    }
  }
  return out;
}

describe("a service open to one user named '*'", () => {
  it.each([false, true])('is not open to everyone (private added first: %s)', (privateFirst) => {
    const e = setup(privateFirst);
    ok(e.createTask(0, { id: 'a', user: 'alice', recipients: 4 }));
    ok(e.createTask(0, { id: 's', user: '*', recipients: 4 }));
    const sent = sendAll(e, 6);
    expect(sent.filter((d) => d.user === 'alice').map((d) => d.service)).toEqual(['open', 'open', 'open', 'open']);
    expect(sent.filter((d) => d.service === 'private').every((d) => d.user === '*')).toBe(true);
    expect(sent).toHaveLength(8);
  });

  it("restores a snapshot whose open group was keyed '*' by an older engine", () => {
    const e = setup(false);
    const snap = JSON.parse(JSON.stringify(e.snapshot())) as { groups: { key: string; access: unknown }[] };
    for (const g of snap.groups) if (g.access === 'all') g.key = '*';
    const r = restoreEngine(snap as never);
    ok(r.createTask(0, { id: 'a', user: 'alice', recipients: 2 }));
    ok(r.addService(0, { id: 'open-2', intervalMs: 1_000 }));
    expect(sendAll(r, 2).map((d) => [d.user, d.service])).toEqual([['alice', 'open'], ['alice', 'open-2']]);
  });
});
