// A long-running runner keeps its engine (and so every snapshot) to the open work: ended tasks are
// forgotten by the engine at each periodic snapshot and live on in the database, and commands on
// them still get a clear answer. Real SQLite file, real CLI for the command.
import { join } from 'node:path';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { createRunner } from '../../runner/runner.ts';
import { importTask } from '../../runner/task-import.ts';
import { createMemoryTransport } from '../../runner/transport.ts';
import { childSandbox, contactsCsv, query, smtpConfig, until } from './fixtures.ts';

const sandbox = childSandbox();

describe('ended tasks leave the engine, not the database', () => {
  it('snapshots hold only open tasks; a command on an ended one says it has ended', { timeout: 60_000 }, async () => {
    const dbFile = join(sandbox.dir(), 'f.db');
    const config = smtpConfig(2525, { users: [{ id: 'alice', quota: 2_000 }] }, { intervalMs: 1 });
    const runner = createRunner(config, { dbFile, logger: pino({ level: 'silent' }), transports: { smtp1: createMemoryTransport() } });
    runner.start();
    const add = (id: string, count: number): void => {
      expect(importTask(runner.core.db, Date.now(), { id, user: 'alice', csvText: contactsCsv(id, count), template: { subject: 'S', text: 'x' } }).ok).toBe(true);
      runner.wake();
    };
    const state = (id: string): string | undefined => (runner.core.db.prepare('SELECT state FROM tasks WHERE id = ?').get(id) as { state: string } | undefined)?.state;
    add('first', 300);
    await until(() => state('first') === 'completed', 20_000, 'the first task completed');
    // Enough further engine calls (one poll and one report per send) for another periodic snapshot.
    add('second', 400);
    await until(() => state('second') === 'completed', 30_000, 'the second task completed');
    add('third', 1);
    await until(() => state('third') === 'completed', 10_000, 'the third task completed');
    await runner.stop();

    const snapshot = loadSnapshotFrom(dbFile);
    const tasks = (snapshot.body as { tasks: { id: string }[] }).tasks.map((t) => t.id);
    expect(tasks).not.toContain('first');
    expect(query(dbFile, 'SELECT id, state, sent FROM tasks ORDER BY id')).toEqual([
      { id: 'first', state: 'completed', sent: 300 },
      { id: 'second', state: 'completed', sent: 400 },
      { id: 'third', state: 'completed', sent: 1 },
    ]);
    const cancel = await sandbox.fairsend(['task', 'cancel', 'first', '--db', dbFile]).done;
    expect([cancel.code, cancel.stderr]).toEqual([2, "fairsend: task cancel first refused: INVALID_STATE: task 'first' is completed\n"]);
  });
});

function loadSnapshotFrom(dbFile: string): { body: unknown } {
  const rows = query<{ body: string }>(dbFile, 'SELECT body FROM engine_snapshot WHERE id = 1');
  return { body: JSON.parse(rows[0]!.body) as unknown };
}
