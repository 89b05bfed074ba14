// The synchronous heart of the runner: the engine plus its database, without timers or sockets.
// Every engine call goes through `commit`, which stores the call itself (journal), its events and
// their projection in one SQLite transaction, plus a fresh snapshot every SNAPSHOT_EVERY_CALLS calls. The CLI uses the same core to apply commands
// when no runner is up, so there is exactly one way to change state.
import type { Database as Db } from 'better-sqlite3';
import { createEngine, restoreEngine } from '../engine/index.ts';
import type { Engine, EngineEvent, EngineOptions, EngineSnapshot } from '../engine/index.ts';
import { appendJournal, journaled, replayJournal, SNAPSHOT_EVERY_CALLS } from './engine-journal.ts';
import type { JournalEntry } from './engine-journal.ts';
import { finishCommand, pendingCommands } from './commands.ts';
import type { Command, CommandResult } from './commands.ts';
import type { RunnerConfig } from './config.ts';
import { applyEvents } from './projection.ts';
import { lastEventTime, loadSnapshot, saveSnapshot } from './store.ts';
import type { StoredEvent } from './store.ts';

/** Engine options that must be identical on every restore; kept in `meta` so the CLI can restore. */
export interface StoredEngineOptions {
  policy: 'fair' | 'round-robin' | 'fifo';
  retry?: EngineOptions['retry'];
  servicePause?: EngineOptions['servicePause'];
  quotaWaitMs?: number;
  chargeFailures: boolean;
}

export interface RunnerCore {
  readonly db: Db;
  readonly engine: Engine;
  readonly chargeFailures: boolean;
  /** Wall-clock time that never goes backwards (the engine refuses time that does). */
  now(): number;
  /** Runs engine calls and persists their events, projection and snapshot atomically. */
  commit<T>(fn: (now: number) => T): T;
  /** Applies up to COMMANDS_PER_WAKE_MAX pending operator commands; returns how many. */
  applyPendingCommands(): number;
  /**
   * Engine options of the config that differ from those the database's engine was created with.
   * The database's win (decisions must replay identically); the runner warns about these.
   */
  readonly ignoredOptions: string[];
  /** How far the database's last recorded time was ahead of this machine's clock when opened (0 if not). */
  readonly aheadMs: number;
}

export function engineOptionsOf(config: RunnerConfig): StoredEngineOptions {
  return {
    policy: config.policy,
    ...(config.retry === undefined ? {} : { retry: config.retry }),
    ...(config.servicePause === undefined ? {} : { servicePause: config.servicePause }),
    ...(config.quotaWaitMs === undefined ? {} : { quotaWaitMs: config.quotaWaitMs }),
    chargeFailures: config.chargeFailures,
  };
}

export function readStoredOptions(db: Db): StoredEngineOptions | null {
  const row = db.prepare("SELECT value FROM meta WHERE key = 'engine_options'").get() as { value: string } | undefined;
  return row === undefined ? null : (JSON.parse(row.value) as StoredEngineOptions);
}

function writeStoredOptions(db: Db, options: StoredEngineOptions): void {
  db.prepare("INSERT INTO meta (key, value) VALUES ('engine_options', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value")
    .run(JSON.stringify(options));
}

function differingOptions(wanted: StoredEngineOptions, actual: EngineSnapshot['options']): string[] {
  const out: string[] = [];
  if (wanted.policy !== actual.policy) out.push('policy');
  if (wanted.chargeFailures !== actual.chargeFailures) out.push('chargeFailures');
  if (wanted.quotaWaitMs !== undefined && wanted.quotaWaitMs !== actual.quotaWaitMs) out.push('quotaWaitMs');
  const differs = (a: object | undefined, b: object): boolean =>
    a !== undefined && Object.entries(a).some(([k, v]) => (b as Record<string, unknown>)[k] !== v);
  if (differs(wanted.retry, actual.retry)) out.push('retry');
  if (differs(wanted.servicePause, actual.servicePause)) out.push('servicePause');
  return out;
}

/**
 * Opens the core on a database: restores the engine from the stored snapshot, or creates a fresh
 * one (only when `options` are given: the runner; the CLI never creates an engine).
 */
export function openRunnerCore(
  db: Db, options: StoredEngineOptions | null, clock: () => number = Date.now,
  /** Called with a call's events once they are committed (not for replayed ones). */
  onCommitted?: (events: readonly EngineEvent[]) => void,
): RunnerCore | null {
  const stored = readStoredOptions(db);
  const effective = options ?? stored;
  if (effective === null) return null;
  let last = Math.max(lastEventTime(db), loadSnapshot(db)?.t ?? 0);
  const now = (): number => {
    last = Math.max(last, clock());
    return last;
  };
  const buffer: EngineEvent[] = [];
  let replaying = false;
  const onEvent = (e: EngineEvent): void => {
    // Replayed calls re-emit events that are already in the log and the tables.
    if (!replaying) buffer.push(e);
  };
  const snapshot = loadSnapshot(db);
  let raw: Engine;
  if (snapshot === null) {
    if (options === null) return null;
    raw = createEngine({ ...effective, onEvent, startAt: now() });
  } else {
    raw = restoreEngine(snapshot.body as EngineSnapshot, { onEvent });
    replaying = true;
    try {
      last = Math.max(last, replayJournal(db, raw, snapshot.journalSeq));
    } finally {
      replaying = false;
    }
  }
  const ignoredOptions = snapshot === null || options === null ? [] : differingOptions(options, (snapshot.body as EngineSnapshot).options);
  const aheadMs = Math.max(0, last - clock());
  const chargeFailures = snapshot === null ? effective.chargeFailures : (snapshot.body as EngineSnapshot).options.chargeFailures;
  if (options !== null && snapshot === null) writeStoredOptions(db, options);
  const journal: JournalEntry[] = [];
  const engine = journaled(raw, journal);
  const projection = { chargeFailures };
  let callsSinceSnapshot = snapshot === null ? SNAPSHOT_EVERY_CALLS : 0;

  const commit = <T>(fn: (t: number) => T): T => {
    const t = now();
    let committed: EngineEvent[] = [];
    const run = db.transaction(() => {
      buffer.length = 0;
      journal.length = 0;
      const value = fn(t);
      const seq = appendJournal(db, journal);
      if (buffer.length > 0) applyEvents(db, buffer as unknown as StoredEvent[], projection);
      committed = buffer.slice();
      callsSinceSnapshot += journal.length;
      if (callsSinceSnapshot >= SNAPSHOT_EVERY_CALLS && seq > 0) {
        // Ended tasks live on in the database; the engine (and so the snapshot) keeps open work only.
        journal.length = 0;
        engine.forgetEndedTasks(t);
        saveSnapshot(db, t, raw.snapshot(), appendJournal(db, journal));
        callsSinceSnapshot = 0;
      }
      return value;
    });
    try {
      // IMMEDIATE: the write lock is taken before the engine call runs, so when another process
      // holds it too long (SQLITE_BUSY) nothing has happened yet and the caller may simply retry.
      const value = run.immediate();
      if (onCommitted !== undefined && committed.length > 0) onCommitted(committed);
      return value;
    } finally {
      buffer.length = 0;
      journal.length = 0;
    }
  };

  const core: RunnerCore = {
    db, engine, chargeFailures, now, commit, ignoredOptions, aheadMs,
    applyPendingCommands: () => {
      const rows = pendingCommands(db);
      for (const row of rows) {
        commit((t) => finishCommand(db, row.id, t, applyCommand(core, t, row.command)));
      }
      return rows.length;
    },
  };
  return core;
}

function refusal(error: { code: string; message: string }): CommandResult {
  return { ok: false, code: error.code, message: error.message };
}

function createTaskFromDb(core: RunnerCore, t: number, task: string): CommandResult {
  const { db, engine } = core;
  const row = db.prepare('SELECT user, state, total, services FROM tasks WHERE id = ?').get(task) as { user: string; state: string; total: number; services: string | null } | undefined;
  if (row === undefined) return { ok: false, code: 'UNKNOWN_TASK', message: `task ${task} is not in the database` };
  if (row.state !== 'pending') return { ok: false, code: 'INVALID_STATE', message: `task ${task} is ${row.state}, not pending` };
  const services = row.services === null ? undefined : (JSON.parse(row.services) as string[]);
  const created = engine.createTask(t, { id: task, user: row.user, recipients: row.total, ...(services === undefined ? {} : { services }) });
  if (!created.ok) {
    // Nothing was reserved and nothing is kept (the id can be used again); the refusal stays on
    // record in the commands table.
    db.prepare('DELETE FROM recipients WHERE task = ?').run(task);
    db.prepare('DELETE FROM tasks WHERE id = ?').run(task);
    return refusal(created.error);
  }
  return { ok: true, value: { task, reserved: created.value.reserved, estimatedCompletionAt: created.value.estimatedCompletionAt } };
}

/**
 * A task command's result. The engine forgets ended tasks (see forgetEndedTasks) while the database
 * keeps them: for those, "unknown task" becomes what the user needs to hear, that it has ended.
 */
function onTask(core: RunnerCore, task: string, result: CommandResult): CommandResult {
  if (result.ok || result.code !== 'UNKNOWN_TASK') return result;
  const row = core.db.prepare('SELECT state FROM tasks WHERE id = ?').get(task) as { state: string } | undefined;
  if (row === undefined || !['completed', 'cancelled', 'expired'].includes(row.state)) return result;
  return { ok: false, code: 'INVALID_STATE', message: `task '${task}' is ${row.state}` };
}

function applyCommand(core: RunnerCore, t: number, command: Command): CommandResult {
  const { engine } = core;
  const wrap = (result: { ok: true; value: unknown } | { ok: false; error: { code: string; message: string } }): CommandResult =>
    (result.ok ? { ok: true, value: result.value ?? null } : refusal(result.error));
  switch (command.kind) {
    case 'create_task': return createTaskFromDb(core, t, command.task);
    case 'pause_task': return onTask(core, command.task, wrap(engine.pauseTask(t, command.task)));
    case 'resume_task': return onTask(core, command.task, wrap(engine.resumeTask(t, command.task)));
    case 'cancel_task': return onTask(core, command.task, wrap(engine.cancelTask(t, command.task)));
    case 'pause_service': return wrap(engine.pauseService(t, command.service));
    case 'resume_service': return wrap(engine.resumeService(t, command.service));
    case 'grant_quota': return wrap(engine.grantQuota(t, command.user, command.amount));
  }
}

/**
 * Whether `err` is SQLite saying the database is busy: another process (an operator importing a
 * large task, say) held the write lock past the busy timeout. From `commit` this means nothing was
 * done, so the caller retries rather than dying.
 */
export function isBusy(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED'));
}
