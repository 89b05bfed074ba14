// Service access written as in scenarios, `{ users, groups }`, with groups named by `users[].group`:
// `fairsend run` (a child process, dry-run transports) sends each user's mail only through the
// services the config lets it use, a bad group stops the runner with exit 2 naming the path, and
// a user who joins a group in the file gets the group's services at the next start.
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { loadRunnerConfig } from '../../runner/config.ts';
import { createRunner } from '../../runner/runner.ts';
import { childSandbox, eventsOf, query, startRunnerChild, until } from './fixtures.ts';
import type { CliRun } from './fixtures.ts';

function configYaml(bobGroup: string | null, vipAccess = '{ groups: [vip] }'): string {
  return [
    'from: Shop <shop@example.test>',
    'commandPollMs: 50',
    'services:',
    `  - { id: vip1, intervalMs: 40, access: ${vipAccess}, transport: { kind: json } }`,
    '  - { id: bulk, intervalMs: 40, access: { users: [bob] }, transport: { kind: json } }',
    'users:',
    '  - { id: ann, quota: 10, group: vip }',
    `  - { id: bob, quota: 10${bobGroup === null ? '' : `, group: ${bobGroup}`} }`,
    '',
  ].join('\n');
}

const sandbox = childSandbox();
const fairsend = sandbox.fairsend;

describe('service access by group', () => {
  it('sends each user only through the services its groups and id allow', { timeout: 60_000 }, async () => {
    const dbFile = join(sandbox.dir(), 'groups.db');
    const run = await startRunnerChild(sandbox, configYaml(null), dbFile);
    const config = join(sandbox.dir(), 'runner.yaml');
    const body = join(sandbox.dir(), 'm.txt');
    writeFileSync(body, 'Hello {{name}}');
    const add = (user: string): Promise<CliRun> => {
      const csv = join(sandbox.dir(), `${user}.csv`);
      writeFileSync(csv, ['email,name', ...[0, 1, 2].map((i) => `${user}${i}@example.test,N${i}`)].join('\n'));
      return fairsend(['task', 'add', '--db', dbFile, '--user', user, '--csv', csv, '--subject', 'S', '--text', body, '--id', `t-${user}`]).done;
    };
    const added = await Promise.all([add('ann'), add('bob')]);
    expect(added.map((a) => [a.code, a.stdout.split(';')[0]])).toEqual([[0, 'task t-ann: 3 recipients accepted, 0 rejected'], [0, 'task t-bob: 3 recipients accepted, 0 rejected']]);
    await until(() => query<{ n: number }>(dbFile, "SELECT count(*) AS n FROM tasks WHERE state = 'completed'")[0]?.n === 2, 20_000, 'both tasks completed');
    run.proc.kill('SIGTERM');
    expect((await run.done).code).toBe(0);
    expect(query(dbFile, 'SELECT task, service, count(*) AS n FROM recipients GROUP BY task, service ORDER BY task, service'))
      .toEqual([{ task: 't-ann', service: 'vip1', n: 3 }, { task: 't-bob', service: 'bulk', n: 3 }]);
    expect(query(dbFile, "SELECT json_extract(spec, '$.access') AS access FROM services ORDER BY id")).toEqual([{ access: '["bob"]' }, { access: '["ann"]' }]);

    // bob joins the group in the file: at the next start the engine gets vip1 with both users.
    writeFileSync(config, configYaml('vip'));
    const restarted = createRunner(loadRunnerConfig(config), { dbFile, logger: pino({ level: 'silent' }) });
    const updates = eventsOf(restarted.core.db, 'service_updated').map((e) => [e['service'], (e['spec'] as { access: unknown }).access]);
    await restarted.stop();
    expect(updates).toEqual([['vip1', ['ann', 'bob']]]);
  });

  it('a group no user belongs to stops `fairsend run` with exit 2 naming the path, before any database exists', { timeout: 30_000 }, async () => {
    const config = join(sandbox.dir(), 'bad.yaml');
    writeFileSync(config, configYaml(null, '{ users: [ann], groups: [gold] }'));
    const dbFile = join(sandbox.dir(), 'never.db');
    expect(await fairsend(['run', '--config', config, '--db', dbFile]).done).toEqual({
      code: 2, signal: null, stdout: '', stderr: `fairsend: ${config}: services[0].access.groups names unknown group "gold"\n`,
    });
    expect(existsSync(dbFile)).toBe(false);
  });
});
