import { describe, expect, it } from 'vitest';
import { DEFAULT_SCENARIO, SERVICE_PRESETS, parseScenarioText, resolveScenario, scenarioJsonSchema, validateScenario } from '../../sim/scenario/index.ts';
import type { Scenario } from '../../sim/scenario/index.ts';

const base = {
  durationMs: 3_600_000,
  services: [{ id: 's', intervalMs: 1000 }],
  users: [{ id: 'a', quota: 100 }],
};

function errorsOf(doc: unknown): string[] {
  const r = validateScenario(doc);
  if (r.ok) throw new Error('expected a refusal');
  return r.errors;
}

function valid(doc: unknown): Scenario {
  const r = validateScenario(doc);
  if (!r.ok) throw new Error(r.errors.join('\n'));
  return r.value;
}

describe('scenario validation', () => {
  it('names the path and the bad value', () => {
    expect(errorsOf({ ...base, services: [{ id: 's', intervalMs: -5 }] })).toEqual(['services[0].intervalMs must be an integer from 1 to 86400000, got -5']);
    expect(errorsOf({ ...base, users: [{ id: 'a', quota: 1.5 }] })).toEqual(['users[0].quota must be an integer from 0 to 1000000000000, got 1.5']);
    expect(errorsOf({ ...base, durationMs: Number.NaN })).toEqual(['durationMs must be an integer from 1 to 31622400000, got NaN']);
  });

  it('refuses unknown fields, unknown presets and missing fields', () => {
    expect(errorsOf({ ...base, services: [{ id: 's', intervalMs: 1000, speed: 3 }] })).toEqual(['services[0]: unknown field(s) "speed"']);
    expect(errorsOf({ ...base, services: [{ id: 's', preset: 'carrier-pigeon' }] })[0]).toMatch(/^services\[0\]\.preset must be one of gmail, google-workspace, .*, got "carrier-pigeon"$/);
    expect(errorsOf({ services: base.services })).toEqual(['durationMs is required (must be an integer from 1 to 31622400000)']);
    expect(errorsOf('hello')).toEqual(['the file must hold a scenario (a mapping of fields), got "hello"']);
    expect(errorsOf({ ...base, services: [{ id: 's' }] })).toEqual(['services[0] needs either a preset or an intervalMs, got {"id":"s","count":1,"access":"all"}']);
  });

  it('fills defaults', () => {
    const s = valid(base);
    expect(s.seed).toBe(1);
    expect(s.policies).toEqual(['fair', 'round-robin', 'fifo']);
    expect(s.faults).toEqual({ latencyMs: { kind: 'fixed', value: 0 }, deferralRate: 0, bounceRate: 0, domains: [], throttleRate: 0, outages: [] });
    expect(s.users[0]).toEqual({ id: 'a', quota: 100, weight: 1 });
  });

  it('reads YAML and reports malformed input with a position', () => {
    const ok = parseScenarioText('durationMs: 1000\nservices:\n  - { id: s, intervalMs: 10 }\n', 'x.yaml');
    expect(ok).toEqual({ ok: true, value: { durationMs: 1000, services: [{ id: 's', intervalMs: 10 }] } });
    const bad = parseScenarioText('durationMs: [1\n', 'x.yaml');
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.errors[0]).toMatch(/^x\.yaml: line \d+, column \d+: /);
    const badJson = parseScenarioText('{"durationMs": }', 'x.json');
    expect(badJson.ok).toBe(false);
    if (!badJson.ok) expect(badJson.errors[0]).toMatch(/^x\.json: malformed JSON: /);
    // Where V8 gives the character offset, it is turned into a line and column, as for YAML.
    expect(parseScenarioText('{\n  "a": 1,\n  "b": 2,\n}', 'x.json'))
      .toEqual({ ok: false, errors: ['x.json: line 4, column 1: malformed JSON: Expected double-quoted property name in JSON at position 22'] });
  });

  it('accepts the built-in default scenario', () => {
    expect(validateScenario(DEFAULT_SCENARIO).ok).toBe(true);
  });

  it('exports a JSON Schema that lists the top-level fields', () => {
    const schema = scenarioJsonSchema() as { type: string; properties: Record<string, unknown>; required: string[] };
    expect(schema.type).toBe('object');
    expect(Object.keys(schema.properties)).toEqual(['$schema', 'name', 'description', 'seed', 'durationMs', 'drainMs', 'policies', 'engine', 'services', 'users', 'userGroups', 'tasks', 'trace', 'faults', 'actions', 'expectations']);
    expect(schema.required).toEqual(['durationMs', 'services']);
  });

  it('exports the cross-field rules too, so an editor flags what validation refuses', () => {
    type Node = Record<string, unknown> & { properties: Record<string, Node>; items: Node; anyOf: unknown[]; allOf: unknown[]; contains: unknown };
    const schema = scenarioJsonSchema() as Node;
    const service = schema.properties['services']!.items;
    // A service needs a preset or an interval.
    expect(service.anyOf).toEqual([{ required: ['preset'] }, { required: ['intervalMs'] }]);
    // A time zone only on a fixed hour or day window.
    expect(service.properties['windows']!.items.allOf).toEqual([{ if: { required: ['timeZone'] }, then: { properties: { kind: { const: 'fixed' }, periodMs: { enum: [3_600_000, 86_400_000] } } } }]);
    expect(errorsOf({ ...base, services: [{ id: 's', intervalMs: 1, windows: [{ kind: 'rolling', limit: 1, periodMs: 3_600_000, timeZone: 'Europe/Paris' }] }] }))
      .toEqual(['services[0].windows[0].timeZone applies to fixed windows only, got "Europe/Paris"']);
    // A daily curve with at least one positive hour.
    const curve = (schema.properties['userGroups']!.items.properties['arrivals']!['oneOf'] as Node[]).find((a) => (a.properties['kind'] as { const?: string }).const === 'curve')!;
    expect(curve.properties['hourly']!.contains).toEqual({ type: 'number', exclusiveMinimum: 0 });
  });
});

describe('presets', () => {
  it('every preset cites its source and has sane limits', () => {
    for (const [name, p] of Object.entries(SERVICE_PRESETS)) {
      expect(p.source, name).toMatch(/^https:\/\//);
      expect(p.intervalMs, name).toBeGreaterThan(0);
      expect(p.windows.length, name).toBeGreaterThan(0);
    }
  });

  it('Google Workspace resolves to 2,000 per rolling 24 h at one per second', () => {
    const r = resolveScenario(valid({ ...base, services: [{ id: 'w', preset: 'google-workspace', count: 2 }] }));
    if (!r.ok) throw new Error(r.errors.join());
    expect(r.value.services.map((s) => [s.id, s.intervalMs, s.concurrency, s.windows])).toEqual([
      ['w-1', 1000, 1, [{ kind: 'rolling', limit: 2000, periodMs: 86_400_000 }]],
      ['w-2', 1000, 1, [{ kind: 'rolling', limit: 2000, periodMs: 86_400_000 }]],
    ]);
  });
});
