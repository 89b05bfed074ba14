// requeue: the runner's way back after a crash. The recipient is sent again, at the service's
// pace, with no attempt charged, nothing refunded and the window counting both starts.
import { describe, expect, it } from 'vitest';
import { createEngine } from '../../engine/index.ts';
import type { Dispatch, EngineEvent } from '../../engine/index.ts';

describe('requeue', () => {
  it('sends the recipient again at the next slot, unharmed, and the window counts both starts', () => {
    const events: EngineEvent[] = [];
    const e = createEngine({ onEvent: (ev) => events.push(ev) });
    e.addUser(0, { id: 'u', quota: 10 });
    e.addService(0, { id: 's', intervalMs: 1000, windows: [{ kind: 'rolling', limit: 2, periodMs: 60_000 }] });
    e.createTask(0, { id: 't', user: 'u', recipients: 2 });
    const first = e.poll(0);
    expect(first.ok && first.value).toEqual([{ type: 'dispatch', t: 0, service: 's', user: 'u', task: 't', recipient: 0, attempt: 1 }]);

    expect(e.requeue(500, 't', 0).ok).toBe(true);
    expect(events.at(-1)).toEqual({ t: 500, type: 'requeued', service: 's', user: 'u', task: 't', recipient: 0, attempt: 1 });
    expect(e.nextWakeAt()).toBe(1000);
    const sent: Dispatch[] = [];
    for (let now = e.nextWakeAt(); now !== null; now = e.nextWakeAt()) {
      const r = e.poll(now);
      if (!r.ok) throw new Error(r.error.message);
      for (const d of r.value) {
        sent.push(d);
        e.report(now, { task: d.task, recipient: d.recipient, result: 'sent' });
      }
    }
    // Recipient 0 goes first (head of its task), then 1; the third start must wait for the window.
    expect(sent.map((d) => [d.t, d.recipient, d.attempt])).toEqual([
      [1000, 0, 1],
      [60_000, 1, 1],
    ]);
    expect(e.status().users[0]).toMatchObject({ granted: 10, balance: 8, reserved: 0, consumed: 2 });
  });

  it('refuses a recipient that is not in flight, changing nothing', () => {
    const e = createEngine();
    e.addUser(0, { id: 'u', quota: 10 });
    e.addService(0, { id: 's', intervalMs: 1000 });
    e.createTask(0, { id: 't', user: 'u', recipients: 2 });
    const before = JSON.stringify(e.snapshot());
    const r = e.requeue(0, 't', 1);
    expect(!r.ok && r.error).toEqual({ code: 'UNKNOWN_DISPATCH', message: "recipient 1 of task 't' is not in flight", path: 'recipient' });
    expect(JSON.stringify(e.snapshot())).toBe(before);
  });

  it('refunds instead when the task was cancelled meanwhile', () => {
    const e = createEngine();
    e.addUser(0, { id: 'u', quota: 10 });
    e.addService(0, { id: 's', intervalMs: 1000 });
    e.createTask(0, { id: 't', user: 'u', recipients: 3 });
    e.poll(0);
    expect(e.cancelTask(10, 't')).toEqual({ ok: true, value: { refunded: 2 } });
    expect(e.requeue(20, 't', 0).ok).toBe(true);
    expect(e.status().users[0]).toMatchObject({ balance: 10, reserved: 0, consumed: 0 });
    expect(e.nextWakeAt()).toBe(null);
  });
});
