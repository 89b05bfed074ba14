// Restoring = last snapshot + replay of the journal since: the restored engine must be the engine
// that was running, exactly (compared through its own snapshot), across a periodic snapshot.
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SNAPSHOT_EVERY_CALLS } from '../../runner/engine-journal.ts';
import { openRunnerCore } from '../../runner/runner-core.ts';
import { createRunner } from '../../runner/runner.ts';
import { openDatabase } from '../../runner/store.ts';
import { importTask } from '../../runner/task-import.ts';
import { createMemoryTransport } from '../../runner/transport.ts';
import { smtpConfig, tempDir, until } from './fixtures.ts';

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => { tmp = tempDir(); });
afterEach(() => { tmp.remove(); });

describe('engine journal', () => {
  it('restores exactly the running engine after more calls than one snapshot period', async () => {
    const dbFile = join(tmp.dir, 'j.db');
    const memory = createMemoryTransport();
    const config = smtpConfig(2525, { users: [{ id: 'alice', quota: 400 }, { id: 'bob', quota: 400 }] }, { intervalMs: 1 });
    const runner = createRunner(config, { dbFile, logger: pino({ level: 'silent' }), transports: { smtp1: memory } });
    for (const [id, user] of [['ta', 'alice'], ['tb', 'bob']] as const) {
      const csv = ['email', ...Array.from({ length: 200 }, (_, i) => `${id}${i}@example.test`)].join('\n');
      expect(importTask(runner.core.db, Date.now(), { id, user, csvText: csv, template: { subject: 's', text: 'x' } }).ok).toBe(true);
    }
    runner.start();
    // Stop mid-campaign: part of the state comes from the snapshot, part from the journal.
    await until(() => memory.sent.length >= 300, 20_000, '300 sends');
    await runner.stop();
    const live = JSON.stringify(runner.core.engine.snapshot());
    const db = openDatabase(dbFile);
    const journalRows = (db.prepare('SELECT count(*) AS n FROM journal').get() as { n: number }).n;
    expect(journalRows).toBeGreaterThan(0);
    expect(journalRows).toBeLessThan(SNAPSHOT_EVERY_CALLS);
    expect((db.prepare('SELECT journal_seq FROM engine_snapshot').get() as { journal_seq: number }).journal_seq).toBeGreaterThanOrEqual(SNAPSHOT_EVERY_CALLS);
    const restored = openRunnerCore(db, null);
    expect(JSON.stringify(restored?.engine.snapshot())).toBe(live);
    db.close();
  });

  it('keeps the engine options the database was created with, and says which config ones differ', async () => {
    const dbFile = join(tmp.dir, 'o.db');
    const silent = pino({ level: 'silent' });
    await createRunner(smtpConfig(2525), { dbFile, logger: silent, transports: { smtp1: createMemoryTransport() } }).stop();
    const again = createRunner(smtpConfig(2525, { policy: 'fifo', chargeFailures: true }), { dbFile, logger: silent, transports: { smtp1: createMemoryTransport() } });
    expect(again.core.ignoredOptions).toEqual(['policy', 'chargeFailures']);
    expect(again.core.chargeFailures).toBe(false);
    await again.stop();
  });
});
