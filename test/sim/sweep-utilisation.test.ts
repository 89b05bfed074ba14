// A sweep's utilisation is the services' combined capacity used (all starts over all capacity), not
// a mean over services: a dozen saturated small mailboxes must not hide a large relay used at 63%.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { serviceCapacity } from '../../sim/capacity.ts';
import { parseVary, weightedUtilisation } from '../../sim/sweep.ts';
import { fairsend, tempDirForFile } from './cli-child.ts';

const DAY_MS = 86_400_000;
const small = { intervalMs: 10, windows: [{ kind: 'rolling' as const, limit: 5, periodMs: DAY_MS }] };
const big = { intervalMs: 10, windows: [{ kind: 'rolling' as const, limit: 1000, periodMs: DAY_MS }] };

describe('weightedUtilisation', () => {
  it('is total starts over total capacity, with the capacity the report uses per service', () => {
    const services = [...Array.from({ length: 12 }, () => small), big];
    const spanMs = 19_000;
    expect(services.map((s) => serviceCapacity(s, spanMs))).toEqual([...new Array<number>(12).fill(5), 1000]);
    const m = { simulatedMs: spanMs, services: [...new Array<{ sends: number }>(12).fill({ sends: 5 }), { sends: 630 }] };
    // 690 of 1060; the mean of per-service utilisations would be (12 + 0.63) / 13 = 0.97.
    expect(weightedUtilisation(services, m)).toBe(690 / 1060);
  });

  it('is 0 without capacity and at most 1', () => {
    expect(weightedUtilisation([], { simulatedMs: 1000, services: [] })).toBe(0);
    expect(weightedUtilisation([small], { simulatedMs: 1000, services: [{ sends: 7 }] })).toBe(1);
  });
});

describe('parseVary', () => {
  it('refuses a value given twice, however it is spelt', () => {
    expect(parseVary('services.ws.count=2,4,2')).toEqual({ ok: false, errors: ['--vary services.ws.count: the value 2 is given more than once; each configuration runs once'] });
    expect(parseVary('services.ws.count=2,2.0')).toEqual({ ok: false, errors: ['--vary services.ws.count: 2 and 2.0 are the same value; each configuration runs once'] });
    expect(parseVary('policies=fair,fair')).toEqual({ ok: false, errors: ['--vary policies: the value fair is given more than once; each configuration runs once'] });
    expect(parseVary('services.ws.count=2,4')).toEqual({ ok: true, value: { path: 'services.ws.count', values: [2, 4] } });
  });
});

const dir = tempDirForFile('fairsend-sweep-utilisation-');

describe('fairsend sweep', () => {
  it('prints and records the capacity-weighted utilisation', { timeout: 60_000 }, async () => {
    const file = join(dir, 'mixed.yaml');
    // Twelve mailboxes capped at 5 a day, all used; a relay capped at 1000 a day, 630 used (a late
    // campaign keeps the run going 19 s, so the relay's interval is not what limits it).
    writeFileSync(file, [
      'durationMs: 20000', 'policies: [fair]',
      'services:',
      '  - { id: small, count: 12, intervalMs: 10, windows: [{ kind: rolling, limit: 5, periodMs: 86400000 }] }',
      '  - { id: big, intervalMs: 10, windows: [{ kind: rolling, limit: 1000, periodMs: 86400000 }] }',
      'users: [{ id: a }]',
      'tasks:',
      '  - { at: 0, user: a, recipients: 60, services: [small] }',
      '  - { at: 0, user: a, recipients: 629, services: [big] }',
      '  - { at: 19000, user: a, recipients: 1, services: [big] }', '',
    ].join('\n'));
    const out = join(dir, 'out');
    const r = await fairsend('sweep', file, '--vary', 'seed=1', '--out', out);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('  seed=1: p99 6.3 s, 0 of 3 campaigns refused, utilisation (capacity-weighted) 65.1%, meets expectations\n');
    const sweep = JSON.parse(readFileSync(join(out, 'sweep.json'), 'utf8')) as { points: { utilisation: number }[] };
    expect(sweep.points[0]!.utilisation).toBe(690 / 1060);
  });
});
