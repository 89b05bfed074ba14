// Another process may hold the database's write lock for longer than the busy timeout (an operator
// importing a million-row task, say). The runner must wait it out: its commits take the lock before
// the engine call runs, so a busy database means nothing was done and the runner tries again. It
// once died there instead, in the middle of recording a send, and sent that mail twice on restart.
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { createRunner } from '../../runner/runner.ts';
import { importTask } from '../../runner/task-import.ts';
import { createMemoryTransport } from '../../runner/transport.ts';
import { contactsCsv, query, smtpConfig, tempDir, until } from './fixtures.ts';

describe('a database another process holds', () => {
  it('is waited out: the runner lives on and every recipient is sent exactly once', { timeout: 60_000 }, async () => {
    const { dir, remove } = tempDir();
    try {
      const dbFile = join(dir, 'busy.db');
      const transport = createMemoryTransport();
      const fatal: unknown[] = [];
      const warnings: string[] = [];
      const logger = pino({ level: 'warn' }, { write: (line: string) => { warnings.push((JSON.parse(line) as { msg: string }).msg); } });
      const config = smtpConfig(2525, { users: [{ id: 'alice', quota: 100 }] }, { intervalMs: 100 });
      const runner = createRunner(config, { dbFile, logger, transports: { smtp1: transport }, onFatal: (err) => fatal.push(err) });
      runner.start();
      expect(importTask(runner.core.db, Date.now(), { id: 'big', user: 'alice', csvText: contactsCsv('big', 30), template: { subject: 'S', text: 'x' } }).ok).toBe(true);
      runner.wake();
      await until(() => transport.sent.length >= 3, 10_000, 'the first sends');
      // Hold the write lock past the runner's busy timeout (5 s), as a long import would.
      const other = new Database(dbFile);
      other.prepare('BEGIN IMMEDIATE').run();
      await new Promise((resolve) => { setTimeout(resolve, 6_500); });
      other.prepare('COMMIT').run();
      other.close();
      await until(() => transport.sent.length >= 30 || fatal.length > 0, 30_000, 'all sends');
      await runner.stop();
      expect(fatal).toEqual([]);
      expect(warnings.some((w) => w.startsWith('database busy'))).toBe(true);
      const addresses = transport.sent.map((m) => m.to);
      expect(new Set(addresses).size).toBe(30);
      expect(addresses).toHaveLength(30);
      expect(query(dbFile, 'SELECT state, sent FROM tasks')).toEqual([{ state: 'completed', sent: 30 }]);
    } finally {
      remove();
    }
  });
});
