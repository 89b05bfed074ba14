// What a runner checks when it starts on an existing database. A config the engine refuses (here a
// weight above its limit, which only the engine checks) changes nothing: not the valid user listed
// next to the bad one, not a service's new interval (it used to commit all it could first). A config
// change the database does not take by itself, and a database whose time is ahead of the clock, are
// named in warnings, so an operator is not left wondering why nothing changed or nothing is sent.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { pino } from 'pino';
import type { Logger } from 'pino';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../runner/config.ts';
import { createRunner, RunnerStartError } from '../../runner/runner.ts';
import { createMemoryTransport } from '../../runner/transport.ts';
import { query, smtpConfig, tempDir } from './fixtures.ts';

/** A database in a fresh temp dir, and a logger whose warnings the test reads back. */
async function withWarnings(test: (dbFile: string, logger: Logger, warnings: Warning[]) => Promise<void>): Promise<void> {
  const { dir, remove } = tempDir();
  const warnings: Warning[] = [];
  const logger = pino({ level: 'warn' }, { write: (line: string) => { warnings.push(JSON.parse(line) as Warning); } });
  try {
    await test(join(dir, 'w.db'), logger, warnings);
  } finally {
    remove();
  }
}

interface Warning { msg: string; path?: string; aheadMs?: number }

describe('a refused config', () => {
  it('leaves the database as it was', async () => {
    const { dir, remove } = tempDir();
    try {
      const dbFile = join(dir, 'c.db');
      const quiet = { dbFile, logger: pino({ level: 'silent' }), transports: { smtp1: createMemoryTransport() } };
      await createRunner(smtpConfig(2525), quiet).stop();
      const before = {
        users: query(dbFile, 'SELECT id, weight FROM users ORDER BY id'),
        services: query(dbFile, 'SELECT id, spec FROM services ORDER BY id'),
        ledger: query(dbFile, 'SELECT count(*) AS n FROM ledger'),
      };
      const bad = smtpConfig(2525, { users: [{ id: 'alice', quota: 20 }, { id: 'bob', quota: 20 }, { id: 'carol', quota: 777 }, { id: 'dave', weight: 99_999 }] }, { intervalMs: 999 });
      expect(() => createRunner(bad, quiet)).toThrow(ConfigError);
      expect(() => createRunner(bad, quiet)).toThrow(/users\[3\]: user 'dave': weight must be an integer from 1 to 10000/);
      expect({
        users: query(dbFile, 'SELECT id, weight FROM users ORDER BY id'),
        services: query(dbFile, 'SELECT id, spec FROM services ORDER BY id'),
        ledger: query(dbFile, 'SELECT count(*) AS n FROM ledger'),
      }).toEqual(before);
      // And the database is still usable with a good config.
      await createRunner(smtpConfig(2525, {}, { intervalMs: 999 }), quiet).stop();
      expect(query<{ spec: string }>(dbFile, 'SELECT spec FROM services')[0]!.spec).toContain('"intervalMs":999');
    } finally {
      remove();
    }
  });
});

describe('a config change the database does not take by itself', () => {
  it('is named in a warning: a raised quota, a service back in the config while disabled', () => withWarnings(async (dbFile, logger, warnings) => {
    const run = async (config: ReturnType<typeof smtpConfig>): Promise<void> => {
      await createRunner(config, { dbFile, logger, transports: { smtp1: createMemoryTransport(), smtp2: createMemoryTransport() } }).stop();
    };
    const two = (extra: Record<string, unknown> = {}): ReturnType<typeof smtpConfig> => {
      const base = smtpConfig(2525, extra);
      return { ...base, services: [...base.services, { ...base.services[0]!, id: 'smtp2' }] };
    };
    await run(two());
    await run(smtpConfig(2525));
    const about = (): Warning[] => warnings.filter((w) => w.path !== undefined);
    expect(about()).toEqual([]);
    await run(two({ users: [{ id: 'alice', quota: 5_000 }, { id: 'bob', quota: 20 }] }));
    expect(about().map((w) => w.path)).toEqual(['users[0].quota', 'services[1]']);
    expect(about()[0]!.msg).toContain('`fairsend quota grant alice N` adds quota');
    expect(about()[1]!.msg).toContain('`fairsend service resume smtp2` enables it');
  }));
});

describe('a database whose recorded time is ahead of the clock', () => {
  it('is named in a warning at start: sending waits until the clock catches up', () => withWarnings(async (dbFile, logger, warnings) => {
    const options = { dbFile, logger, transports: { smtp1: createMemoryTransport() } };
    await createRunner(smtpConfig(2525), { ...options, clock: () => Date.now() + 2 * 3_600_000 }).stop();
    expect(warnings.filter((w) => w.aheadMs !== undefined)).toEqual([]);
    await createRunner(smtpConfig(2525), options).stop();
    const ahead = warnings.filter((w) => w.aheadMs !== undefined);
    expect(ahead).toHaveLength(1);
    expect(ahead[0]!.aheadMs).toBeGreaterThan(7_000_000);
    expect(ahead[0]!.msg).toMatch(/s ahead of this machine's clock .*sending waits until the clock catches up$/);
  }));
});

describe('a lock row whose pid another process now has', () => {
  it('is stale when that process started after the holder last wrote its heartbeat', () => withWarnings(async (dbFile, logger) => {
    const options = { dbFile, logger, transports: { smtp1: createMemoryTransport() } };
    await createRunner(smtpConfig(2525), options).stop();
    // A live process that is not a runner, as after a container restart reuses the old runner's pid.
    const other = spawn('sleep', ['60'], { stdio: 'ignore' });
    try {
      const lockAs = (heartbeatAt: number): void => {
        const db = new Database(dbFile);
        db.prepare('INSERT OR REPLACE INTO runner_lock (id, pid, heartbeat_at) VALUES (1, ?, ?)').run(other.pid, heartbeatAt);
        db.close();
      };
      // Its heartbeat is from after that process started: it may be the holder, so it is refused.
      lockAs(Date.now());
      expect(() => createRunner(smtpConfig(2525), options)).toThrow(RunnerStartError);
      // Last heard of ten minutes before that process existed: a reused pid, so the row is stale.
      lockAs(Date.now() - 10 * 60_000);
      await createRunner(smtpConfig(2525), options).stop();
    } finally {
      other.kill();
    }
  }));
});
