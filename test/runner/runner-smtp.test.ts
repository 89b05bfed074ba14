// The runner end to end, in process: real SQLite file, real SMTP server on loopback.
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { enqueueCommand } from '../../runner/commands.ts';
import { ledgerBalances } from '../../runner/projection.ts';
import { createRunner } from '../../runner/runner.ts';
import type { Runner } from '../../runner/runner.ts';
import { importTask } from '../../runner/task-import.ts';
import { contactsCsv, eventsOf, smtpConfig, tempDir, until } from './fixtures.ts';
import { startSmtpHarness } from './smtp-harness.ts';
import type { SmtpHarness } from './smtp-harness.ts';

const silent = pino({ level: 'silent' });

let harness: SmtpHarness;
let tmp: ReturnType<typeof tempDir>;
let runner: Runner | null = null;

beforeEach(async () => {
  harness = await startSmtpHarness();
  tmp = tempDir();
});
afterEach(async () => {
  await runner?.stop();
  runner = null;
  await harness.close();
  tmp.remove();
});

function addTask(r: Runner, id: string, user: string, csv: string): void {
  const imported = importTask(r.core.db, Date.now(), {
    id, user, csvText: csv, template: { subject: 'Hello {{name}}', text: 'Dear {{name}}, this is {{email}}.' },
  });
  expect(imported.ok).toBe(true);
}

function taskRow(r: Runner, id: string): { state: string; sent: number; failed: number } {
  return r.core.db.prepare('SELECT state, sent, failed FROM tasks WHERE id = ?').get(id) as { state: string; sent: number; failed: number };
}

function expectLedgerMatchesEngine(r: Runner): void {
  const engineUsers = r.core.engine.status().users.map((u) => ({ user: u.id, granted: u.granted, reserved: u.reserved, consumed: u.consumed, balance: u.balance }));
  expect(ledgerBalances(r.core.db)).toEqual(engineUsers);
  for (const u of engineUsers) expect(u.balance + u.reserved + u.consumed).toBe(u.granted);
}

describe('runner against a real SMTP server', () => {
  it('delivers every recipient once, merged, spaced by the interval, two users interleaved fairly', async () => {
    runner = createRunner(smtpConfig(harness.port), { dbFile: join(tmp.dir, 'a.db'), logger: silent });
    addTask(runner, 'ta', 'alice', contactsCsv('a', 6));
    addTask(runner, 'tb', 'bob', contactsCsv('b', 6));
    runner.start();
    await harness.waitFor(12, 10_000);
    const r = runner;
    await until(() => taskRow(r, 'ta').state === 'completed' && taskRow(r, 'tb').state === 'completed', 5_000, 'both tasks completed');

    const byTo = new Map(harness.received.map((m) => [m.to.join(','), m]));
    expect(harness.received.length).toBe(12);
    expect([...byTo.keys()].sort()).toEqual([...Array.from({ length: 6 }, (_, i) => `a${i}@example.test`), ...Array.from({ length: 6 }, (_, i) => `b${i}@example.test`)].sort());
    const a3 = byTo.get('a3@example.test');
    expect(a3?.headers.get('subject')).toBe('Hello A3');
    expect(a3?.headers.get('message-id')).toBe('<fs.ta.3@example.test>');
    expect(a3?.headers.get('to')).toBe('a3@example.test');
    expect(a3?.headers.get('from')).toBe('Shop <shop@example.test>');
    expect(a3?.headers.has('bcc')).toBe(false);
    expect(a3?.body.trim()).toBe('Dear A3, this is a3@example.test.');

    // Starts (the runner's dispatch log) are at least the interval apart, and each message reaches
    // the server no earlier than one interval after the previous start (same clock, no slack).
    const dispatches = eventsOf(r.core.db, 'dispatch');
    const starts = dispatches.map((e) => Number(e['t']));
    expect(starts.length).toBe(12);
    for (let i = 1; i < starts.length; i += 1) expect(starts[i]! - starts[i - 1]!).toBeGreaterThanOrEqual(100);
    const startOf = new Map(dispatches.map((e) => [`${String(e['task'])}.${String(e['recipient'])}`, Number(e['t'])]));
    const arrivals = harness.received.map((m) => ({ at: m.at, start: startOf.get(`${m.headers.get('x-fairsend-task')}.${m.headers.get('x-fairsend-recipient')}`) ?? Number.NaN }));
    for (let i = 0; i < arrivals.length; i += 1) {
      expect(arrivals[i]!.at).toBeGreaterThanOrEqual(arrivals[i]!.start);
      if (i > 0) expect(arrivals[i]!.at - arrivals[i - 1]!.start).toBeGreaterThanOrEqual(100);
    }

    // Fair: in every prefix of the arrival order the two users differ by at most one message.
    let diff = 0;
    for (const m of harness.received) {
      diff += m.headers.get('x-fairsend-task') === 'ta' ? 1 : -1;
      expect(Math.abs(diff)).toBeLessThanOrEqual(1);
    }
    expect(taskRow(r, 'ta')).toEqual({ state: 'completed', sent: 6, failed: 0 });
    expectLedgerMatchesEngine(r);
    expect(ledgerBalances(r.core.db)).toEqual([
      { user: 'alice', granted: 20, reserved: 0, consumed: 6, balance: 14 },
      { user: 'bob', granted: 20, reserved: 0, consumed: 6, balance: 14 },
    ]);
  });

  it('pauses the service while the server refuses connections, then completes', async () => {
    runner = createRunner(smtpConfig(harness.port), { dbFile: join(tmp.dir, 'b.db'), logger: silent });
    addTask(runner, 'ta', 'alice', contactsCsv('a', 5));
    runner.start();
    await harness.waitFor(2, 5_000);
    await harness.refuse();
    await new Promise((resolve) => { setTimeout(resolve, 700); });
    await harness.accept();
    await harness.waitFor(5, 10_000);
    const r = runner;
    await until(() => taskRow(r, 'ta').state === 'completed', 5_000, 'task completed');
    expect(harness.received.map((m) => m.to.join(','))).toEqual(['a0', 'a1', 'a2', 'a3', 'a4'].map((a) => `${a}@example.test`));
    const pauses = eventsOf(r.core.db, 'service_paused');
    expect(pauses.length).toBeGreaterThanOrEqual(1);
    expect(pauses.every((p) => p['reason'] === 'error')).toBe(true);
    expect(eventsOf(r.core.db, 'service_resumed').length).toBe(pauses.length);
    expect(taskRow(r, 'ta')).toEqual({ state: 'completed', sent: 5, failed: 0 });
    expectLedgerMatchesEngine(r);
  });

  it('retries a 4xx recipient, fails and refunds a 5xx one', async () => {
    harness.replyTo('a1@example.test', { responseCode: 452, message: '4.2.2 Mailbox full' }, 2);
    harness.replyTo('a2@example.test', { responseCode: 550, message: '5.1.1 No such user' }, 1);
    runner = createRunner(smtpConfig(harness.port), { dbFile: join(tmp.dir, 'c.db'), logger: silent });
    addTask(runner, 'ta', 'alice', contactsCsv('a', 4));
    runner.start();
    const r = runner;
    await until(() => taskRow(r, 'ta').state === 'completed', 10_000, 'task completed');
    expect(harness.received.map((m) => m.to.join(',')).sort()).toEqual(['a0@example.test', 'a1@example.test', 'a3@example.test']);
    const a1 = eventsOf(r.core.db, 'outcome').filter((e) => e['recipient'] === 1).map((e) => [e['attempt'], e['result'], e['final']]);
    expect(a1).toEqual([[1, 'deferred', null], [2, 'deferred', null], [3, 'sent', 'sent']]);
    const a2 = eventsOf(r.core.db, 'outcome').filter((e) => e['recipient'] === 2).map((e) => [e['attempt'], e['result'], e['final'], e['detail']]);
    expect(a2).toEqual([[1, 'rejected', 'failed', '550 5.1.1 No such user']]);
    expect(taskRow(r, 'ta')).toEqual({ state: 'completed', sent: 3, failed: 1 });
    expect(ledgerBalances(r.core.db)).toEqual([
      { user: 'alice', granted: 20, reserved: 0, consumed: 3, balance: 17 },
      { user: 'bob', granted: 20, reserved: 0, consumed: 0, balance: 20 },
    ]);
    expectLedgerMatchesEngine(r);
  });

  it('applies commands written to the database while running: pause, resume, cancel, grant', async () => {
    runner = createRunner(smtpConfig(harness.port), { dbFile: join(tmp.dir, 'd.db'), logger: silent });
    const r = runner;
    addTask(r, 'ta', 'alice', contactsCsv('a', 8));
    r.start();
    await harness.waitFor(2, 5_000);
    enqueueCommand(r.core.db, Date.now(), { kind: 'pause_task', task: 'ta' });
    await until(() => taskRow(r, 'ta').state === 'paused', 1_000, 'task paused');
    const pausedAt = harness.received.length;
    await new Promise((resolve) => { setTimeout(resolve, 400); });
    expect(harness.received.length).toBeLessThanOrEqual(pausedAt + 1);
    enqueueCommand(r.core.db, Date.now(), { kind: 'resume_task', task: 'ta' });
    await harness.waitFor(pausedAt + 2, 5_000);
    enqueueCommand(r.core.db, Date.now(), { kind: 'cancel_task', task: 'ta' });
    enqueueCommand(r.core.db, Date.now(), { kind: 'grant_quota', user: 'bob', amount: 5 });
    await until(() => taskRow(r, 'ta').state === 'cancelled', 1_000, 'task cancelled');
    await until(() => r.core.engine.status().in_flight === 0, 2_000, 'in-flight sends finished');
    const sent = taskRow(r, 'ta').sent;
    expect(harness.received.length).toBe(sent);
    expect(ledgerBalances(r.core.db)).toEqual([
      { user: 'alice', granted: 20, reserved: 0, consumed: sent, balance: 20 - sent },
      { user: 'bob', granted: 25, reserved: 0, consumed: 0, balance: 25 },
    ]);
    expectLedgerMatchesEngine(r);
    const statuses = r.core.db.prepare('SELECT kind, status FROM commands ORDER BY id').all();
    expect(statuses).toEqual([
      { kind: 'create_task', status: 'done' }, { kind: 'pause_task', status: 'done' }, { kind: 'resume_task', status: 'done' },
      { kind: 'cancel_task', status: 'done' }, { kind: 'grant_quota', status: 'done' },
    ]);
  });

  it('keeps at most `concurrency` sends in flight on a pooled transport', async () => {
    await harness.close();
    harness = await startSmtpHarness({ replyDelayMs: 120 });
    const config = smtpConfig(harness.port, {}, {
      intervalMs: 30, concurrency: 2,
      transport: { kind: 'smtp', host: '127.0.0.1', port: harness.port, ignoreTLS: true, pool: true, connectionTimeoutMs: 1000, greetingTimeoutMs: 1000, socketTimeoutMs: 3000 },
    });
    runner = createRunner(config, { dbFile: join(tmp.dir, 'e.db'), logger: silent });
    addTask(runner, 'ta', 'alice', contactsCsv('a', 8));
    runner.start();
    const r = runner;
    await until(() => taskRow(r, 'ta').state === 'completed', 10_000, 'task completed');
    expect(harness.received.length).toBe(8);
    let inFlight = 0;
    let most = 0;
    for (const e of r.core.db.prepare("SELECT type FROM events WHERE type IN ('dispatch', 'outcome') ORDER BY seq").all() as { type: string }[]) {
      inFlight += e.type === 'dispatch' ? 1 : -1;
      most = Math.max(most, inFlight);
    }
    // A 120 ms reply and a 30 ms interval: the second slot is really used, never a third.
    expect(most).toBe(2);
    const starts = eventsOf(r.core.db, 'dispatch').map((e) => Number(e['t']));
    for (let i = 1; i < starts.length; i += 1) expect(starts[i]! - starts[i - 1]!).toBeGreaterThanOrEqual(30);
  });
});
