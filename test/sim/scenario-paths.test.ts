// Every refusal of a scenario names the field (`tasks[0].user`, `users[1]`, `userGroups[0]`) or the
// trace file and line it is about, and says what is wrong with the value.
import { describe, expect, it } from 'vitest';
import { MAX_QUOTA, parseTrace, resolveScenario, validateScenario } from '../../sim/scenario/index.ts';
import type { TraceRow } from '../../sim/scenario/index.ts';
import { setUpEngine } from '../../sim/simulate.ts';

function resolved(doc: unknown, traceRows: TraceRow[] = []) {
  const v = validateScenario(doc);
  if (!v.ok) throw new Error(v.errors.join('\n'));
  return resolveScenario(v.value, { traceRows });
}

function refusal(doc: unknown, traceRows: TraceRow[] = []): string[] {
  const r = resolved(doc, traceRows);
  if (r.ok) throw new Error('expected a refusal');
  return r.errors;
}

function errorsOf(result: { ok: boolean; errors?: string[] }): string[] {
  return result.ok ? [] : result.errors!;
}

const base = { durationMs: 86_400_000, services: [{ id: 's', intervalMs: 10 }], users: [{ id: 'a' }] };

describe('cross-references name the field', () => {
  it('a task naming an unknown user', () => {
    expect(refusal({ ...base, tasks: [{ at: 0, user: 'a', recipients: 1 }, { at: 0, user: 'nobody', recipients: 1 }] }))
      .toEqual(['tasks[1].user names unknown user "nobody"']);
  });

  it('a user with no usable service: a declared user, or the group that generated it', () => {
    const only = { id: 's', intervalMs: 10, access: { users: ['u'] } };
    expect(refusal({ ...base, services: [only], users: [{ id: 'u' }, { id: 'v' }] }))
      .toEqual(['users[1]: user "v" has no usable service (1 user(s) in all); give a service access to it']);
    expect(refusal({ ...base, services: [only], users: [{ id: 'u' }], userGroups: [{ name: 'h', count: 1, arrivals: { kind: 'poisson', perDay: 1 }, recipients: 1 }, { name: 'g', count: 3, arrivals: { kind: 'poisson', perDay: 1 }, recipients: 1 }] }))
      .toEqual(['userGroups[0]: user "h-1" has no usable service (4 user(s) in all); give a service access to it']);
  });

  it('an action index is the one in the file, not in time order', () => {
    expect(refusal({ ...base, actions: [{ at: 50, kind: 'pauseService', service: 's' }, { at: 5, kind: 'pauseService', service: 'nope' }] }))
      .toEqual(['actions[1].service names unknown service "nope"']);
  });
});

describe('a campaign id used twice names both places', () => {
  it('two explicit tasks, or an explicit id equal to a default one', () => {
    expect(refusal({ ...base, tasks: [{ id: 'x', at: 0, user: 'a', recipients: 1 }, { id: 'x', at: 5, user: 'a', recipients: 1 }] }))
      .toEqual(['tasks[1].id "x" is also the id of tasks[0]; campaign ids must be unique']);
    expect(refusal({ ...base, tasks: [{ at: 0, user: 'a', recipients: 1 }, { id: 'task-1', at: 5, user: 'a', recipients: 1 }] }))
      .toEqual(['tasks[1].id "task-1" is also the id of tasks[0]; campaign ids must be unique']);
  });

  it('a trace row against an explicit task: the file and the line', () => {
    const rows = errorsOrRows(parseTrace('at,user,recipients,id\n0,a,1,y\n5,a,1,x\n', 'csv', 'day.csv'));
    expect(refusal({ ...base, trace: { file: 'day.csv' }, tasks: [{ id: 'x', at: 0, user: 'a', recipients: 1 }] }, rows))
      .toEqual(['day.csv line 3: id "x" is also the id of tasks[0]; campaign ids must be unique']);
  });

  it('twice in the trace: the file and both lines', () => {
    expect(parseTrace('at,user,recipients,id\n0,a,1,x\n\n5,a,1,x\n', 'csv', 'day.csv'))
      .toEqual({ ok: false, errors: ['day.csv line 4: id "x" is also the id of line 2; campaign ids must be unique'] });
    expect(parseTrace('{"at":0,"user":"a","recipients":1,"id":"x"}\n{"at":1,"user":"a","recipients":1,"id":"x"}\n', 'jsonl', 'day.jsonl'))
      .toEqual({ ok: false, errors: ['day.jsonl line 2: id "x" is also the id of line 1; campaign ids must be unique'] });
  });

  it('an explicit id equal to a generated one names the explicit task', () => {
    expect(refusal({ ...base, users: [], userGroups: [{ name: 'g', count: 1, arrivals: { kind: 'poisson', perDay: 50 }, recipients: 1 }], tasks: [{ id: 'g-1-t1', at: 0, user: 'g-1', recipients: 1 }] }))
      .toEqual(['tasks[0].id "g-1-t1" is also the id of a campaign generated for userGroups[0]; campaign ids must be unique']);
  });
});

function errorsOrRows(r: ReturnType<typeof parseTrace>): TraceRow[] {
  if (!r.ok) throw new Error(r.errors.join('\n'));
  return r.value;
}

describe('workload limits name the part to change', () => {
  it('the group contributing most campaigns or recipients', () => {
    const group = (name: string, count: number, perDay: number, recipients: unknown) => ({ name, count, arrivals: { kind: 'poisson', perDay }, recipients });
    expect(refusal({ ...base, users: [], userGroups: [group('small', 10, 1, 1), group('huge', 100_000, 100, 1)] }))
      .toEqual(['userGroups[1]: the workload would create about 10000010 campaigns (about 10000000 from this group); at most 5000000 are allowed']);
    // Lists of 30 million on average (each draw is capped at 10 million; the estimate uses the mean).
    const wide = { kind: 'lognormal', median: 30_000_000, sigma: 0 };
    expect(refusal({ ...base, users: [], userGroups: [group('wide', 10, 1, wide), group('small', 10, 1, 1)] }))
      .toEqual(['userGroups[0]: the workload would send about 300000010 recipients (about 300000000 from this group); at most 200000000 are allowed']);
  });

  it('the explicit tasks when they are the largest part', () => {
    const tasks = Array.from({ length: 21 }, (_, i) => ({ at: i, user: 'a', recipients: 10_000_000 }));
    expect(refusal({ ...base, tasks }))
      .toEqual(['tasks: the workload would send about 210000000 recipients (about 210000000 from tasks); at most 200000000 are allowed']);
  });
});

describe('quotas', () => {
  it('the limit is the engine\'s: a scenario at it runs, one above is refused naming the field', () => {
    const at = resolved({ ...base, users: [{ id: 'a', quota: MAX_QUOTA }] });
    if (!at.ok) throw new Error(at.errors.join('\n'));
    expect(setUpEngine(at.value, 'fair', () => {}).ok).toBe(true);
    expect(setUpEngine({ ...at.value, users: [{ id: 'a', quota: MAX_QUOTA + 1, weight: 1 }] }, 'fair', () => {}).ok).toBe(false);
    expect(errorsOf(validateScenario({ ...base, users: [{ id: 'a', quota: 1e13 }] })))
      .toEqual(['users[0].quota must be an integer from 0 to 1000000000000, got 10000000000000']);
  });

  it('1e20 is above the limit, not "not a non-negative integer"', () => {
    expect(errorsOf(validateScenario({ ...base, users: [{ id: 'a', quota: 1e20 }] })))
      .toEqual(['users[0].quota must be an integer from 0 to 1000000000000, got 100000000000000000000']);
    expect(errorsOf(validateScenario({ ...base, expectations: { p99CompletionMs: 1e20 } })))
      .toEqual(['expectations.p99CompletionMs must be at most 9007199254740991, got 100000000000000000000']);
    expect(errorsOf(validateScenario({ ...base, expectations: { p99CompletionMs: 1.5 } })))
      .toEqual(['expectations.p99CompletionMs must be a non-negative integer, got 1.5']);
  });

  it('trace.defaultQuota, a grant and a group\'s drawn quotas have the same limit', () => {
    expect(errorsOf(validateScenario({ ...base, trace: { file: 't.csv', defaultQuota: 2e12 } })))
      .toEqual(['trace.defaultQuota must be an integer from 0 to 1000000000000, got 2000000000000']);
    expect(errorsOf(validateScenario({ ...base, actions: [{ at: 0, kind: 'grantQuota', user: 'a', amount: 2e12 }] })))
      .toEqual(['actions[0].amount must be an integer from 1 to 1000000000000, got 2000000000000']);
    const group = (quota: unknown) => ({ name: 'g', count: 2, quota, arrivals: { kind: 'poisson', perDay: 1 }, recipients: 1 });
    expect(errorsOf(validateScenario({ ...base, users: [], userGroups: [group(5e12)] })))
      .toEqual(['userGroups[0].quota must be an integer from 0 to 1000000000000 (or a distribution), got 5000000000000']);
    expect(refusal({ ...base, users: [], userGroups: [group({ kind: 'uniform', min: 5e12, max: 6e12 })] }))
      .toEqual([expect.stringMatching(/^userGroups\[0\]\.quota: user "g-1" drew 5\d{12}; a quota is at most 1000000000000: lower the distribution or give it a max$/)]);
  });
});

describe('trace columns', () => {
  it('refuses both "at" and "time", in a CSV header or a JSONL line', () => {
    expect(parseTrace('at,time,user,recipients\n5,2026-03-01T09:00:00Z,a,1\n', 'csv', 'day.csv'))
      .toEqual({ ok: false, errors: ['day.csv line 1: the header has both "at" (ms) and "time" (ISO 8601); keep one (or list the other in trace.ignoreColumns)'] });
    expect(parseTrace('{"at":0,"user":"a","recipients":1}\n{"at":5,"time":"2026-03-01T09:00:00Z","user":"a","recipients":1}\n', 'jsonl', 'day.jsonl'))
      .toEqual({ ok: false, errors: ['day.jsonl line 2: the line has both "at" (ms) and "time" (ISO 8601); keep one (or list the other in trace.ignoreColumns)'] });
    expect(parseTrace('at,time,user,recipients\n5,2026-03-01T09:00:00Z,a,1\n', 'csv', 'day.csv', Infinity, ['time']))
      .toEqual({ ok: true, value: [{ at: 5, user: 'a', recipients: 1 }] });
  });

  it('hints at unquoted commas only for a row with more cells than the header', () => {
    expect(parseTrace('at,user,recipients\n0,a\n', 'csv', 'day.csv'))
      .toEqual({ ok: false, errors: ['day.csv: malformed CSV: Invalid Record Length: columns length is 3, got 2 on line 2'] });
    expect(parseTrace('at,user,recipients,services\n0,a,1,ws-1, priv\n', 'csv', 'day.csv'))
      .toEqual({ ok: false, errors: ['day.csv: malformed CSV: Invalid Record Length: columns length is 4, got 5 on line 2 (a services cell with commas must be quoted: "ws-1, priv")'] });
  });
});
