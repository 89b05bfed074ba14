// Command-line input the simulator refuses before writing anything (exit 2, one line naming the
// option or file): empty paths, outputs that would replace the scenario or its trace, an event log
// path that is a directory, values given twice. Also what `sim` and `validate` print.
import { existsSync, mkdirSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fairsend, fairsendIn, ROOT, tempDirForFile } from './cli-child.ts';

const dir = tempDirForFile('fairsend-input-checks-');
const EXAMPLE = join(ROOT, 'scenarios/example.yaml');

/** Every file under `d`, relative, sorted. */
function tree(d: string): string[] {
  return (readdirSync(d, { recursive: true }) as string[]).sort();
}

/** A fresh directory under the test's temp dir. */
function fresh(name: string): string {
  const d = join(dir, name);
  mkdirSync(d);
  return d;
}

const TINY = 'durationMs: 60000\npolicies: [fair, fifo]\nservices: [{ id: s, intervalMs: 100 }]\nusers: [{ id: a }]\ntasks: [{ at: 0, user: a, recipients: 5 }]\n';

describe.concurrent('an empty path', () => {
  const cases: [string, string[], string][] = [
    ['sim --out', ['sim', EXAMPLE, '--out', '', '--quiet'], '--out'],
    ['sim --out (blank)', ['sim', EXAMPLE, '--out', ' ', '--quiet'], '--out'],
    ['sim --events', ['sim', EXAMPLE, '--out', 'o', '--events', '', '--quiet'], '--events'],
    ['sweep --out', ['sweep', EXAMPLE, '--vary', 'seed=1', '--out', '', '--quiet'], '--out'],
    ['schema --out', ['schema', '--out', ''], '--out'],
  ];
  it.each(cases)('%s: exit 2, nothing written in the working directory', async (name, args, option) => {
    const cwd = fresh(`empty-${name.replace(/\W+/g, '-')}`);
    const r = await fairsendIn(cwd, ...args);
    expect([r.code, r.stdout, r.stderr]).toEqual([2, '', `error: ${option} must not be empty\n`]);
    expect(tree(cwd)).toEqual([]);
  });
});

describe.concurrent('an output that would replace an input', () => {
  it('sim --out over the scenario file (saved as summary.json)', async () => {
    const d = fresh('scenario-as-summary');
    const file = join(d, 'summary.json');
    const text = JSON.stringify({ durationMs: 60000, policies: ['fair'], services: [{ id: 's', intervalMs: 100 }], users: [{ id: 'a' }] });
    writeFileSync(file, text);
    const r = await fairsend('sim', file, '--out', d, '--quiet');
    expect([r.code, r.stdout, r.stderr]).toEqual([2, '', `error: --out: ${file} is the scenario file; choose another directory\n`]);
    expect(tree(d)).toEqual(['summary.json']);
    expect(readFileSync(file, 'utf8')).toBe(text);
  });

  it('sim --out over the trace (named report.md), also through a symbolic link to the directory', async () => {
    const d = fresh('trace-as-report');
    mkdirSync(join(d, 'out'));
    const trace = join(d, 'out', 'report.md');
    writeFileSync(trace, 'at,user,recipients\n0,a,5\n');
    writeFileSync(join(d, 'replay.yaml'), 'durationMs: 60000\npolicies: [fair]\nservices: [{ id: s, intervalMs: 100 }]\ntrace: { file: out/report.md, format: csv }\n');
    symlinkSync(join(d, 'out'), join(d, 'link'));
    const before = tree(d);
    const direct = await fairsend('sim', join(d, 'replay.yaml'), '--out', join(d, 'out'), '--quiet');
    expect([direct.code, direct.stdout, direct.stderr]).toEqual([2, '', `error: --out: ${trace} is the scenario's trace file; choose another directory\n`]);
    const linked = await fairsend('sim', join(d, 'replay.yaml'), '--out', join(d, 'link'), '--quiet');
    expect([linked.code, linked.stderr]).toEqual([2, `error: --out: ${join(d, 'link', 'report.md')} is the scenario's trace file; choose another directory\n`]);
    expect(tree(d)).toEqual(before);
    expect(readFileSync(trace, 'utf8')).toBe('at,user,recipients\n0,a,5\n');
  });

  it('sweep --out over the scenario file (saved as sweep.json)', async () => {
    const d = fresh('scenario-as-sweep');
    const file = join(d, 'sweep.json');
    writeFileSync(file, JSON.stringify({ durationMs: 60000, policies: ['fair'], services: [{ id: 's', intervalMs: 100 }], users: [{ id: 'a' }] }));
    const r = await fairsend('sweep', file, '--vary', 'seed=1,2', '--out', d);
    expect([r.code, r.stdout, r.stderr]).toEqual([2, '', `error: --out: ${file} is the scenario file; choose another directory\n`]);
    expect(tree(d)).toEqual(['sweep.json']);
  });

  it('sweep --out over the trace of one of the points (--vary trace.file)', async () => {
    const d = fresh('sweep-trace');
    writeFileSync(join(d, 'day.csv'), 'at,user,recipients\n0,a,5\n');
    writeFileSync(join(d, 'report.md'), 'at,user,recipients\n0,a,7\n');
    writeFileSync(join(d, 'plan.yaml'), 'durationMs: 60000\npolicies: [fair]\nservices: [{ id: s, intervalMs: 100 }]\ntrace: { file: day.csv, format: csv }\n');
    const r = await fairsend('sweep', join(d, 'plan.yaml'), '--vary', 'trace.file=day.csv,report.md', '--out', d);
    expect([r.code, r.stdout, r.stderr]).toEqual([2, '', `error: --out: ${join(d, 'report.md')} is the scenario's trace file; choose another directory\n`]);
    expect(tree(d)).toEqual(['day.csv', 'plan.yaml', 'report.md']);
    expect(readFileSync(join(d, 'report.md'), 'utf8')).toBe('at,user,recipients\n0,a,7\n');
  });
});

describe.concurrent('--events', () => {
  it('refuses an existing directory with one policy or several, writing nothing next to it', async () => {
    const d = fresh('events-dir');
    const file = join(d, 'tiny.yaml');
    writeFileSync(file, TINY);
    mkdirSync(join(d, 'logs'));
    for (const policies of ['fair', 'fair,fifo']) {
      const r = await fairsend('sim', file, '--policy', policies, '--out', join(d, 'out'), '--events', join(d, 'logs'), '--quiet');
      expect([r.code, r.stdout, r.stderr]).toEqual([2, '', `error: --events: ${join(d, 'logs')} is a directory; give a file name\n`]);
    }
    const slash = await fairsend('sim', file, '--out', join(d, 'out'), '--events', `${join(d, 'new')}/`, '--quiet');
    expect([slash.code, slash.stderr]).toEqual([2, `error: --events: ${join(d, 'new')}/ ends with a path separator, so it names a directory; give a file name\n`]);
    expect(tree(d)).toEqual(['logs', 'tiny.yaml']);
  });

  it('the help names the files exactly as they are written', async () => {
    const help = (await fairsend('sim', '--help')).stdout.replace(/\s+/g, ' ');
    expect(help).toContain('with several policies one file each, named <stem>.<policy><ext>: ev.jsonl gives ev.fair.jsonl, ev.fifo.jsonl, … (no extension: .jsonl)');
    const d = fresh('events-names');
    writeFileSync(join(d, 'tiny.yaml'), TINY);
    const r = await fairsend('sim', join(d, 'tiny.yaml'), '--out', join(d, 'out'), '--events', join(d, 'ev.jsonl'), '--quiet');
    expect(r.code).toBe(0);
    expect(tree(d).filter((f) => f.startsWith('ev'))).toEqual(['ev.fair.jsonl', 'ev.fifo.jsonl']);
  });
});

describe.concurrent('a value given twice', () => {
  it('--policy fair,fair', async () => {
    const out = join(dir, 'policy-twice');
    const r = await fairsend('sim', EXAMPLE, '--policy', 'fair,fair', '--out', out, '--quiet');
    expect([r.code, r.stdout, r.stderr]).toEqual([2, '', 'error: --policy: "fair" is given more than once\n']);
    expect(existsSync(out)).toBe(false);
  });

  it('--vary PATH=2,2 and PATH=2,2.0', async () => {
    const out = join(dir, 'vary-twice');
    const same = await fairsend('sweep', EXAMPLE, '--vary', 'services.ses.intervalMs=200,200', '--out', out);
    expect([same.code, same.stdout, same.stderr]).toEqual([2, '', 'error: --vary services.ses.intervalMs: the value 200 is given more than once; each configuration runs once\n']);
    const spelt = await fairsend('sweep', EXAMPLE, '--vary', 'services.ses.intervalMs=2,2.0', '--out', out);
    expect([spelt.code, spelt.stderr]).toEqual([2, 'error: --vary services.ses.intervalMs: 2 and 2.0 are the same value; each configuration runs once\n']);
    expect(existsSync(out)).toBe(false);
  });

  it('a scenario listing a policy twice', async () => {
    const file = join(fresh('policies-twice'), 'p.yaml');
    writeFileSync(file, TINY.replace('[fair, fifo]', '[fair, fair]'));
    const r = await fairsend('validate', file);
    expect([r.code, r.stdout, r.stderr]).toEqual([2, '', `error: ${file}: policies must not name a policy twice, got ["fair","fair"]\n`]);
  });
});

describe.concurrent('what sim and validate print', () => {
  it('sim counts unfinished campaigns apart from done and refused', async () => {
    const file = join(fresh('unfinished'), 'u.yaml');
    // 100 sends 1 s apart cannot finish in a run of 10 s (no drain): the campaign is unfinished.
    writeFileSync(file, 'durationMs: 10000\ndrainMs: 0\npolicies: [fair]\nservices: [{ id: s, intervalMs: 1000 }]\nusers: [{ id: a }]\ntasks: [{ at: 0, user: a, recipients: 100 }, { at: 0, user: a, recipients: 1 }]\n');
    const r = await fairsend('sim', file, '--out', join(dir, 'unfinished', 'out'), '--quiet');
    expect(r.stdout).toMatch(/\n {2}fair +1 of 2 campaigns done, 1 unfinished, 0 refused +p50 /);
  });

  it('validate prints the resolved scenario under its verdict', async () => {
    const r = await fairsend('validate', 'scenarios/example.yaml');
    expect([r.code, r.stderr]).toEqual([0, '']);
    expect(r.stdout).toBe([
      'scenarios/example.yaml: valid — 2 users, 2 services, 4 campaigns, 2540 recipients',
      '  run: arrivals for 2h, ends at 4h; seed 42; policies fair, round-robin, fifo',
      '  services: 2',
      '    acme-mailbox (preset google-workspace): intervalMs 1000, windows 2000 per rolling 1d, concurrency 1, access 1 user',
      '    ses: intervalMs 200, windows 50000 per rolling 1d, concurrency 2, access all',
      '  users: 2',
      '    acme: weight 2, quota 5000',
      '    globex: weight 1, quota 5000',
      '  campaigns: 4 (2540 recipients): 4 explicit; 1 restricted to some services',
      '  faults: latency lognormal, median 200 ms, sigma 0.5, max 10000; deferral rate 0.01; bounce rate 0.005; throttle rate 0; 0 domain(s); 0 outage rule(s)',
      '  actions: 1 (pauseService 1)',
      '  expectations: p99 campaign completion ≤ 1h 00m; unfinished campaigns ≤ 0; invariant violations ≤ 0',
      '',
    ].join('\n'));
  });

  it('validate stays short for a large scenario: copies are one line, lists are capped', async () => {
    const file = join(fresh('validate-large'), 'big.yaml');
    const services = [
      '  - { id: relay, count: 1000, intervalMs: 10, windows: [{ kind: fixed, limit: 500, periodMs: 86400000, timeZone: Europe/Paris }], access: { groups: [t] } }',
      ...Array.from({ length: 30 }, (_, i) => `  - { id: own-${i}, intervalMs: 1000, access: { users: [u${i}] } }`),
    ];
    const users = Array.from({ length: 30 }, (_, i) => `  - { id: u${i}, quota: ${1000 + i} }`);
    writeFileSync(file, ['durationMs: 86400000', 'services:', ...services, 'users:', ...users,
      'userGroups: [{ name: t, count: 5000, quota: { kind: uniform, min: 10, max: 20 }, arrivals: { kind: poisson, perDay: 1 }, recipients: 3 }]', ''].join('\n'));
    const r = await fairsend('validate', file);
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines.length).toBeLessThan(60);
    expect(lines[0]).toMatch(/: valid — 5030 users, 1030 services, \d+ campaigns, \d+ recipients$/);
    expect(lines).toContain('  services: 1030');
    expect(lines).toContain('    relay x1000 (relay-1 … relay-1000): intervalMs 10, windows 500 per fixed 1d Europe/Paris, concurrency 1, access 1 group (5000 users)');
    expect(lines).toContain('    own-0: intervalMs 1000, windows none, concurrency 1, access 1 user');
    expect(lines).toContain('    … and 11 more service entries');
    expect(lines).toContain('    … and 10 more users');
    expect(lines).toContain('    t x5000 (group): weight 1, quota 10–20');
  });
});
