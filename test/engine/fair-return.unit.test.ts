// A user returning from idle starts at the virtual time of the users it competes with, not at
// that of users elsewhere: found by the simulator (a returning user got 136 sends in a row on SES
// while an equal user waited), reduced here to three users and two services.
import { describe, expect, it } from 'vitest';
import { createEngine } from '../../engine/index.ts';
import type { Dispatch, PolicyName } from '../../engine/index.ts';

function run(policy: PolicyName): Dispatch[] {
  const e = createEngine({ policy });
  for (const id of ['x', 'a', 'b']) e.addUser(0, { id, quota: 1000 });
  e.addService(0, { id: 'slow', intervalMs: 10_000, access: ['x'] });
  e.addService(0, { id: 'fast', intervalMs: 1_000, access: ['a', 'b'] });
  e.createTask(0, { id: 'tx', user: 'x', recipients: 100 });
  e.createTask(0, { id: 'ta', user: 'a', recipients: 300 });
  const sent: Dispatch[] = [];
  let arrived = false;
  for (let now = e.nextWakeAt(); now !== null; now = e.nextWakeAt()) {
    if (!arrived && now >= 100_000) {
      expect(e.createTask(100_000, { id: 'tb', user: 'b', recipients: 100 }).ok).toBe(true);
      arrived = true;
      now = e.nextWakeAt() as number;
    }
    const r = e.poll(now);
    if (!r.ok) throw new Error(r.error.message);
    for (const d of r.value) {
      sent.push(d);
      e.report(now, { task: d.task, recipient: d.recipient, result: 'sent' });
    }
  }
  return sent;
}

describe('fair: a returning user banks no credit and takes none from elsewhere', () => {
  it('after b arrives, a and b alternate on the service they share', () => {
    const fast = run('fair').filter((d) => d.service === 'fast' && d.t >= 100_000);
    const firstB = fast.findIndex((d) => d.user === 'b');
    expect(firstB).toBeLessThanOrEqual(1);
    // While both are busy, every prefix of the shared sends is split evenly (within one).
    let spread = 0;
    let a = 0;
    let b = 0;
    for (const d of fast.slice(firstB)) {
      if (d.user === 'a') a++;
      else b++;
      if (b === 100) break;
      spread = Math.max(spread, Math.abs(a - b));
    }
    expect(spread).toBeLessThanOrEqual(1);
    expect(b).toBe(100);
  });
});
