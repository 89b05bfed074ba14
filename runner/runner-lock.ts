// One writer per database: the runner (or a CLI applying commands while no runner is up) holds a
// row with its pid. A row whose process is gone (SIGKILL) is taken over; a live one is refused. The
// heartbeat is only shown by `status`: a runner whose event loop stalls must not lose its lock, or
// two processes would write engine snapshots over each other. One exception: a process that
// started after the holder's last heartbeat cannot be the holder, so its pid was reused (common in
// containers after a restart) and the row is stale.
import { readFileSync } from 'node:fs';
import type { Database as Db } from 'better-sqlite3';

/** How much later than the last heartbeat a process must have started to prove a reused pid. */
const REUSED_PID_MARGIN_MS = 60_000;
/**
 * A runner writes its heartbeat every second; one heard from this recently is taken as live
 * whatever /proc says, so a wall clock stepped back cannot make a live runner look replaced.
 */
const RECENT_HEARTBEAT_MS = 30_000;

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * When process `pid` started, in epoch ms, from Linux's /proc (start time in clock ticks since
 * boot, 100 per second, plus the boot time); null where /proc cannot tell.
 */
export function processStartedAt(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) is in parentheses and may hold spaces: count fields after it.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[19]); // field 22 overall
    const boot = /^btime (\d+)$/m.exec(readFileSync('/proc/stat', 'utf8'));
    if (!Number.isFinite(ticks) || boot === null) return null;
    return Number(boot[1]) * 1000 + ticks * 10;
  } catch {
    return null;
  }
}

export function liveRunnerPid(db: Db): number | null {
  const row = db.prepare('SELECT pid, heartbeat_at FROM runner_lock WHERE id = 1').get() as { pid: number; heartbeat_at: number } | undefined;
  if (row === undefined || !processAlive(row.pid)) return null;
  if (Date.now() - row.heartbeat_at < RECENT_HEARTBEAT_MS) return row.pid;
  const started = processStartedAt(row.pid);
  return started !== null && started > row.heartbeat_at + REUSED_PID_MARGIN_MS ? null : row.pid;
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
