// The runner's SQLite database (better-sqlite3, WAL): schema migrations, the engine snapshot, and a
// relational projection of the engine's events (users, services, tasks, recipients, quota ledger,
// event log). The runner writes an engine call's events, their projection and the new snapshot in
// ONE transaction, so the database is always a state the engine really was in.
import { existsSync, statSync } from 'node:fs';
import Database from 'better-sqlite3';
import type { Database as Db } from 'better-sqlite3';
import { liveRunnerPid } from './runner-lock.ts';

/** An engine event as the store sees it: only the fields the projection reads are typed. */
export interface StoredEvent {
  t: number;
  type: string;
  [field: string]: unknown;
}

// Each entry moves the schema from version i to i+1; never edit one that has shipped, add another.
const MIGRATIONS: readonly string[] = [
  `CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
   CREATE TABLE engine_snapshot (id INTEGER PRIMARY KEY CHECK (id = 1), t INTEGER NOT NULL, body TEXT NOT NULL);
   CREATE TABLE users (id TEXT PRIMARY KEY, weight INTEGER NOT NULL, state TEXT NOT NULL,
     granted INTEGER NOT NULL, balance INTEGER NOT NULL, reserved INTEGER NOT NULL, consumed INTEGER NOT NULL);
   CREATE TABLE services (id TEXT PRIMARY KEY, spec TEXT NOT NULL, state TEXT NOT NULL, resume_at INTEGER);
   CREATE TABLE tasks (id TEXT PRIMARY KEY, user TEXT NOT NULL, state TEXT NOT NULL, subject TEXT NOT NULL,
     text TEXT, html TEXT, sender TEXT, total INTEGER NOT NULL, sent INTEGER NOT NULL DEFAULT 0,
     failed INTEGER NOT NULL DEFAULT 0, created_at INTEGER NOT NULL, note TEXT);
   CREATE TABLE recipients (task TEXT NOT NULL, idx INTEGER NOT NULL, address TEXT NOT NULL,
     fields TEXT NOT NULL, state TEXT NOT NULL, attempt INTEGER NOT NULL DEFAULT 0, service TEXT,
     dispatched_at INTEGER, result TEXT, detail TEXT, sends INTEGER NOT NULL DEFAULT 0,
     PRIMARY KEY (task, idx)) WITHOUT ROWID;
   CREATE INDEX recipients_state ON recipients (state);
   CREATE TABLE ledger (seq INTEGER PRIMARY KEY, t INTEGER NOT NULL, user TEXT NOT NULL, task TEXT,
     kind TEXT NOT NULL, amount INTEGER NOT NULL);
   CREATE TABLE events (seq INTEGER PRIMARY KEY, t INTEGER NOT NULL, type TEXT NOT NULL, body TEXT NOT NULL);
   CREATE TABLE commands (id INTEGER PRIMARY KEY, created_at INTEGER NOT NULL, kind TEXT NOT NULL,
     args TEXT NOT NULL, status TEXT NOT NULL DEFAULT 'pending', result TEXT, applied_at INTEGER);
   CREATE INDEX commands_status ON commands (status, id);
   CREATE TABLE runner_lock (id INTEGER PRIMARY KEY CHECK (id = 1), pid INTEGER NOT NULL, heartbeat_at INTEGER NOT NULL);`,
  // 2: engine calls since the last snapshot (see engine-journal.ts); snapshots become periodic.
  // AUTOINCREMENT: seq must never be reused after the journal is emptied by a snapshot.
  `CREATE TABLE journal (seq INTEGER PRIMARY KEY AUTOINCREMENT, op TEXT NOT NULL, args TEXT NOT NULL);
   ALTER TABLE engine_snapshot ADD COLUMN journal_seq INTEGER NOT NULL DEFAULT 0;`,
  // 3: a task may be restricted to some services (a JSON list of ids; NULL = any of its user's).
  'ALTER TABLE tasks ADD COLUMN services TEXT;',
];

export const SCHEMA_VERSION = MIGRATIONS.length;

/** A database file fairsend must not or cannot use: an expected refusal, shown as one line. */
export class DatabaseError extends Error {
  override readonly name = 'DatabaseError';
  /** The file was locked by another process: trying again later may work. */
  constructor(message: string, readonly busy = false) {
    super(message);
  }
}

export interface OpenOptions {
  /** Never write (no migration, no journal-mode change): what `status` uses. */
  readonly?: boolean;
}

function connect(file: string, readonly: boolean): Db {
  if (existsSync(file) && statSync(file).isDirectory()) throw new DatabaseError(`${file}: is a directory, not a database file`);
  try {
    return new Database(file, readonly ? { readonly: true, fileMustExist: true } : {});
  } catch (err) {
    throw new DatabaseError(`${file}: cannot open: ${(err as Error).message}`);
  }
}

/**
 * Refuses what is not a fairsend database of a version this code can use; reads only, in one read
 * transaction, so that another process migrating the file meanwhile cannot show a version and a
 * list of tables from two different moments.
 */
function checkIdentity(db: Db, file: string, readonly: boolean): void {
  db.transaction(() => identity(db, file, readonly))();
}

function identity(db: Db, file: string, readonly: boolean): void {
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version > MIGRATIONS.length) {
    throw new DatabaseError(`${file}: database schema version ${version} is newer than this fairsend (${MIGRATIONS.length}); use a newer fairsend`);
  }
  const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map((t) => t.name);
  // Our first migration creates `meta`; anything else with tables belongs to someone else.
  if ((version === 0 && tables.length > 0) || (version > 0 && !tables.includes('meta'))) {
    throw new DatabaseError(`${file}: not a fairsend database (it holds other tables); refusing to change it`);
  }
  if (readonly && version < MIGRATIONS.length) {
    throw new DatabaseError(`${file}: database schema version ${version} is older than this fairsend (${MIGRATIONS.length}); start \`fairsend run\` on it once to upgrade it`);
  }
}

const OPEN_RETRIES = 50;
const OPEN_RETRY_MS = 100;

/**
 * Opens (creating if missing, unless read-only) and migrates a fairsend database. Two processes
 * opening a new file at once can find it locked while the other switches it to WAL (SQLite does not
 * always wait for that): the open is then tried again, for at most OPEN_RETRIES × OPEN_RETRY_MS.
 */
export function openDatabase(file: string, options: OpenOptions = {}): Db {
  for (let attempt = 1; ; attempt++) {
    try {
      return openOnce(file, options);
    } catch (err) {
      if (!(err instanceof DatabaseError && err.busy) || attempt >= OPEN_RETRIES) throw err;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, OPEN_RETRY_MS);
    }
  }
}

function openOnce(file: string, options: OpenOptions): Db {
  const readonly = options.readonly === true;
  const db = connect(file, readonly);
  try {
    db.pragma('busy_timeout = 5000');
    // Before anything that writes: the journal mode is stored in the file itself.
    checkIdentity(db, file, readonly);
    if (!readonly) {
      db.pragma('journal_mode = WAL');
      // FULL: a commit survives power loss too; the runner commits per engine call, not per byte.
      db.pragma('synchronous = FULL');
      migrate(db);
    }
    return db;
  } catch (err) {
    db.close();
    if (err instanceof Database.SqliteError) throw new DatabaseError(`${file}: not a usable database: ${err.message}`, err.code === 'SQLITE_BUSY');
    throw err;
  }
}

/**
 * Brings the schema up to date. An upgrade happens in one IMMEDIATE transaction that reads the
 * version again under the write lock: two processes opening a new file at once (a CLI command and a
 * runner, say) then migrate it once, instead of both seeing version 0 and the second failing on
 * tables that already exist.
 */
export function migrate(db: Db): void {
  // Up to date: no write lock needed (a runner may hold it, or be stopped holding it).
  if ((db.pragma('user_version', { simple: true }) as number) === MIGRATIONS.length) return;
  db.transaction(() => {
    const version = db.pragma('user_version', { simple: true }) as number;
    if (version > MIGRATIONS.length) {
      throw new Error(`database schema version ${version} is newer than this fairsend (${MIGRATIONS.length})`);
    }
    // An older runner still at work on the file would break on a schema it does not know.
    const holder = version >= 1 && version < MIGRATIONS.length ? liveRunnerPid(db) : null;
    if (holder !== null && holder !== process.pid) {
      throw new DatabaseError(`database schema version ${version} needs upgrading to ${MIGRATIONS.length}, but a runner (pid ${holder}) is using it: stop that runner, then start this version of fairsend on it`);
    }
    for (let v = version; v < MIGRATIONS.length; v += 1) {
      db.exec(MIGRATIONS[v] ?? '');
      db.pragma(`user_version = ${v + 1}`);
    }
  }).immediate();
}

export interface StoredSnapshot {
  t: number;
  body: unknown;
  /** The last journal entry the snapshot includes; later entries are replayed on restore. */
  journalSeq: number;
}

export function loadSnapshot(db: Db): StoredSnapshot | null {
  const row = db.prepare('SELECT t, body, journal_seq FROM engine_snapshot WHERE id = 1').get() as { t: number; body: string; journal_seq: number } | undefined;
  return row === undefined ? null : { t: row.t, body: JSON.parse(row.body) as unknown, journalSeq: row.journal_seq };
}

/** Stores the snapshot and drops the journal entries it includes. */
export function saveSnapshot(db: Db, t: number, body: unknown, journalSeq = 0): void {
  db.prepare('INSERT INTO engine_snapshot (id, t, body, journal_seq) VALUES (1, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET t = excluded.t, body = excluded.body, journal_seq = excluded.journal_seq')
    .run(t, JSON.stringify(body), journalSeq);
  db.prepare('DELETE FROM journal WHERE seq <= ?').run(journalSeq);
}

export function lastEventTime(db: Db): number {
  const row = db.prepare('SELECT max(t) AS t FROM events').get() as { t: number | null };
  return row.t ?? 0;
}
