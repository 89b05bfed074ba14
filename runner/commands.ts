// Operator commands travel through the database: the CLI appends a row, the runner applies pending
// rows in id order at its next wake-up (at most `commandPollMs` later) and writes the result back.
// The same path works when no runner is up: the CLI then applies them itself (see operator.ts).
import type { Database as Db } from 'better-sqlite3';

export type Command =
  | { kind: 'create_task'; task: string }
  | { kind: 'pause_task' | 'resume_task' | 'cancel_task'; task: string }
  | { kind: 'pause_service' | 'resume_service'; service: string }
  | { kind: 'grant_quota'; user: string; amount: number };

export interface CommandRow {
  id: number;
  command: Command;
}

export type CommandResult = { ok: true; value: unknown } | { ok: false; code: string; message: string };

/** Only this many commands are applied per wake-up, so a flood cannot stall dispatching. */
export const COMMANDS_PER_WAKE_MAX = 100;

export function enqueueCommand(db: Db, now: number, command: Command): number {
  const { kind, ...args } = command;
  const info = db.prepare('INSERT INTO commands (created_at, kind, args) VALUES (?, ?, ?)').run(now, kind, JSON.stringify(args));
  return Number(info.lastInsertRowid);
}

export function pendingCommands(db: Db, limit = COMMANDS_PER_WAKE_MAX): CommandRow[] {
  const rows = db.prepare("SELECT id, kind, args FROM commands WHERE status = 'pending' ORDER BY id LIMIT ?").all(limit) as { id: number; kind: string; args: string }[];
  return rows.map((row) => ({ id: row.id, command: { kind: row.kind, ...JSON.parse(row.args) } as Command }));
}

export function hasPendingCommands(db: Db): boolean {
  return db.prepare("SELECT 1 FROM commands WHERE status = 'pending' LIMIT 1").get() !== undefined;
}

export function finishCommand(db: Db, id: number, now: number, result: CommandResult): void {
  db.prepare('UPDATE commands SET status = ?, result = ?, applied_at = ? WHERE id = ?')
    .run(result.ok ? 'done' : 'refused', JSON.stringify(result), now, id);
}

/**
 * Refuses a command that was never applied, for good: it will not be applied later by anyone. Only
 * under the writer lock (so no runner can be applying it at the same moment); the pending task a
 * `create_task` would have created goes with it, as when the engine refuses one.
 */
export function withdrawCommand(db: Db, id: number, now: number, result: CommandResult & { ok: false }): void {
  db.transaction(() => {
    const row = db.prepare("SELECT kind, args FROM commands WHERE id = ? AND status = 'pending'").get(id) as { kind: string; args: string } | undefined;
    if (row === undefined) return;
    if (row.kind === 'create_task') {
      const { task } = JSON.parse(row.args) as { task: string };
      if ((db.prepare('SELECT state FROM tasks WHERE id = ?').get(task) as { state: string } | undefined)?.state === 'pending') {
        db.prepare('DELETE FROM recipients WHERE task = ?').run(task);
        db.prepare('DELETE FROM tasks WHERE id = ?').run(task);
      }
    }
    finishCommand(db, id, now, result);
  })();
}

/** A command as stored, with its state; null when there is no such command. */
export function commandRow(db: Db, id: number): { kind: string; status: string } | null {
  return (db.prepare('SELECT kind, status FROM commands WHERE id = ?').get(id) as { kind: string; status: string } | undefined) ?? null;
}

export function commandResult(db: Db, id: number): CommandResult | null {
  const row = db.prepare('SELECT status, result FROM commands WHERE id = ?').get(id) as { status: string; result: string | null } | undefined;
  if (row === undefined || row.status === 'pending' || row.result === null) return null;
  return JSON.parse(row.result) as CommandResult;
}
