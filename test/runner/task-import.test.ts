// `task add` twice with one id at the same moment: both pass the "id is free" check before either
// writes, and the second insert conflicts. That is a refusal like any duplicate id (exit 2,
// nothing kept), not a crash with a stack trace.
import { join } from 'node:path';
import type { Database as Db } from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../runner/store.ts';
import { importTask } from '../../runner/task-import.ts';
import { contactsCsv, tempDir } from './fixtures.ts';

describe('importTask', () => {
  it('refuses an id another import took between its check and its insert', () => {
    const { dir, remove } = tempDir();
    try {
      const db = openDatabase(join(dir, 't.db'));
      const input = { id: 'spring', user: 'alice', csvText: contactsCsv('s', 3), template: { subject: 'S', text: 'x' } };
      expect(importTask(db, 1, input).ok).toBe(true);
      // The other import's check ran before this one's insert: it saw the id as free.
      const racing = new Proxy(db, {
        get(target, key, receiver) {
          if (key !== 'prepare') return Reflect.get(target, key, receiver) as unknown;
          return (sql: string) => (sql.startsWith('SELECT 1 FROM tasks WHERE id') ? { get: () => undefined } : target.prepare(sql));
        },
      }) as Db;
      expect(importTask(racing, 2, input)).toEqual({ ok: false, code: 'DUPLICATE_ID', message: 'task id "spring" already exists', rejected: [] });
      expect(db.prepare('SELECT count(*) AS n FROM recipients').get()).toEqual({ n: 3 });
      db.close();
    } finally {
      remove();
    }
  });
});
