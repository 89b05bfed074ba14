// One writer per database: the runner (or a CLI applying commands while no runner is up) holds a
// row with its pid. A row whose process is gone (SIGKILL) is taken over; a live one is refused. The
// heartbeat is only shown by `status`: a runner whose event loop stalls must not lose its lock, or
// two processes would write engine snapshots over each other.
import type { Database as Db } from 'better-sqlite3';

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function liveRunnerPid(db: Db): number | null {
  const row = db.prepare('SELECT pid FROM runner_lock WHERE id = 1').get() as { pid: number } | undefined;
  if (row === undefined) return null;
  return processAlive(row.pid) ? row.pid : null;
}

export function lastHeartbeat(db: Db): number | null {
  const row = db.prepare('SELECT heartbeat_at FROM runner_lock WHERE id = 1').get() as { heartbeat_at: number } | undefined;
  return row?.heartbeat_at ?? null;
}

/** Takes the lock or answers the pid of the live runner that holds it. */
export function acquireLock(db: Db, now: number, pid: number): { ok: true } | { ok: false; pid: number } {
  return db.transaction(() => {
    const holder = liveRunnerPid(db);
    if (holder !== null && holder !== pid) return { ok: false as const, pid: holder };
    db.prepare('INSERT INTO runner_lock (id, pid, heartbeat_at) VALUES (1, ?, ?) ON CONFLICT (id) DO UPDATE SET pid = excluded.pid, heartbeat_at = excluded.heartbeat_at')
      .run(pid, now);
    return { ok: true as const };
  }).immediate();
}

export function heartbeat(db: Db, now: number, pid: number): void {
  db.prepare('UPDATE runner_lock SET heartbeat_at = ? WHERE id = 1 AND pid = ?').run(now, pid);
}

export function releaseLock(db: Db, pid: number): void {
  db.prepare('DELETE FROM runner_lock WHERE id = 1 AND pid = ?').run(pid);
}
