// The CLI as a user runs it: `node bin/fairsend.js …` in a child process, outputs in a temp dir.
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fairsend, ROOT, tempDirForFile } from './cli-child.ts';

const root = ROOT;
const dir = tempDirForFile('fairsend-cli-');

// The tests read whatever the CLI wrote and assert on it field by field.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
function json(path: string): Record<string, any> {
  return JSON.parse(readFileSync(path, 'utf8'));
}

describe('fairsend sim (default scenario)', () => {
  // One policy keeps the suite fast; the three-policy comparison runs in the same code path.
  it('runs the built-in default scenario and writes the report', { timeout: 120_000 }, async () => {
    const out = join(dir, 'default');
    const r = await fairsend('sim', '--out', out, '--quiet', '--policy', 'fair');
    expect(r.stdout).toMatch(/^default: a platform day \(seed 20260101\): 330 users, 51 services, 1859 campaigns, \d+ recipients/);
    expect(r.stdout).toContain(`report: ${join(out, 'report.html')}`);
    expect(readdirSync(out).sort()).toEqual(['report.html', 'report.md', 'summary.json']);
    const summary = json(join(out, 'summary.json'));
    expect(summary.policies.map((p: { policy: string }) => p.policy)).toEqual(['fair']);
    expect(summary.scenario.services).toHaveLength(51);
    // Enough mailboxes that only the suspended tenant's 5 campaigns and 2 late ones are refused.
    expect(r.stdout).toMatch(/\n {2}fair +1852 of 1859 campaigns done, 0 unfinished, 7 refused /);
    expect(summary.expectations).toContainEqual({ description: 'campaigns refused at creation ≤ 10', policy: 'fair', actual: '7', pass: true });
    expect(summary.scenario.users).toHaveLength(330);
    // Exit 0 exactly when every expectation holds, 1 otherwise (then stderr names the failure).
    expect(r.code).toBe(summary.pass ? 0 : 1);
    if (!summary.pass) expect(r.stderr).toMatch(/^expectation failed: /);
    expect(readFileSync(join(out, 'report.html'), 'utf8')).toMatch(/^<!DOCTYPE html>/i);
  });
});

describe.concurrent('fairsend sim', () => {

  it('runs an explicit scenario with an event log', async () => {
    const out = join(dir, 'example');
    const events = join(dir, 'example-events.jsonl');
    const r = await fairsend('sim', 'scenarios/example.yaml', '--out', out, '--events', events, '--policy', 'fair', '--seed', '5', '--quiet');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const summary = json(join(out, 'summary.json'));
    expect(summary.seed).toBe(5);
    expect(summary.scenario.services.map((s: { id: string; intervalMs: number; concurrency: number }) => [s.id, s.intervalMs, s.concurrency])).toEqual([['acme-mailbox', 1000, 1], ['ses', 200, 2]]);
    expect(summary.scenario.users).toEqual([{ id: 'acme', weight: 2, quota: 5000 }, { id: 'globex', weight: 1, quota: 5000 }]);
    const lines = readFileSync(events, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l));
    expect(lines[0]).toEqual({ t: 0, type: 'user_added', user: 'acme', quota: 5000, weight: 2 });
    expect(lines.filter((e) => e.type === 'task_created')).toHaveLength(4);
    expect(lines.filter((e) => e.type === 'outcome' && e.final === 'sent')).toHaveLength(summary.policies[0].outcomes.sent);
    expect(summary.eventHashes.fair).toMatch(/^[0-9a-f]{64}$/);
  });

  it('replays a trace', async () => {
    const out = join(dir, 'trace');
    const r = await fairsend('sim', 'scenarios/trace-replay.yaml', '--out', out, '--quiet');
    expect(r.code).toBe(0);
    const summary = json(join(out, 'summary.json'));
    expect(summary.scenario.workload).toEqual({ campaigns: 7, recipients: 1180 });
    expect(summary.scenario.users.map((u: { id: string; quota: number }) => [u.id, u.quota])).toEqual([['shop-1', 135], ['shop-2', 75], ['news-9', 910], ['shop-3', 60]]);
    expect(summary.policies.map((p: { campaigns: { completed: number } }) => p.campaigns.completed)).toEqual([7, 7]);
  });

  it('exits 1 and names the failed expectation', async () => {
    const r = await fairsend('sim', 'scenarios/slo-fail.yaml', '--out', join(dir, 'slo'), '--quiet');
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('FAIL p99 campaign completion ≤ 10m 00s [fair]');
    expect(r.stderr).toMatch(/^expectation failed: p99 campaign completion ≤ 10m 00s \[fair\]: 19m \d\ds\n$/);
  });
});

describe.concurrent('refused campaigns', () => {
  it('shows refused campaigns and fails maxRefused', async () => {
    const file = join(dir, 'refused.yaml');
    writeFileSync(file, [
      'durationMs: 3600000', 'policies: [fair]',
      'services: [{ id: s, intervalMs: 10, windows: [{ kind: fixed, limit: 100, periodMs: 86400000 }] }]',
      'users: [{ id: a }]',
      'tasks: [{ at: 0, user: a, recipients: 100 }, { at: 1000, user: a, recipients: 50 }, { at: 2000, user: a, recipients: 50 }]',
      'expectations: { maxRefused: 0 }', '',
    ].join('\n'));
    const r = await fairsend('sim', file, '--out', join(dir, 'refused'), '--quiet');
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/\n {2}fair +1 of 3 campaigns done, 0 unfinished, 2 refused /);
    expect(r.stdout).toContain('FAIL campaigns refused at creation ≤ 0 [fair]: 2\n');
    expect(r.stderr).toBe('expectation failed: campaigns refused at creation ≤ 0 [fair]: 2\n');
    expect(json(join(dir, 'refused', 'summary.json')).policies[0].campaigns.refused).toEqual({ SERVICE_QUOTA_EXHAUSTED: 2 });
  });

  it('prints no Jain\'s index when nothing was sent, as the report says', async () => {
    const file = join(dir, 'nothing-sent.yaml');
    writeFileSync(file, ['durationMs: 3600000', 'policies: [fair]', 'services: [{ id: s, intervalMs: 10 }]',
      'users: [{ id: a, quota: 0 }]', 'tasks: [{ at: 0, user: a, recipients: 5 }]', ''].join('\n'));
    const r = await fairsend('sim', file, '--out', join(dir, 'nothing-sent'), '--quiet');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/\n {2}fair +0 of 1 campaigns done, 0 unfinished, 1 refused .* Jain — +0 sent /);
    expect(readFileSync(join(dir, 'nothing-sent', 'report.md'), 'utf8')).toContain("Nothing was sent, so there is no share to judge: no Jain's index.");
  });
});

describe.concurrent('bad input', () => {
  const cases: [string, string, RegExp][] = [
    ['malformed YAML', 'durationMs: [1\n', /^error: .*bad\.yaml: line \d+, column \d+: /],
    ['a negative interval', 'durationMs: 1000\nservices: [{ id: s, intervalMs: -5 }]\nusers: [{ id: a }]\n', /^error: .*bad\.yaml: services\[0\]\.intervalMs must be an integer from 1 to 86400000, got -5\n/],
    ['an unknown preset', 'durationMs: 1000\nservices: [{ id: s, preset: pigeon }]\nusers: [{ id: a }]\n', /^error: .*bad\.yaml: services\[0\]\.preset must be one of /],
    ['NaN', 'durationMs: .nan\nservices: [{ id: s, intervalMs: 5 }]\nusers: [{ id: a }]\n', /^error: .*bad\.yaml: durationMs must be an integer from 1 to 31622400000, got NaN\n/],
    ['a user with no service', 'durationMs: 1000\nservices: [{ id: s, intervalMs: 5, access: { users: [a] } }]\nusers: [{ id: a }, { id: b }]\n', /^error: .*bad\.yaml: users\[1\]: user "b" has no usable service/],
    ['an absurd size', 'durationMs: 86400000\nservices: [{ id: s, intervalMs: 5 }]\nuserGroups: [{ name: g, count: 100000, arrivals: { kind: poisson, perDay: 100 }, recipients: 1 }]\n', /^error: .*bad\.yaml: userGroups\[0\]: the workload would create about 10000000 campaigns \(about 10000000 from this group\); at most 5000000 are allowed\n/],
    ['a task after the arrivals', 'durationMs: 1000\nservices: [{ id: s, intervalMs: 5 }]\nusers: [{ id: a }]\ntasks: [{ at: 0, user: a, recipients: 1 }, { at: 1000, user: a, recipients: 1 }]\n', /^error: .*bad\.yaml: tasks\[1\]\.at must be less than durationMs \(1000\), got 1000\n$/],
    ['an unknown time zone', 'durationMs: 1000\nservices: [{ id: s, intervalMs: 5, windows: [{ kind: fixed, limit: 5, periodMs: 86400000, timeZone: Mars/Olympus }] }]\nusers: [{ id: a }]\n', /^error: .*bad\.yaml: services\[0\]\.windows\[0\]\.timeZone must be an IANA time zone such as Europe\/Paris, got "Mars\/Olympus"\n$/],
  ];
  it.each(cases)('%s: exit 2, a message naming the field, nothing written', async (_name, text, message) => {
    const file = join(dir, `${_name.replace(/\W+/g, '-')}`, 'bad.yaml');
    mkdirSync(dirname(file));
    writeFileSync(file, text);
    const out = join(dir, `bad-out-${_name.replace(/\W+/g, '-')}`);
    const events = join(dir, `bad-events-${_name.replace(/\W+/g, '-')}.jsonl`);
    const r = await fairsend('sim', file, '--out', out, '--events', events, '--quiet');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stdout).toBe('');
    expect(existsSync(out)).toBe(false);
    expect(existsSync(events)).toBe(false);
  });

  it('bad flags exit 2', async () => {
    expect((await fairsend('sim', 'scenarios/example.yaml', '--seed', '-1', '--out', join(dir, 'x'))).stderr).toBe('error: --seed must be an integer from 0 to 4294967295, got "-1"\n');
    const r = await fairsend('sim', 'scenarios/example.yaml', '--policy', 'lottery', '--out', join(dir, 'x'));
    expect([r.code, r.stderr]).toEqual([2, 'error: --policy: unknown policy "lottery"; choose from fair, round-robin, fifo\n']);
    expect((await fairsend('sim', 'no-such-file.yaml', '--out', join(dir, 'x'))).code).toBe(2);
    expect(existsSync(join(dir, 'x'))).toBe(false);
  });
});

describe.concurrent('output locations', () => {
  const file = join(dir, 'not-a-dir');
  writeFileSync(file, 'keep me');
  const cases: [string, string[], string][] = [
    ['--out is a regular file', ['--out', file], `error: --out: ${file} exists and is not a directory\n`],
    ['--out under /dev/null', ['--out', '/dev/null/x'], 'error: --out: /dev/null exists and is not a directory\n'],
    ['--out in /proc', ['--out', '/proc/foo'], 'error: --out: cannot create directory /proc/foo (ENOENT: mkdir failed)\n'],
    ['--events in /proc', ['--out', join(dir, 'ev-proc', 'out'), '--events', '/proc/ev.jsonl'], 'error: --events: cannot write in /proc (ENOENT: open failed)\n'],
  ];
  it.each(cases)('%s: exit 2 before simulating, one line, nothing left', async (_name, flags, message) => {
    const r = await fairsend('sim', 'scenarios/example.yaml', '--quiet', ...flags);
    expect([r.code, r.stderr, r.stdout]).toEqual([2, message, '']);
    expect(readFileSync(file, 'utf8')).toBe('keep me');
    expect(existsSync(join(dir, 'ev-proc'))).toBe(false);
  });

  it('schema --out in /proc: exit 2', async () => {
    const r = await fairsend('schema', '--out', '/proc/x.json');
    expect([r.code, r.stderr]).toEqual([2, 'error: --out: cannot write in /proc (ENOENT: open failed)\n']);
  });
});

describe.concurrent('fairsend sweep, validate, schema', () => {
  it('picks the smallest value whatever the order given', async () => {
    const out = join(dir, 'sweep-desc');
    const r = await fairsend('sweep', 'scenarios/capacity-plan.yaml', '--vary', 'services.workspace.count=8,4', '--out', out, '--quiet');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('smallest configuration meeting the expectations: services.workspace.count=4\n');
    expect(json(join(out, 'sweep.json')).smallestPassing).toBe(1);
  });

  it('exits 1 when no configuration meets the expectations', async () => {
    const r = await fairsend('sweep', 'scenarios/capacity-plan.yaml', '--vary', 'services.workspace.count=1', '--out', join(dir, 'sweep-none'), '--quiet');
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('no configuration meets the expectations\n');
  });

  it('refuses a sweep with no --vary or the same path twice', async () => {
    const none = await fairsend('sweep', 'scenarios/capacity-plan.yaml', '--out', join(dir, 'sweep-novary'));
    expect([none.code, none.stderr]).toEqual([2, 'error: sweep needs at least one --vary PATH=V1,V2,...\n']);
    const twice = await fairsend('sweep', 'scenarios/capacity-plan.yaml', '--vary', 'seed=1,2', '--vary', 'seed=4', '--out', join(dir, 'sweep-twice'));
    expect([twice.code, twice.stderr]).toEqual([2, 'error: --vary seed is given more than once; list all its values in one --vary seed=V1,V2,...\n']);
    expect(existsSync(join(dir, 'sweep-novary'))).toBe(false);
    expect(existsSync(join(dir, 'sweep-twice'))).toBe(false);
  });

  it('sweeps a parameter and names the smallest configuration meeting the expectations', async () => {
    const out = join(dir, 'sweep');
    const r = await fairsend('sweep', 'scenarios/capacity-plan.yaml', '--vary', 'services.workspace.count=1,2,4,8', '--out', out);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('smallest configuration meeting the expectations: services.workspace.count=4');
    const sweep = json(join(out, 'sweep.json'));
    expect(sweep.points.map((p: { pass: boolean }) => p.pass)).toEqual([false, false, true, true]);
    expect(sweep.smallestPassing).toBe(2);
    expect(readdirSync(out).sort()).toEqual(['report.html', 'report.md', 'sweep.json']);
  });

  it('refuses a sweep value the schema rejects, before running anything', async () => {
    const out = join(dir, 'sweep-bad');
    const r = await fairsend('sweep', 'scenarios/capacity-plan.yaml', '--vary', 'services.workspace.count=2,-1', '--out', out);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: scenarios\/capacity-plan\.yaml with services\.workspace\.count=-1: services\[0\]\.count must be an integer from 0 to 10000, got -1\n/);
    expect(existsSync(out)).toBe(false);
  });

  it('validates a file and prints the JSON Schema', async () => {
    expect((await fairsend('validate', 'scenarios/example.yaml')).stdout).toMatch(/^scenarios\/example\.yaml: valid — 2 users, 2 services, 4 campaigns, 2540 recipients\n {2}run: /);
    const schema = JSON.parse((await fairsend('schema')).stdout);
    expect(schema).toEqual(json(join(root, 'scenarios/scenario.schema.json')));
  });
});
