// What the operator CLI does, as functions that return values (cli.ts only prints and exits).
// A command is written to the database and ends in exactly one of three ways, so a script can tell
// them apart: a live runner applies it within `commandPollMs`; with no runner up, this process
// takes the writer lock and applies it itself through the same core; on a database no runner has
// ever set up there is nothing to apply it to, and it is withdrawn (refused, never applied later).
// Only when a runner holds the lock and does not answer in time is the command left queued: that
// runner (or the next process to take the lock) applies it, once, because a command is applied and
// marked done in one transaction under the lock.
import type { Database as Db } from 'better-sqlite3';
import { commandResult, enqueueCommand, withdrawCommand } from './commands.ts';
import type { Command, CommandResult } from './commands.ts';
import { ledgerBalances } from './projection.ts';
import type { LedgerBalance } from './projection.ts';
import { openRunnerCore } from './runner-core.ts';
import { acquireLock, lastHeartbeat, liveRunnerPid, releaseLock } from './runner-lock.ts';

/** The runner that held the database when the wait ended (null: none did). */
export interface LockHolder { pid: number; heartbeatAt: number | null }

export type Submitted =
  | { state: 'answered'; result: CommandResult }
  | { state: 'queued'; commandId: number; waitedMs: number; holder: LockHolder | null };

/** The refusal of a command on a database that no runner has set up (no users, services, engine). */
export const NOT_STARTED: CommandResult & { ok: false } = {
  ok: false, code: 'NOT_STARTED',
  message: 'no runner has set up this database yet (it has no users, services or engine); start `fairsend run --config FILE` on it, then send the command again (it was dropped, not queued)',
};

const WAIT_STEP_MS = 50;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => { setTimeout(resolve, ms); });

/**
 * With no runner up: takes the writer lock and applies the pending commands here (or withdraws
 * `commandId` when there is no engine). False when a runner holds the lock: it will apply them.
 */
export function applyWithoutRunner(db: Db, now: number, commandId: number): boolean {
  if (!acquireLock(db, now, process.pid).ok) return false;
  try {
    const core = openRunnerCore(db, null);
    if (core === null) withdrawCommand(db, commandId, now, NOT_STARTED);
    else core.applyPendingCommands();
    return true;
  } finally {
    releaseLock(db, process.pid);
  }
}

/** Waits (bounded) for a command's result; a live runner applies it at its next check. */
export async function awaitCommand(db: Db, commandId: number, waitMs: number): Promise<Submitted> {
  const steps = Math.ceil(waitMs / WAIT_STEP_MS);
  for (let i = 0; i <= steps; i += 1) {
    const result = commandResult(db, commandId);
    if (result !== null) return { state: 'answered', result };
    // Applying here is bounded per call (COMMANDS_PER_WAKE_MAX), so a long backlog also goes on.
    if (liveRunnerPid(db) === null && applyWithoutRunner(db, Date.now(), commandId)) continue;
    if (i < steps) await sleep(WAIT_STEP_MS);
  }
  const pid = liveRunnerPid(db);
  return { state: 'queued', commandId, waitedMs: waitMs, holder: pid === null ? null : { pid, heartbeatAt: lastHeartbeat(db) } };
}

export async function submitCommand(db: Db, command: Command, waitMs = 3_000): Promise<Submitted> {
  const id = enqueueCommand(db, Date.now(), command);
  return awaitCommand(db, id, waitMs);
}

export interface StatusReport {
  runner: { pid: number | null; heartbeatAt: number | null };
  engine: unknown;
  tasks: { id: string; user: string; state: string; total: number; sent: number; failed: number; note: string | null }[];
  ledger: LedgerBalance[];
  pendingCommands: number;
}

export function statusReport(db: Db): StatusReport {
  // One read transaction: in WAL mode it sees one consistent state, even if the running runner
  // replaces the snapshot and trims the journal between our reads.
  return db.transaction(() => readStatus(db))();
}

function readStatus(db: Db): StatusReport {
  const core = openRunnerCore(db, null);
  return {
    runner: { pid: liveRunnerPid(db), heartbeatAt: lastHeartbeat(db) },
    engine: core === null ? null : core.engine.status(),
    tasks: db.prepare('SELECT id, user, state, total, sent, failed, note FROM tasks ORDER BY created_at, id').all() as StatusReport['tasks'],
    ledger: ledgerBalances(db),
    pendingCommands: (db.prepare("SELECT count(*) AS n FROM commands WHERE status = 'pending'").get() as { n: number }).n,
  };
}
