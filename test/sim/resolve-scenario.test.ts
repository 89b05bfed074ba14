import { describe, expect, it } from 'vitest';
import { parseTrace, resolveScenario, validateScenario } from '../../sim/scenario/index.ts';
import type { ResolvedScenario } from '../../sim/scenario/index.ts';

function resolve(doc: unknown, seed?: number): ResolvedScenario {
  const v = validateScenario(doc);
  if (!v.ok) throw new Error(v.errors.join('\n'));
  const r = resolveScenario(v.value, seed === undefined ? {} : { seed });
  if (!r.ok) throw new Error(r.errors.join('\n'));
  return r.value;
}

function refusal(doc: unknown): string[] {
  const v = validateScenario(doc);
  if (!v.ok) throw new Error(v.errors.join('\n'));
  const r = resolveScenario(v.value);
  if (r.ok) throw new Error('expected a refusal');
  return r.errors;
}

const generated = {
  durationMs: 86_400_000,
  services: [
    { id: 'pool', intervalMs: 1000, count: 2, access: { groups: ['small'] } },
    { id: 'own', intervalMs: 500, access: { users: ['big-1'] } },
  ],
  userGroups: [
    { name: 'small', count: 3, quota: 5000, arrivals: { kind: 'poisson', perDay: 4 }, recipients: { kind: 'uniform', min: 1, max: 10 } },
    { name: 'big', count: 1, weight: 3, arrivals: { kind: 'curve', perDay: 10, hourly: [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0] }, recipients: { kind: 'pareto', min: 100, alpha: 1.5, max: 1000 } },
  ],
};

describe('resolveScenario', () => {
  it('expands groups into users and access lists', () => {
    const s = resolve({ ...generated, services: [...generated.services, { id: 'shared', intervalMs: 100 }] });
    expect(s.users.map((u) => [u.id, u.weight, u.quota])).toEqual([['small-1', 1, 5000], ['small-2', 1, 5000], ['small-3', 1, 5000], ['big-1', 3, 1_000_000]]);
    expect(s.services.map((x) => [x.id, x.access])).toEqual([
      ['pool-1', ['small-1', 'small-2', 'small-3']],
      ['pool-2', ['small-1', 'small-2', 'small-3']],
      ['own', ['big-1']],
      ['shared', 'all'],
    ]);
  });

  it('is deterministic per seed and keeps arrivals sorted, inside the horizon and the curve', () => {
    const a = resolve(generated, 5);
    const b = resolve(generated, 5);
    const c = resolve(generated, 6);
    expect(b.arrivals).toEqual(a.arrivals);
    expect(c.arrivals).not.toEqual(a.arrivals);
    for (let i = 1; i < a.arrivals.length; i++) expect(a.arrivals[i]!.at).toBeGreaterThanOrEqual(a.arrivals[i - 1]!.at);
    const big = a.arrivals.filter((x) => x.user === 'big-1');
    for (const x of big) {
      expect(Math.floor(x.at / 3_600_000)).toBeGreaterThanOrEqual(8);
      expect(Math.floor(x.at / 3_600_000)).toBeLessThan(16);
      expect(x.recipients).toBeGreaterThanOrEqual(100);
      expect(x.recipients).toBeLessThanOrEqual(1000);
    }
    expect(a.totalRecipients).toBe(a.arrivals.reduce((n, x) => n + x.recipients, 0));
  });

  it('changing the size distribution does not move arrival times (one stream per concern)', () => {
    const a = resolve(generated, 9);
    const b = resolve({ ...generated, userGroups: [{ ...generated.userGroups[0]!, recipients: 7 }, generated.userGroups[1]!] }, 9);
    expect(b.arrivals.map((x) => [x.at, x.user])).toEqual(a.arrivals.map((x) => [x.at, x.user]));
    expect(b.arrivals.filter((x) => x.user.startsWith('small')).every((x) => x.recipients === 7)).toBe(true);
  });

  it('refuses a user with no usable service', () => {
    expect(refusal({ durationMs: 1000, services: [{ id: 's', intervalMs: 10, access: { users: ['a'] } }], users: [{ id: 'a' }, { id: 'b' }] }))
      .toEqual(['users[1]: user "b" has no usable service (1 user(s) in all); give a service access to it']);
  });

  it('refuses unknown references and absurd sizes', () => {
    expect(refusal({ durationMs: 1000, services: [{ id: 's', intervalMs: 10 }], users: [{ id: 'a' }], tasks: [{ at: 0, user: 'zed', recipients: 1 }] }))
      .toEqual(['tasks[0].user names unknown user "zed"']);
    expect(refusal({ durationMs: 1000, services: [{ id: 's', intervalMs: 10 }], users: [{ id: 'a' }], actions: [{ at: 5, kind: 'pauseService', service: 'nope' }] }))
      .toEqual(['actions[0].service names unknown service "nope"']);
    expect(refusal({ durationMs: 86_400_000 * 30, services: [{ id: 's', intervalMs: 10 }], userGroups: [{ name: 'g', count: 100_000, arrivals: { kind: 'poisson', perDay: 10 }, recipients: 1 }] }))
      .toEqual(['userGroups[0]: the workload would create about 30000000 campaigns (about 30000000 from this group); at most 5000000 are allowed']);
    expect(refusal({ durationMs: 1000, services: [{ id: 's', intervalMs: 10, count: 6000 }, { id: 't', intervalMs: 10, count: 6000 }], users: [{ id: 'a' }] }))
      .toEqual(['services expand to 12000 services; at most 10000 are allowed']);
  });

  it('draws outages per service inside the run', () => {
    const s = resolve({ durationMs: 86_400_000, services: [{ id: 's', intervalMs: 10, count: 2 }], users: [{ id: 'a' }], faults: { outages: [{ services: ['s'], meanBetweenMs: 3_600_000, durationMs: 60_000 }] } });
    for (const svc of s.services) {
      expect(svc.outages.length % 2).toBe(0);
      expect(svc.outages.length).toBeGreaterThan(10);
      for (let i = 0; i < svc.outages.length; i += 2) expect(svc.outages[i + 1]! - svc.outages[i]!).toBe(60_000);
    }
    expect(s.services[0]!.outages).not.toEqual(s.services[1]!.outages);
  });
});

describe('parseTrace', () => {
  it('reads CSV with ms times and JSONL with ISO times', () => {
    expect(parseTrace('at,user,recipients,id\n0,a,5,x\n1500,b,2,\n', 'csv', 't.csv')).toEqual({ ok: true, value: [
      { at: 0, user: 'a', recipients: 5, id: 'x', line: 2 },
      { at: 1500, user: 'b', recipients: 2 },
    ] });
    expect(parseTrace('{"time":"2026-03-01T09:00:00Z","user":"a","recipients":3}\n{"time":"2026-03-01T09:00:01.5Z","user":"a","recipients":1,"weight":2}\n', 'jsonl', 't.jsonl'))
      .toEqual({ ok: true, value: [{ at: 32_400_000, user: 'a', recipients: 3 }, { at: 32_401_500, user: 'a', recipients: 1, weight: 2 }] });
  });

  it('names the file line and field of bad input', () => {
    expect(parseTrace('at,user,recipients\n0,a,-3\n', 'csv', 't.csv')).toEqual({ ok: false, errors: ['t.csv line 2: recipients must be an integer from 1 to 10000000, got "-3"'] });
    expect(parseTrace('{"user":"a","recipients":1}\n', 'jsonl', 't.jsonl')).toEqual({ ok: false, errors: ['t.jsonl line 1: needs "at" (ms) or "time" (ISO 8601), got undefined'] });
    expect(parseTrace('{"at":0,"user":"a","recipients":1}\nnot json\n', 'jsonl', 't.jsonl')).toEqual({ ok: false, errors: ['t.jsonl: line 2: malformed JSON'] });
  });

  it('refuses rows at or after durationMs, naming the file line', () => {
    expect(parseTrace('at,user,recipients\n\n0,a,1\n1000,a,1\n', 'csv', 't.csv', 1000)).toEqual({ ok: false, errors: ['t.csv line 4: at must be less than durationMs (1000), got 1000'] });
    expect(parseTrace('{"at":0,"user":"a","recipients":1}\n\n{"at":5000,"user":"a","recipients":1}\n', 'jsonl', 't.jsonl', 1000))
      .toEqual({ ok: false, errors: ['t.jsonl line 3: at must be less than durationMs (1000), got 5000'] });
    expect(parseTrace('at,user,recipients\n999,a,1\n', 'csv', 't.csv', 1000)).toEqual({ ok: true, value: [{ at: 999, user: 'a', recipients: 1 }] });
  });
});
