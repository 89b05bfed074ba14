// Two processes opening a database file that does not exist yet, at the same instant (a runner and
// a CLI command, say): both must end up with the migrated database. Before, the second saw schema
// version 0, ran the first migration again and failed ("table meta already exists"), or found the
// file locked while the first switched it to WAL ("database is locked").
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from './fixtures.ts';

const STORE = join(import.meta.dirname, '../../runner/store.ts');

/** A child that waits until `atMs` (so both start within a millisecond), opens `dbFile` and says how it went. */
function opener(script: string, dbFile: string, atMs: number): Promise<string> {
  const child = spawn(process.execPath, ['--import', 'tsx', script, dbFile, String(atMs)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => { out += d; });
  child.stderr.setEncoding('utf8').on('data', (d: string) => { out += d; });
  return new Promise((resolve) => child.on('close', () => resolve(out.trim())));
}

describe('opening a new database from two processes at once', () => {
  it('migrates it once: both opens succeed, every time', { timeout: 120_000 }, async () => {
    const tmp = tempDir();
    try {
      const script = join(tmp.dir, 'open.ts');
      writeFileSync(script, [
        `import { openDatabase } from ${JSON.stringify(STORE)};`,
        'const [file, at] = process.argv.slice(2) as [string, string];',
        'setTimeout(() => {',
        "  try { openDatabase(file).close(); console.log('ok'); } catch (e) { console.log(`failed: ${(e as Error).message}`); }",
        '}, Number(at) - Date.now());',
        '',
      ].join('\n'));
      const results: string[] = [];
      for (let round = 0; round < 6; round++) {
        const dbFile = join(tmp.dir, `new-${round}.db`);
        const at = Date.now() + 3_000; // after both children have loaded
        results.push(...(await Promise.all([opener(script, dbFile, at), opener(script, dbFile, at)])));
      }
      expect({ opens: results.length, failed: results.filter((r) => r !== 'ok') }).toEqual({ opens: 12, failed: [] });
    } finally {
      tmp.remove();
    }
  });
});
