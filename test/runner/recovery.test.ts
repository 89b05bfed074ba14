// Restart policies for sub-tasks in flight at a crash, in process: the database is copied (VACUUM
// INTO, a consistent snapshot) while a send hangs, which is exactly what a SIGKILL leaves behind.
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { OutgoingMessage } from '../../runner/message.ts';
import { ledgerBalances } from '../../runner/projection.ts';
import { createRunner } from '../../runner/runner.ts';
import { importTask } from '../../runner/task-import.ts';
import { createMemoryTransport } from '../../runner/transport.ts';
import type { MailTransport, SendReport } from '../../runner/transport.ts';
import { contactsCsv, eventsOf, smtpConfig, tempDir, until } from './fixtures.ts';

const silent = pino({ level: 'silent' });

/** A transport whose sends hang until released: a send in flight when the "crash" happens. */
function hangingTransport(): MailTransport & { release(): void; started: OutgoingMessage[] } {
  const waiting: (() => void)[] = [];
  const started: OutgoingMessage[] = [];
  return {
    name: 'hanging', started,
    send(message) {
      started.push(message);
      return new Promise<SendReport>((resolve) => { waiting.push(() => resolve({ ok: true, response: '250 OK' })); });
    },
    release() { for (const w of waiting.splice(0)) w(); },
    close() {},
  };
}

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => { tmp = tempDir(); });
afterEach(() => { tmp.remove(); });

async function crashedCopy(): Promise<{ copy: string; inFlightSince: number }> {
  const hanging = hangingTransport();
  const first = createRunner(smtpConfig(2525), { dbFile: join(tmp.dir, 'live.db'), logger: silent, transports: { smtp1: hanging } });
  expect(importTask(first.core.db, Date.now(), { id: 'ta', user: 'alice', csvText: contactsCsv('a', 3), template: { subject: 'Hi {{name}}', text: 'x' } }).ok).toBe(true);
  first.start();
  await until(() => hanging.started.length === 1, 2_000, 'first send started');
  const copy = join(tmp.dir, 'crashed.db');
  first.core.db.exec(`VACUUM INTO '${copy}'`);
  const since = (first.core.db.prepare("SELECT dispatched_at FROM recipients WHERE state = 'in_flight'").get() as { dispatched_at: number }).dispatched_at;
  const stopped = first.stop();
  hanging.release();
  await stopped;
  return { copy, inFlightSince: since };
}

describe('in-flight sub-tasks after a crash', () => {
  it("'resend' sends them again with the same Message-ID, an interval after the cut-off start", async () => {
    const { copy, inFlightSince } = await crashedCopy();
    const memory = createMemoryTransport();
    const runner = createRunner(smtpConfig(2525), { dbFile: copy, logger: silent, transports: { smtp1: memory } });
    const restartedAt = Date.now();
    runner.start();
    await until(() => (runner.core.db.prepare("SELECT state FROM tasks WHERE id = 'ta'").get() as { state: string }).state === 'completed', 3_000, 'task completed');
    expect(memory.sent.map((m) => [m.to, m.messageId])).toEqual([
      ['a0@example.test', '<fs.ta.0@example.test>'], ['a1@example.test', '<fs.ta.1@example.test>'], ['a2@example.test', '<fs.ta.2@example.test>'],
    ]);
    expect(restartedAt).toBeGreaterThanOrEqual(inFlightSince);
    const sends = runner.core.db.prepare('SELECT idx, sends FROM recipients ORDER BY idx').all();
    expect(sends).toEqual([{ idx: 0, sends: 2 }, { idx: 1, sends: 1 }, { idx: 2, sends: 1 }]);
    // The cut-off send was handed back to the engine, which sent it again first, at its pace.
    expect(eventsOf(runner.core.db, 'requeued').map((e) => [e['task'], e['recipient'], e['attempt']])).toEqual([['ta', 0, 1]]);
    const dispatches = eventsOf(runner.core.db, 'dispatch');
    expect(dispatches.map((e) => [e['recipient'], e['attempt']])).toEqual([[0, 1], [0, 1], [1, 1], [2, 1]]);
    // Starts on the service: the cut-off one, its resend, then the engine's next ones.
    const starts = dispatches.map((e) => Number(e['t']));
    for (let i = 1; i < starts.length; i += 1) expect(starts[i]! - starts[i - 1]!).toBeGreaterThanOrEqual(100);
    expect(ledgerBalances(runner.core.db)[0]).toEqual({ user: 'alice', granted: 20, reserved: 0, consumed: 3, balance: 17 });
    await runner.stop();
  });

  it("'assume_sent' records them as sent without sending again", async () => {
    const { copy } = await crashedCopy();
    const memory = createMemoryTransport();
    const runner = createRunner(smtpConfig(2525, { inFlightOnRestart: 'assume_sent' }), { dbFile: copy, logger: silent, transports: { smtp1: memory } });
    runner.start();
    await until(() => (runner.core.db.prepare("SELECT state FROM tasks WHERE id = 'ta'").get() as { state: string }).state === 'completed', 3_000, 'task completed');
    expect(memory.sent.map((m) => m.to)).toEqual(['a1@example.test', 'a2@example.test']);
    const first = eventsOf(runner.core.db, 'outcome').filter((e) => e['recipient'] === 0).map((e) => [e['result'], e['final'], e['detail']]);
    expect(first).toEqual([['sent', 'sent', 'assumed sent: in flight at a crash']]);
    expect(ledgerBalances(runner.core.db)[0]).toEqual({ user: 'alice', granted: 20, reserved: 0, consumed: 3, balance: 17 });
    await runner.stop();
  });
});
