// How an operator command ends, as a script sees it (`node bin/fairsend.js` child processes, a real
// `fairsend run` and real SQLite files): 0 applied, 2 refused, 3 queued because the runner holding
// the database did not answer in time (SIGSTOP makes it a runner that stalls). Every command is
// applied exactly once, whoever applies it, and the ledger shows it once.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { loadRunnerConfig } from '../../runner/config.ts';
import { createRunner } from '../../runner/runner.ts';
import { childSandbox, query, startRunnerChild, until } from './fixtures.ts';

const CONFIG = [
  'from: Shop <shop@example.test>',
  'commandPollMs: 50',
  'services:',
  '  - { id: s1, intervalMs: 100, transport: { kind: json } }',
  'users:',
  '  - { id: alice, quota: 20 }',
  '',
].join('\n');

const sandbox = childSandbox();
const fairsend = sandbox.fairsend;
const startRunner = (dbFile: string): ReturnType<typeof startRunnerChild> => startRunnerChild(sandbox, CONFIG, dbFile);

const grants = (dbFile: string): number[] =>
  query<{ amount: number }>(dbFile, "SELECT amount FROM ledger WHERE user = 'alice' AND kind = 'grant' ORDER BY seq").map((r) => r.amount);

describe('operator commands say how they ended', () => {
  it('exit 3 while the runner holding the database does not answer; it applies the command once it does', { timeout: 60_000 }, async () => {
    const dbFile = join(sandbox.dir(), 'live.db');
    const runner = await startRunner(dbFile);
    const pid = runner.proc.pid ?? 0;
    expect(await fairsend(['quota', 'grant', 'alice', '5', '--db', dbFile]).done)
      .toEqual({ code: 0, signal: null, stdout: 'quota grant alice: done {"balance":25}\n', stderr: '' });
    runner.proc.kill('SIGSTOP');
    const queued = await fairsend(['quota', 'grant', 'alice', '7', '--db', dbFile]).done;
    expect([queued.code, queued.stdout]).toEqual([3, '']);
    expect(queued.stderr).toMatch(new RegExp(`^fairsend: quota grant alice: queued as command 2, not applied yet: after 3000 ms the runner holding the database \\(pid ${pid}, last heartbeat \\d+ s ago\\) has not picked it up; it will apply it\\. Do not send it again; \`fairsend command 2 --db ${dbFile}\` waits for its result\\.\n$`));
    expect(query(dbFile, 'SELECT id, status FROM commands ORDER BY id')).toEqual([{ id: 1, status: 'done' }, { id: 2, status: 'pending' }]);
    const csv = join(sandbox.dir(), 'c.csv');
    writeFileSync(csv, 'email\na@example.test\n');
    const body = join(sandbox.dir(), 'm.txt');
    writeFileSync(body, 'Hello');
    const [added, asked] = await Promise.all([
      fairsend(['task', 'add', '--db', dbFile, '--user', 'alice', '--csv', csv, '--subject', 'S', '--text', body, '--id', 'late']).done,
      fairsend(['command', '2', '--wait', '0', '--db', dbFile]).done,
    ]);
    expect([added.code, added.stdout, added.stderr.split(': after')[0]]).toEqual([3, '', 'fairsend: task late (1 recipients stored, 0 rejected): queued as command 3, not applied yet']);
    expect([asked.code, asked.stderr.split(': after')[0]]).toEqual([3, 'fairsend: command 2 (grant_quota): queued as command 2, not applied yet']);
    runner.proc.kill('SIGCONT');
    const [granted, created] = await Promise.all([
      fairsend(['command', '2', '--wait', '10000', '--db', dbFile]).done,
      fairsend(['command', '3', '--wait', '10000', '--db', dbFile]).done,
    ]);
    expect(granted).toEqual({ code: 0, signal: null, stdout: 'command 2 (grant_quota): done {"balance":32}\n', stderr: '' });
    expect([created.code, created.stdout.split(',"estimatedCompletionAt"')[0]]).toEqual([0, 'command 3 (create_task): done {"task":"late","reserved":1']);
    await until(() => query<{ state: string }>(dbFile, "SELECT state FROM tasks WHERE id = 'late'")[0]?.state === 'completed', 10_000, 'task late sent');
    runner.proc.kill('SIGTERM');
    expect((await runner.done).code).toBe(0);
    expect(grants(dbFile)).toEqual([20, 5, 7]);
    expect(query(dbFile, "SELECT kind, amount FROM ledger WHERE kind <> 'grant' ORDER BY seq")).toEqual([{ kind: 'reserve', amount: 1 }, { kind: 'consume', amount: 1 }]);
  });

  it('a runner that dies while the CLI waits: the CLI takes the database over and applies the command itself', { timeout: 60_000 }, async () => {
    const dbFile = join(sandbox.dir(), 'dies.db');
    const runner = await startRunner(dbFile);
    runner.proc.kill('SIGSTOP');
    const grant = fairsend(['quota', 'grant', 'alice', '9', '--db', dbFile]);
    await until(() => query(dbFile, "SELECT 1 FROM commands WHERE status = 'pending'").length === 1, 20_000, 'the command queued');
    runner.proc.kill('SIGKILL');
    expect(await grant.done).toEqual({ code: 0, signal: null, stdout: 'quota grant alice: done {"balance":29}\n', stderr: '' });
    expect(grants(dbFile)).toEqual([20, 9]);
    expect(query(dbFile, 'SELECT count(*) AS n FROM runner_lock')).toEqual([{ n: 0 }]);
  });

  it('a database no runner has set up: exit 2, the command is dropped, and a runner started later does not apply it', { timeout: 60_000 }, async () => {
    const dbFile = join(sandbox.dir(), 'empty.db');
    writeFileSync(dbFile, '');
    const csv = join(sandbox.dir(), 'c.csv');
    writeFileSync(csv, 'email\na@example.test\n');
    const body = join(sandbox.dir(), 'm.txt');
    writeFileSync(body, 'Hello');
    const refusal = 'NOT_STARTED: no runner has set up this database yet (it has no users, services or engine); start `fairsend run --config FILE` on it, then send the command again (it was dropped, not queued)';
    const [grant, add] = await Promise.all([
      fairsend(['quota', 'grant', 'alice', '5', '--db', dbFile]).done,
      fairsend(['task', 'add', '--db', dbFile, '--user', 'alice', '--csv', csv, '--subject', 'S', '--text', body, '--id', 'early']).done,
    ]);
    expect(grant).toEqual({ code: 2, signal: null, stdout: '', stderr: `fairsend: quota grant alice refused: ${refusal}\n` });
    expect(add).toEqual({ code: 2, signal: null, stdout: '', stderr: `fairsend: task early refused: ${refusal}\n` });
    expect(query(dbFile, 'SELECT count(*) AS n FROM tasks')).toEqual([{ n: 0 }]);
    const config = join(sandbox.dir(), 'runner.yaml');
    writeFileSync(config, CONFIG);
    const runner = createRunner(loadRunnerConfig(config), { dbFile, logger: pino({ level: 'silent' }) });
    runner.start();
    await runner.stop();
    expect(grants(dbFile)).toEqual([20]);
    expect(query(dbFile, 'SELECT kind, status FROM commands ORDER BY kind')).toEqual([{ kind: 'create_task', status: 'refused' }, { kind: 'grant_quota', status: 'refused' }]);
  });
});
