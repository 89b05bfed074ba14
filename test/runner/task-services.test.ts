// `fairsend task add --services …` restricts a campaign to some of its user's services: with a real
// `fairsend run` (a child process, dry-run transports), every recipient goes through the named
// service only, and a service that does not exist or is closed to the user is refused (exit 2) with
// the engine's message, keeping nothing.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { childSandbox, query, startRunnerChild, until } from './fixtures.ts';
import type { CliRun } from './fixtures.ts';

const CONFIG = [
  'from: Shop <shop@example.test>',
  'commandPollMs: 50',
  'services:',
  '  - { id: mailbox, intervalMs: 40, transport: { kind: json } }',
  '  - { id: ses, intervalMs: 40, transport: { kind: json } }',
  '  - { id: bobs, intervalMs: 40, access: [bob], transport: { kind: json } }',
  'users:',
  '  - { id: ann, quota: 20 }',
  '  - { id: bob, quota: 20 }',
  '',
].join('\n');

const sandbox = childSandbox();

describe('task add --services', () => {
  it('sends only through the named services; an unknown or closed one is refused with exit 2', { timeout: 60_000 }, async () => {
    const dbFile = join(sandbox.dir(), 'r.db');
    const run = await startRunnerChild(sandbox, CONFIG, dbFile);
    const body = join(sandbox.dir(), 'm.txt');
    writeFileSync(body, 'Hello');
    const csv = join(sandbox.dir(), 'c.csv');
    writeFileSync(csv, ['email', ...[0, 1, 2, 3].map((i) => `c${i}@example.test`)].join('\n'));
    const add = (id: string, services: string): Promise<CliRun> =>
      sandbox.fairsend(['task', 'add', '--db', dbFile, '--user', 'ann', '--csv', csv, '--subject', 'S', '--text', body, '--id', id, '--services', services]).done;

    const ok = await add('only-ses', 'ses');
    expect([ok.code, ok.stdout.split(';')[0]]).toEqual([0, 'task only-ses: 4 recipients accepted, 0 rejected']);
    const unknown = await add('t2', 'ses,nope');
    const closed = await add('t3', 'bobs');
    const empty = await add('t4', ',');
    expect([unknown.code, closed.code, empty.code]).toEqual([2, 2, 2]);
    expect(unknown.stderr).toContain("unknown service 'nope'");
    expect(closed.stderr).toContain("services[0] 'bobs' is not open to user 'ann'");
    expect(empty.stderr).toContain('--services must list service ids separated by commas');

    await until(() => query<{ n: number }>(dbFile, "SELECT count(*) AS n FROM tasks WHERE state = 'completed'")[0]?.n === 1, 20_000, 'the task completed');
    run.proc.kill('SIGTERM');
    expect((await run.done).code).toBe(0);
    expect(query(dbFile, 'SELECT task, service, count(*) AS n FROM recipients GROUP BY task, service')).toEqual([{ task: 'only-ses', service: 'ses', n: 4 }]);
    expect(query(dbFile, 'SELECT id FROM tasks ORDER BY id')).toEqual([{ id: 'only-ses' }]);
    // Ledger: the refused tasks reserved nothing; the restricted one consumed exactly its four.
    expect(query(dbFile, "SELECT id, balance, reserved, consumed FROM users WHERE id = 'ann'")).toEqual([{ id: 'ann', balance: 16, reserved: 0, consumed: 4 }]);
  });
});
