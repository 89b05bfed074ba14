// Campaigns restricted to some services in a scenario: names resolve to services (a counted
// service's base id to all its copies), bad names and closed services are refused up front with
// their path, and the simulated campaign goes only through what it names.
import { describe, expect, it } from 'vitest';
import type { EngineEvent } from '../../engine/index.ts';
import { simulate } from '../../sim/index.ts';
import { parseTrace, resolveScenario, validateScenario } from '../../sim/scenario/index.ts';
import type { ResolvedScenario } from '../../sim/scenario/index.ts';

const base = {
  name: 'restricted',
  durationMs: 600_000,
  services: [
    { id: 'ses', intervalMs: 1000 },
    { id: 'mx', intervalMs: 1000, count: 2 },
    { id: 'own', intervalMs: 1000, access: { users: ['bob'] } },
  ],
  users: [{ id: 'alice', quota: 10_000 }, { id: 'bob', quota: 10_000 }],
  tasks: [
    { at: 0, user: 'alice', recipients: 120, services: ['ses'] },
    { at: 0, user: 'bob', recipients: 300 },
    { at: 0, user: 'bob', recipients: 60, services: ['mx', 'own'] },
  ],
};

function resolved(doc: unknown): { ok: true; value: ResolvedScenario } | { ok: false; errors: string[] } {
  const v = validateScenario(doc);
  if (!v.ok) return { ok: false, errors: v.errors };
  return resolveScenario(v.value);
}

describe('scenario tasks restricted to services', () => {
  it('resolve a base id to all its copies, and leave unrestricted tasks alone', () => {
    const r = resolved(base);
    if (!r.ok) throw new Error(r.errors.join('\n'));
    expect(r.value.arrivals.map((a) => [a.id, a.services])).toEqual([
      ['task-1', ['ses']],
      ['task-2', undefined],
      ['task-3', ['mx-1', 'mx-2', 'own']],
    ]);
  });

  it('are refused up front, naming the path, for an unknown service or one closed to the user', () => {
    const unknown = { ...base, tasks: [{ at: 0, user: 'alice', recipients: 1, services: ['ses', 'nope'] }] };
    expect(resolved(unknown)).toEqual({ ok: false, errors: ['tasks[0].services[1] names unknown service "nope"'] });
    const closed = { ...base, tasks: [{ at: 0, user: 'alice', recipients: 1, services: ['own'] }] };
    expect(resolved(closed)).toEqual({ ok: false, errors: ['tasks[0].services[0]: service "own" is not open to user "alice"'] });
    const empty = validateScenario({ ...base, tasks: [{ at: 0, user: 'alice', recipients: 1, services: [] }] });
    expect(empty.ok ? [] : empty.errors.filter((e) => e.includes('tasks[0].services'))).toHaveLength(1);
  });

  it('go only through the services they name, under every policy, and all complete', () => {
    const r = resolved(base);
    if (!r.ok) throw new Error(r.errors.join('\n'));
    const allowed: Record<string, string[] | undefined> = { 'task-1': ['ses'], 'task-3': ['mx-1', 'mx-2', 'own'] };
    for (const policy of ['fair', 'round-robin', 'fifo'] as const) {
      const wrong: string[] = [];
      const sent = new Map<string, number>();
      const observe = (e: EngineEvent): void => {
        if (e.type === 'dispatch' && allowed[e.task] !== undefined && !allowed[e.task]!.includes(e.service)) wrong.push(`${e.task}@${e.service}`);
        if (e.type === 'task_completed') sent.set(e.task, e.sent);
      };
      simulate(r.value, policy, { observers: [observe] });
      expect({ policy, wrong, sent: Object.fromEntries(sent) }).toEqual({ policy, wrong: [], sent: { 'task-1': 120, 'task-2': 300, 'task-3': 60 } });
    }
  });

  it('may come from a trace: a services column (CSV: ids separated by spaces, semicolons or commas) or a JSON list', () => {
    const csv = parseTrace('at,user,recipients,services\n0,alice,5,ses\n1000,bob,5,mx;own\n2000,bob,5,\n', 'csv', 'day.csv');
    expect(csv).toEqual({ ok: true, value: [
      { at: 0, user: 'alice', recipients: 5, services: ['ses'], line: 2 },
      { at: 1000, user: 'bob', recipients: 5, services: ['mx', 'own'], line: 3 },
      { at: 2000, user: 'bob', recipients: 5 },
    ] });
    const jsonl = parseTrace('{"at":0,"user":"bob","recipients":2,"services":["own"]}\n{"at":0,"user":"bob","recipients":2,"services":[]}\n', 'jsonl', 'day.jsonl');
    expect(jsonl).toEqual({ ok: false, errors: ['day.jsonl line 2: services must list service ids (in CSV separated by spaces, semicolons or commas), got []'] });
    if (!csv.ok) return;
    const doc = { ...base, tasks: [], trace: { file: 'day.csv' } };
    const v = validateScenario(doc);
    if (!v.ok) throw new Error(v.errors.join('\n'));
    const r = resolveScenario(v.value, { traceRows: csv.value });
    expect(r.ok ? r.value.arrivals.map((a) => [a.id, a.services]) : r.errors).toEqual([
      ['trace-1', ['ses']],
      ['trace-2', ['mx-1', 'mx-2', 'own']],
      ['trace-3', undefined],
    ]);
    const closed = parseTrace('at,user,recipients,services\n0,alice,5,own\n', 'csv', 'day.csv');
    if (!closed.ok) throw new Error(closed.errors.join('\n'));
    expect(resolveScenario(v.value, { traceRows: closed.value })).toEqual({ ok: false, errors: ['day.csv line 2: services[0]: service "own" is not open to user "alice"'] });
  });
});
