import { spawn } from 'node:child_process';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { applyEvents, ledgerBalances } from '../../runner/projection.ts';
import { SCHEMA_VERSION, loadSnapshot, openDatabase, saveSnapshot } from '../../runner/store.ts';
import { tempDir } from './fixtures.ts';

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => { tmp = tempDir(); });
afterEach(() => { tmp.remove(); });

describe('store', () => {
  it('creates the schema in WAL mode and records its version', () => {
    const db = openDatabase(join(tmp.dir, 's.db'));
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string }[]).map((t) => t.name);
    expect(tables).toEqual(['commands', 'engine_snapshot', 'events', 'journal', 'ledger', 'meta', 'recipients', 'runner_lock', 'services', 'sqlite_sequence', 'tasks', 'users']);
    db.close();
  });

  it('re-opens without migrating again and refuses a newer schema', () => {
    const file = join(tmp.dir, 's.db');
    openDatabase(file).close();
    const db = openDatabase(file);
    expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    db.pragma('user_version = 99');
    db.close();
    expect(() => openDatabase(file)).toThrow(`database schema version 99 is newer than this fairsend (${SCHEMA_VERSION})`);
  });

  it('does not upgrade a database an older runner is still using, and upgrades it once that runner is gone', async () => {
    const file = join(tmp.dir, 's.db');
    const db = openDatabase(file);
    // As an older fairsend left it: schema 2 (no task restrictions), a live runner holding the lock.
    db.exec('ALTER TABLE tasks DROP COLUMN services');
    db.pragma('user_version = 2');
    const older = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    try {
      // A live runner writes its heartbeat every second.
      db.prepare('INSERT INTO runner_lock (id, pid, heartbeat_at) VALUES (1, ?, ?)').run(older.pid, Date.now());
      db.close();
      expect(() => openDatabase(file)).toThrow(`database schema version 2 needs upgrading to ${SCHEMA_VERSION}, but a runner (pid ${older.pid}) is using it: stop that runner, then start this version of fairsend on it`);
      const raw = new Database(file, { readonly: true });
      expect(raw.pragma('user_version', { simple: true })).toBe(2);
      raw.close();
    } finally {
      older.kill('SIGKILL');
      await new Promise((resolve) => older.once('exit', resolve));
    }
    const upgraded = openDatabase(file);
    expect(upgraded.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    upgraded.close();
  });

  it('keeps one snapshot row and drops the journal entries it covers', () => {
    const file = openDatabase(join(tmp.dir, 'snap.db'));
    expect(loadSnapshot(file)).toBe(null);
    for (const op of ['poll', 'poll', 'report']) file.prepare("INSERT INTO journal (op, args) VALUES (?, '[1]')").run(op);
    saveSnapshot(file, 5, { a: 1 }, 2);
    expect(file.prepare('SELECT seq, op FROM journal').all()).toEqual([{ seq: 3, op: 'report' }]);
    saveSnapshot(file, 9, { a: 2 }, 3);
    expect(loadSnapshot(file)).toEqual({ t: 9, body: { a: 2 }, journalSeq: 3 });
    // Sequence numbers are never reused once the journal is empty.
    file.prepare("INSERT INTO journal (op, args) VALUES ('poll', '[1]')").run();
    expect(file.prepare('SELECT seq FROM journal').all()).toEqual([{ seq: 4 }]);
    file.close();
  });

  it('projects quota events onto a ledger that balances', () => {
    const db = openDatabase(join(tmp.dir, 'p.db'));
    db.prepare("INSERT INTO tasks (id, user, state, subject, total, created_at) VALUES ('t', 'u', 'pending', 's', 3, 0)").run();
    for (let i = 0; i < 3; i += 1) db.prepare("INSERT INTO recipients (task, idx, address, fields, state) VALUES ('t', ?, ?, '{}', 'queued')").run(i, `r${i}@example.test`);
    const base = { service: 's', user: 'u', task: 't' };
    applyEvents(db, [
      { t: 1, type: 'user_added', user: 'u', quota: 10, weight: 1 },
      { t: 2, type: 'quota_granted', user: 'u', amount: 5, balance: 15 },
      { t: 3, type: 'task_created', task: 't', user: 'u', recipients: 3, reserved: 3 },
      { t: 4, type: 'dispatch', ...base, recipient: 0, attempt: 1 },
      { t: 5, type: 'outcome', ...base, recipient: 0, attempt: 1, result: 'sent', final: 'sent', detail: '250 ok' },
      { t: 6, type: 'dispatch', ...base, recipient: 1, attempt: 1 },
      { t: 7, type: 'outcome', ...base, recipient: 1, attempt: 1, result: 'rejected', final: 'failed' },
      { t: 7, type: 'quota_refunded', user: 'u', task: 't', amount: 1 },
      { t: 8, type: 'task_cancelled', task: 't', user: 'u', refunded: 1 },
      { t: 8, type: 'quota_refunded', user: 'u', task: 't', amount: 1 },
    ], { chargeFailures: false });
    expect(ledgerBalances(db)).toEqual([{ user: 'u', granted: 15, reserved: 0, consumed: 1, balance: 14 }]);
    expect(db.prepare('SELECT granted, balance, reserved, consumed FROM users').get()).toEqual({ granted: 15, balance: 14, reserved: 0, consumed: 1 });
    expect(db.prepare('SELECT idx, state, result, detail, sends FROM recipients ORDER BY idx').all()).toEqual([
      { idx: 0, state: 'sent', result: 'sent', detail: '250 ok', sends: 1 },
      { idx: 1, state: 'failed', result: 'rejected', detail: null, sends: 1 },
      { idx: 2, state: 'cancelled', result: null, detail: null, sends: 0 },
    ]);
    expect(db.prepare('SELECT state, sent, failed FROM tasks').get()).toEqual({ state: 'cancelled', sent: 1, failed: 1 });
    expect(db.prepare('SELECT count(*) AS n FROM events').get()).toEqual({ n: 10 });
    db.close();
  });
});
