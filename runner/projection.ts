// Applies engine events to the relational tables and the event log. Called inside the transaction
// that also stores the engine snapshot, so tables, log and engine state never disagree.
import type { Database as Db } from 'better-sqlite3';
import type { StoredEvent } from './store.ts';

type Row = Record<string, unknown>;
type Apply = (db: Db, e: StoredEvent & Row, options: ProjectionOptions) => void;

export interface ProjectionOptions {
  /** Failed recipients consume quota instead of being refunded (engine option of the same name). */
  chargeFailures: boolean;
}

const str = (v: unknown): string => String(v);
const num = (v: unknown): number => Number(v);

function ledger(db: Db, t: number, user: string, task: string | null, kind: string, amount: number): void {
  db.prepare('INSERT INTO ledger (t, user, task, kind, amount) VALUES (?, ?, ?, ?, ?)').run(t, user, task, kind, amount);
}

function setTaskState(db: Db, task: unknown, state: string): void {
  db.prepare('UPDATE tasks SET state = ? WHERE id = ?').run(state, str(task));
}

function closeQueued(db: Db, task: unknown, state: string): void {
  setTaskState(db, task, state);
  db.prepare("UPDATE recipients SET state = 'cancelled' WHERE task = ? AND state IN ('queued', 'deferred')").run(str(task));
}

function applyOutcome(db: Db, e: StoredEvent & Row, options: ProjectionOptions): void {
  const final = e['final'] as string | null;
  const state = final ?? (e['result'] === 'deferred' ? 'deferred' : 'queued');
  db.prepare('UPDATE recipients SET state = ?, result = ?, detail = ? WHERE task = ? AND idx = ?')
    .run(state, str(e['result']), e['detail'] === undefined ? null : str(e['detail']), str(e['task']), num(e['recipient']));
  const user = str(e['user']);
  const consumes = final === 'sent' || (final === 'failed' && options.chargeFailures);
  if (final === 'sent') db.prepare('UPDATE tasks SET sent = sent + 1 WHERE id = ?').run(str(e['task']));
  if (final === 'failed') db.prepare('UPDATE tasks SET failed = failed + 1 WHERE id = ?').run(str(e['task']));
  if (consumes) {
    db.prepare('UPDATE users SET reserved = reserved - 1, consumed = consumed + 1 WHERE id = ?').run(user);
    ledger(db, e.t, user, str(e['task']), 'consume', 1);
  }
}

const APPLY: Record<string, Apply> = {
  user_added: (db, e) => {
    const quota = num(e['quota'] ?? 0);
    db.prepare("INSERT INTO users (id, weight, state, granted, balance, reserved, consumed) VALUES (?, ?, 'active', ?, ?, 0, 0)")
      .run(str(e['user']), num(e['weight'] ?? 1), quota, quota);
    if (quota > 0) ledger(db, e.t, str(e['user']), null, 'grant', quota);
  },
  user_updated: (db, e) => {
    if (e['weight'] !== undefined) db.prepare('UPDATE users SET weight = ? WHERE id = ?').run(num(e['weight']), str(e['user']));
  },
  user_suspended: (db, e) => { db.prepare("UPDATE users SET state = 'suspended' WHERE id = ?").run(str(e['user'])); },
  user_resumed: (db, e) => { db.prepare("UPDATE users SET state = 'active' WHERE id = ?").run(str(e['user'])); },
  quota_granted: (db, e) => {
    db.prepare('UPDATE users SET granted = granted + ?, balance = balance + ? WHERE id = ?')
      .run(num(e['amount']), num(e['amount']), str(e['user']));
    ledger(db, e.t, str(e['user']), null, 'grant', num(e['amount']));
  },
  quota_refunded: (db, e) => {
    db.prepare('UPDATE users SET reserved = reserved - ?, balance = balance + ? WHERE id = ?')
      .run(num(e['amount']), num(e['amount']), str(e['user']));
    ledger(db, e.t, str(e['user']), str(e['task']), 'refund', num(e['amount']));
  },
  service_added: (db, e) => {
    db.prepare("INSERT INTO services (id, spec, state) VALUES (?, ?, 'active') ON CONFLICT (id) DO UPDATE SET spec = excluded.spec")
      .run(str(e['service']), JSON.stringify(e['spec'] ?? null));
  },
  service_updated: (db, e) => {
    db.prepare('UPDATE services SET spec = ? WHERE id = ?').run(JSON.stringify(e['spec'] ?? null), str(e['service']));
  },
  service_paused: (db, e) => {
    db.prepare("UPDATE services SET state = 'paused', resume_at = ? WHERE id = ?")
      .run(e['resumeAt'] === undefined || e['resumeAt'] === null ? null : num(e['resumeAt']), str(e['service']));
  },
  service_resumed: (db, e) => { db.prepare("UPDATE services SET state = 'active', resume_at = NULL WHERE id = ?").run(str(e['service'])); },
  service_disabled: (db, e) => { db.prepare("UPDATE services SET state = 'disabled', resume_at = NULL WHERE id = ?").run(str(e['service'])); },
  task_created: (db, e) => {
    const reserved = num(e['reserved']);
    setTaskState(db, e['task'], 'active');
    db.prepare('UPDATE users SET balance = balance - ?, reserved = reserved + ? WHERE id = ?').run(reserved, reserved, str(e['user']));
    ledger(db, e.t, str(e['user']), str(e['task']), 'reserve', reserved);
  },
  task_started: (db, e) => setTaskState(db, e['task'], 'active'),
  task_paused: (db, e) => setTaskState(db, e['task'], 'paused'),
  task_resumed: (db, e) => setTaskState(db, e['task'], 'active'),
  task_completed: (db, e) => setTaskState(db, e['task'], 'completed'),
  task_cancelled: (db, e) => closeQueued(db, e['task'], 'cancelled'),
  task_expired: (db, e) => closeQueued(db, e['task'], 'expired'),
  dispatch: (db, e) => {
    db.prepare("UPDATE recipients SET state = 'in_flight', attempt = ?, service = ?, dispatched_at = ?, sends = sends + 1 WHERE task = ? AND idx = ?")
      .run(num(e['attempt']), str(e['service']), e.t, str(e['task']), num(e['recipient']));
  },
  outcome: applyOutcome,
  // Handed back after a crash: queued again, to be sent at the service's pace (counted in `sends`).
  requeued: (db, e) => {
    db.prepare("UPDATE recipients SET state = CASE WHEN (SELECT state FROM tasks WHERE id = ?) IN ('cancelled', 'expired') THEN 'cancelled' ELSE 'queued' END WHERE task = ? AND idx = ?")
      .run(str(e['task']), str(e['task']), num(e['recipient']));
  },
};

/** Appends the events to the log and applies each to the tables, in order. */
export function applyEvents(db: Db, events: readonly StoredEvent[], options: ProjectionOptions): void {
  const insert = db.prepare('INSERT INTO events (t, type, body) VALUES (?, ?, ?)');
  for (const event of events) {
    insert.run(event.t, event.type, JSON.stringify(event));
    APPLY[event.type]?.(db, event as StoredEvent & Row, options);
  }
}

export interface LedgerBalance {
  user: string;
  granted: number;
  reserved: number;
  consumed: number;
  balance: number;
}

/** Per-user totals recomputed from the ledger alone (independent of the users table). */
export function ledgerBalances(db: Db): LedgerBalance[] {
  const rows = db.prepare(`SELECT user,
      sum(CASE kind WHEN 'grant' THEN amount ELSE 0 END) AS granted,
      sum(CASE kind WHEN 'reserve' THEN amount WHEN 'consume' THEN -amount WHEN 'refund' THEN -amount ELSE 0 END) AS reserved,
      sum(CASE kind WHEN 'consume' THEN amount ELSE 0 END) AS consumed,
      sum(CASE kind WHEN 'grant' THEN amount WHEN 'reserve' THEN -amount WHEN 'refund' THEN amount ELSE 0 END) AS balance
    FROM ledger GROUP BY user ORDER BY user`).all() as LedgerBalance[];
  return rows;
}
