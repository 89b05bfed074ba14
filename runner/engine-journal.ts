// The engine's inputs, journaled. The engine is deterministic (same calls, same `now`, same
// decisions), so the runner stores every state-changing call it makes and, on start, restores the
// last snapshot and replays the calls made since. Snapshots are then taken only every
// SNAPSHOT_EVERY_CALLS calls: a snapshot's size grows with the number of users and tasks, a journal
// row does not, so the cost of one send stays flat as a platform grows.
import type { Database as Db } from 'better-sqlite3';
import type { Engine } from '../engine/index.ts';

export const SNAPSHOT_EVERY_CALLS = 500;

/** Engine methods that change its state; queries (status, nextWakeAt, snapshot) are not journaled. */
const MUTATING = new Set([
  'addService', 'updateService', 'pauseService', 'resumeService', 'disableService', 'addUser', 'updateUser',
  'suspendUser', 'resumeUser', 'grantQuota', 'createTask', 'pauseTask', 'resumeTask', 'cancelTask', 'report', 'requeue', 'poll',
  'forgetEndedTasks',
]);

export interface JournalEntry {
  op: string;
  args: unknown[];
}

/** Wraps an engine so that every mutating call is appended to `journal` before it runs. */
export function journaled(engine: Engine, journal: JournalEntry[]): Engine {
  return new Proxy(engine, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver) as unknown;
      if (typeof value !== 'function') return value;
      const method = value as (...args: unknown[]) => unknown;
      if (typeof prop === 'string' && MUTATING.has(prop)) {
        return (...args: unknown[]) => {
          journal.push({ op: prop, args });
          return method.apply(target, args);
        };
      }
      return method.bind(target);
    },
  });
}

export function appendJournal(db: Db, entries: readonly JournalEntry[]): number {
  const insert = db.prepare('INSERT INTO journal (op, args) VALUES (?, ?)');
  let seq = 0;
  for (const entry of entries) seq = Number(insert.run(entry.op, JSON.stringify(entry.args)).lastInsertRowid);
  return seq;
}

/** Replays the calls journaled after `afterSeq` on a restored engine; answers the latest `now`. */
export function replayJournal(db: Db, engine: Engine, afterSeq: number): number {
  const rows = db.prepare('SELECT op, args FROM journal WHERE seq > ? ORDER BY seq').iterate(afterSeq) as IterableIterator<{ op: string; args: string }>;
  let latest = 0;
  for (const row of rows) {
    if (!MUTATING.has(row.op)) throw new Error(`journal holds an unknown engine call "${row.op}"`);
    const method = (engine as unknown as Record<string, (...args: unknown[]) => unknown>)[row.op];
    const args = JSON.parse(row.args) as unknown[];
    method?.apply(engine, args);
    // Every engine call takes `now` first; the clock must not go back behind the last one.
    if (typeof args[0] === 'number') latest = Math.max(latest, args[0]);
  }
  return latest;
}
