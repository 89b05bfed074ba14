// "Do we need the SES identity at all?": a service's count may be 0, which leaves it out, so a sweep
// can start from none. Outside a sweep, a campaign or an action that names a left-out service is
// refused up front, saying why; in a sweep it is part of the configuration being judged.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fairsend, tempDirForFile } from './cli-child.ts';

const dir = tempDirForFile('fairsend-sweep-zero-');

function scenario(name: string, lines: string[]): string {
  const file = join(dir, name);
  writeFileSync(file, [
    'durationMs: 3600000', 'policies: [fair]',
    'services:', '  - { id: ws, intervalMs: 1000, count: 2 }', '  - { id: ses, intervalMs: 100, count: 1 }',
    'users: [{ id: a }, { id: b }]',
    ...lines, '',
  ].join('\n'));
  return file;
}

describe('a service count of 0', () => {
  it('lets a sweep compare none with some', { timeout: 60_000 }, async () => {
    const file = scenario('plan.yaml', [
      'tasks: [{ at: 0, user: a, recipients: 3000 }, { at: 0, user: b, recipients: 3000 }]',
      'expectations: { p99CompletionMs: 1800000 }',
    ]);
    const r = await fairsend('sweep', file, '--vary', 'services.ses.count=0,1', '--out', join(dir, 'out'));
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    // Two mailboxes alone send 2 a second: 6,000 take 50 minutes, more than the 30 allowed.
    expect(r.stdout).toContain('  services.ses.count=0: p99 49m 59s, 0 of 2 campaigns refused, utilisation (capacity-weighted) 100.0%, misses expectations\n');
    expect(r.stdout).toContain('smallest configuration meeting the expectations: services.ses.count=1\n');
  });

  it('a point that leaves tenants with no service at all fails, naming them, and the sweep goes on', { timeout: 60_000 }, async () => {
    const file = join(dir, 'only.yaml');
    // Only invariant violations are gated: without the extra rule, sending nothing would "pass".
    writeFileSync(file, ['durationMs: 3600000', 'policies: [fair]', 'services: [{ id: ws, intervalMs: 1000, count: 1 }]',
      'users: [{ id: a }, { id: b }]', 'tasks: [{ at: 0, user: a, recipients: 10 }]', 'expectations: { maxViolations: 0 }', ''].join('\n'));
    const r = await fairsend('sweep', file, '--vary', 'services.ws.count=0,1', '--out', join(dir, 'only-out'));
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('  services.ws.count=0: p99 —, 1 of 1 campaigns refused, utilisation (capacity-weighted) 0.0%, misses expectations\n');
    expect(r.stdout).toContain('smallest configuration meeting the expectations: services.ws.count=1\n');
    const sweep = JSON.parse(readFileSync(join(dir, 'only-out', 'sweep.json'), 'utf8')) as { points: { pass: boolean; failed: string[] }[] };
    expect(sweep.points.map((p) => [p.pass, p.failed])).toEqual([[false, ['every tenant has a service (2 have none, e.g. "a")']], [true, []]]);
    // Outside a sweep the same file with no service is bad input, as before.
    writeFileSync(file, readFileSync(file, 'utf8').replace('count: 1 }', 'count: 0 }'));
    expect(await fairsend('validate', file)).toMatchObject({ code: 2, stderr: `error: ${file}: users[0]: user "a" has no usable service (2 user(s) in all); give a service access to it\n` });
  });

  it('in a sweep, a campaign restricted only to the left-out service is refused, one naming another service too goes there, and an action on it is left to the engine', { timeout: 60_000 }, async () => {
    const file = join(dir, 'restricted-sweep.yaml');
    writeFileSync(file, ['durationMs: 3600000', 'policies: [fair]',
      'services: [{ id: ws, intervalMs: 1000, count: 1 }, { id: other, intervalMs: 1000 }]', 'users: [{ id: a }, { id: b }]',
      'tasks: [{ at: 0, user: a, recipients: 10, services: [ws] }, { at: 0, user: b, recipients: 10, services: [ws, other] }]',
      'actions: [{ at: 1000, kind: pauseService, service: ws, resumeAt: 5000 }]', 'expectations: { p99CompletionMs: 600000 }', ''].join('\n'));
    const r = await fairsend('sweep', file, '--vary', 'services.ws.count=0,1', '--out', join(dir, 'restricted-sweep-out'));
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    // At 0, a's campaign has no service left (refused, never completes: p99 not reached); b's goes through `other`.
    expect(r.stdout).toContain('  services.ws.count=0: p99 —, 1 of 2 campaigns refused, utilisation (capacity-weighted) 100.0%, misses expectations\n');
    expect(r.stdout).toContain('smallest configuration meeting the expectations: services.ws.count=1\n');
  });

  it('refuses a campaign or an action that names the left-out service, saying so', async () => {
    const task = scenario('restricted.yaml', ['tasks: [{ at: 0, user: a, recipients: 10, services: [ses] }]']);
    const action = scenario('action.yaml', ['tasks: [{ at: 0, user: a, recipients: 10 }]', 'actions: [{ at: 1000, kind: pauseService, service: ses }]']);
    for (const file of [task, action]) writeFileSync(file, readFileSync(file, 'utf8').replace('count: 1 }', 'count: 0 }'));
    expect(await fairsend('validate', task)).toMatchObject({ code: 2, stderr: `error: ${task}: tasks[0].services[0] names service "ses", which has count 0 (left out)\n` });
    expect(await fairsend('validate', action)).toMatchObject({ code: 2, stderr: `error: ${action}: actions[0].service names service "ses", which has count 0 (left out)\n` });
  });
});
