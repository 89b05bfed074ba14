// Crash safety with the real thing: `fairsend run` as a child process, SIGKILLed at several points
// of a campaign (the server delays its 250 so each kill lands while a send is in flight), restarted
// each time, and finally stopped with SIGTERM.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../runner/store.ts';
import { statusReport } from '../../runner/operator.ts';
import { importTask } from '../../runner/task-import.ts';
import { contactsCsv, tempDir, until } from './fixtures.ts';
import { startSmtpHarness } from './smtp-harness.ts';
import type { SmtpHarness } from './smtp-harness.ts';

const BIN = join(import.meta.dirname, '../../bin/fairsend.js');
const PER_TASK = 12;
const KILL_AT = [3, 9, 16];

let harness: SmtpHarness;
let tmp: ReturnType<typeof tempDir>;
let child: ChildProcess | null = null;

beforeAll(async () => {
  harness = await startSmtpHarness({ replyDelayMs: 150 });
  tmp = tempDir();
});
afterAll(async () => {
  if (child !== null && child.exitCode === null) child.kill('SIGKILL');
  await harness.close();
  tmp.remove();
});

function startRunner(configFile: string, dbFile: string): { proc: ChildProcess; exited: Promise<number | null>; stderr: () => string } {
  const proc = spawn(process.execPath, [BIN, 'run', '--config', configFile, '--db', dbFile], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  proc.stderr?.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
  // 'close', not 'exit': stderr is complete only once the stdio streams have closed.
  const exited = new Promise<number | null>((resolve) => proc.on('close', (code) => resolve(code)));
  return { proc, exited, stderr: () => stderr };
}

function inFlightInDb(dbFile: string): number {
  const db = new Database(dbFile, { readonly: true });
  try {
    return (db.prepare("SELECT count(*) AS n FROM recipients WHERE state = 'in_flight'").get() as { n: number }).n;
  } finally {
    db.close();
  }
}

describe('crash and restart', () => {
  it('loses nothing, duplicates at most the in-flight sends, keeps the ledger balanced', async () => {
    const dbFile = join(tmp.dir, 'crash.db');
    const configFile = join(tmp.dir, 'runner.json');
    writeFileSync(configFile, JSON.stringify({
      from: 'Shop <shop@example.test>', commandPollMs: 50,
      services: [{ id: 'smtp1', intervalMs: 60, transport: { kind: 'smtp', host: '127.0.0.1', port: harness.port, ignoreTLS: true, connectionTimeoutMs: 1000, greetingTimeoutMs: 1000, socketTimeoutMs: 3000 } }],
      users: [{ id: 'alice', quota: 50 }, { id: 'bob', quota: 50 }],
    }));
    const db = openDatabase(dbFile);
    for (const [task, user, prefix] of [['ta', 'alice', 'a'], ['tb', 'bob', 'b']] as const) {
      expect(importTask(db, Date.now(), { id: task, user, csvText: contactsCsv(prefix, PER_TASK), template: { subject: 'Hi {{name}}', text: 'Hello {{name}}' } }).ok).toBe(true);
    }
    db.close();

    let inFlightAtCrashes = 0;
    for (const at of KILL_AT) {
      const run = startRunner(configFile, dbFile);
      child = run.proc;
      await harness.waitFor(at, 20_000).catch((err: Error) => { throw new Error(`${err.message}; runner stderr: ${run.stderr()}`); });
      run.proc.kill('SIGKILL');
      expect(await run.exited).toBe(null);
      inFlightAtCrashes += inFlightInDb(dbFile);
    }
    // Every kill landed during a delayed 250, so each left exactly one send in flight.
    expect(inFlightAtCrashes).toBe(KILL_AT.length);

    const last = startRunner(configFile, dbFile);
    child = last.proc;
    await harness.waitFor(KILL_AT.at(-1)! + 2, 20_000);
    // One writer per database: a second runner is refused while the first one lives.
    const second = startRunner(configFile, dbFile);
    expect(await second.exited).toBe(2);
    expect(second.stderr()).toBe(`fairsend: ${dbFile}: another runner (pid ${String(last.proc.pid)}) is using this database\n`);
    const check = new Database(dbFile, { readonly: true });
    const done = (): boolean => (check.prepare("SELECT count(*) AS n FROM tasks WHERE state = 'completed'").get() as { n: number }).n === 2;
    await until(done, 20_000, 'both tasks completed');
    check.close();
    last.proc.kill('SIGTERM');
    expect(await last.exited).toBe(0);

    const expected = [...Array.from({ length: PER_TASK }, (_, i) => `a${i}@example.test`), ...Array.from({ length: PER_TASK }, (_, i) => `b${i}@example.test`)].sort();
    const delivered = harness.received.map((m) => m.to.join(','));
    expect([...new Set(delivered)].sort()).toEqual(expected);
    const duplicates = delivered.length - expected.length;
    expect(duplicates).toBeLessThanOrEqual(inFlightAtCrashes);
    // A resend carries the Message-ID of the first copy, so the receiver can drop it.
    const ids = new Map<string, Set<string>>();
    for (const m of harness.received) ids.set(m.to.join(','), (ids.get(m.to.join(',')) ?? new Set()).add(m.headers.get('message-id') ?? ''));
    expect([...ids.values()].every((set) => set.size === 1)).toBe(true);

    const reopened = openDatabase(dbFile);
    const report = statusReport(reopened);
    // Every start on the service, first sends and crash resends alike, keeps the 60 ms interval,
    // across all four processes: the resends go through the engine (requeue, then dispatch).
    const count = (type: string): number => (reopened.prepare('SELECT count(*) AS n FROM events WHERE type = ?').get(type) as { n: number }).n;
    // Each recipient was dispatched once, plus once more for each send in flight at a crash.
    expect([count('dispatch'), count('requeued')]).toEqual([expected.length + inFlightAtCrashes, inFlightAtCrashes]);
    const starts = (reopened.prepare("SELECT t FROM events WHERE type = 'dispatch' ORDER BY t").all() as { t: number }[]).map((r) => r.t);
    expect(delivered.length).toBeLessThanOrEqual(starts.length);
    for (let i = 1; i < starts.length; i += 1) expect(starts[i]! - starts[i - 1]!).toBeGreaterThanOrEqual(60);
    reopened.close();
    expect(report.runner.pid).toBe(null);
    expect(report.tasks.map((t) => [t.id, t.state, t.sent, t.failed])).toEqual([['ta', 'completed', PER_TASK, 0], ['tb', 'completed', PER_TASK, 0]]);
    expect(report.ledger).toEqual([
      { user: 'alice', granted: 50, reserved: 0, consumed: PER_TASK, balance: 50 - PER_TASK },
      { user: 'bob', granted: 50, reserved: 0, consumed: PER_TASK, balance: 50 - PER_TASK },
    ]);
    const engineUsers = (report.engine as { users: { id: string; granted: number; reserved: number; consumed: number; balance: number }[] }).users;
    expect(engineUsers.map((u) => ({ user: u.id, granted: u.granted, reserved: u.reserved, consumed: u.consumed, balance: u.balance }))).toEqual(report.ledger);
  });
});
