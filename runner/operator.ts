// What the operator CLI does, as functions that return values (cli.ts only prints and exits).
// A command is written to the database; a live runner applies it within `commandPollMs`; with no
// runner up, this process takes the writer lock and applies it itself through the same core.
import type { Database as Db } from 'better-sqlite3';
import { commandResult, enqueueCommand } from './commands.ts';
import type { Command, CommandResult } from './commands.ts';
import { ledgerBalances } from './projection.ts';
import type { LedgerBalance } from './projection.ts';
import { openRunnerCore } from './runner-core.ts';
import { acquireLock, lastHeartbeat, liveRunnerPid, releaseLock } from './runner-lock.ts';

export type Submitted =
  | { state: 'applied'; result: CommandResult }
  | { state: 'queued'; commandId: number; reason: string };

const WAIT_STEP_MS = 50;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => { setTimeout(resolve, ms); });

/** Applies pending commands in this process when no runner is up; false if it could not. */
export function applyWithoutRunner(db: Db, now: number): boolean {
  if (!acquireLock(db, now, process.pid).ok) return false;
  try {
    const core = openRunnerCore(db, null);
    if (core === null) return false;
    core.applyPendingCommands();
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
    if (result !== null) return { state: 'applied', result };
    if (liveRunnerPid(db) === null) {
      if (applyWithoutRunner(db, Date.now())) continue;
      return { state: 'queued', commandId, reason: 'no runner has used this database yet; it will apply the command when it starts' };
    }
    await sleep(WAIT_STEP_MS);
  }
  return { state: 'queued', commandId, reason: `the runner has not applied it within ${waitMs} ms` };
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
