// Messages about a scenario name the file and the field once, and say how to fix the value.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveScenario, validateScenario } from '../../sim/scenario/index.ts';
import { fairsend, tempDirForFile } from './cli-child.ts';

const base = { durationMs: 86_400_000, users: [{ id: 'a' }] };
const withWindow = (window: Record<string, unknown>) => ({ ...base, services: [{ id: 'pub', intervalMs: 5, windows: [window] }] });

describe('scenario messages', () => {
  it('an unknown time zone names the field (the engine would refuse it later, without the file)', () => {
    expect(validateScenario(withWindow({ kind: 'fixed', limit: 5, periodMs: 86_400_000, timeZone: 'Mars/Olympus' })))
      .toEqual({ ok: false, errors: ['services[0].windows[0].timeZone must be an IANA time zone such as Europe/Paris, got "Mars/Olympus"'] });
    expect(validateScenario(withWindow({ kind: 'rolling', limit: 5, periodMs: 86_400_000, timeZone: 'UTC' })))
      .toEqual({ ok: false, errors: ['services[0].windows[0].timeZone applies to fixed windows only, got "UTC"'] });
    expect(validateScenario(withWindow({ kind: 'fixed', limit: 5, periodMs: 60_000, timeZone: 'Europe/Paris' })))
      .toEqual({ ok: false, errors: ['services[0].windows[0].periodMs must be 3600000 (an hour) or 86400000 (a day) with a timeZone, got 60000'] });
    expect(validateScenario(withWindow({ kind: 'fixed', limit: 5, periodMs: 86_400_000, timeZone: 'Europe/Paris' })).ok).toBe(true);
  });

  it('a window limit the engine cannot hold names the field', () => {
    expect(validateScenario(withWindow({ kind: 'fixed', limit: 1e12, periodMs: 86_400_000 })))
      .toEqual({ ok: false, errors: ['services[0].windows[0].limit must be an integer from 1 to 1000000000, got 1000000000000'] });
  });

  it('weights above the engine\'s bound name the field (the engine would refuse the user, or silently the campaign)', () => {
    const doc = { ...base, services: [{ id: 's', intervalMs: 5 }], users: [{ id: 'a', weight: 50_000 }], tasks: [{ at: 0, user: 'a', recipients: 5, weight: 20_000 }] };
    expect(validateScenario(doc)).toEqual({ ok: false, errors: [
      'users[0].weight must be an integer from 1 to 10000, got 50000',
      'tasks[0].weight must be an integer from 1 to 10000, got 20000',
    ] });
  });

  it('a group\'s fixed quota, weight or list size must be a whole number in range: nothing is rounded silently', () => {
    const group = { name: 'g', count: 2, arrivals: { kind: 'poisson', perDay: 3 }, quota: 5.5, weight: 0.2, recipients: 0.3 };
    expect(validateScenario({ ...base, users: [], services: [{ id: 's', intervalMs: 5 }], userGroups: [group] })).toEqual({ ok: false, errors: [
      'userGroups[0].quota must be an integer from 0 to 1000000000000 (or a distribution), got 5.5',
      'userGroups[0].weight must be an integer from 1 to 10000 (or a distribution), got 0.2',
      'userGroups[0].recipients must be an integer from 1 to 10000000 (or a distribution), got 0.3',
    ] });
    const drawn = { ...group, quota: 500, weight: { kind: 'uniform', min: 1, max: 3 }, recipients: { kind: 'lognormal', median: 30, sigma: 1 } };
    expect(validateScenario({ ...base, users: [], services: [{ id: 's', intervalMs: 5 }], userGroups: [drawn] }).ok).toBe(true);
  });

  it('a service paused until before the pause, and an empty list of policies, name the field and say what is wanted', () => {
    const doc = { ...base, policies: [], services: [{ id: 's', intervalMs: 5 }], actions: [{ at: 5000, kind: 'pauseService', service: 's', resumeAt: 1000 }] };
    expect(validateScenario(doc)).toEqual({ ok: false, errors: [
      'policies must name at least one policy (fair, round-robin, fifo), got []',
      "actions[0].resumeAt must be after the action's at (5000), got 1000",
    ] });
    expect(validateScenario({ ...doc, policies: ['fair'], actions: [{ ...doc.actions[0], resumeAt: 5001 }] }).ok).toBe(true);
  });

  it('a list or a mapping given as something else says which it must be', () => {
    expect(validateScenario({ ...base, policies: null, services: [{ id: 's', intervalMs: 5 }], faults: 5 })).toEqual({ ok: false, errors: [
      'policies must be a list, got null',
      'faults must be a mapping of fields, got 5',
    ] });
  });

  it('a value out of range is reported once', () => {
    expect(validateScenario({ ...base, durationMs: 1e20, services: [{ id: 's', intervalMs: 5 }] }))
      .toEqual({ ok: false, errors: ['durationMs must be an integer from 1 to 31622400000, got 100000000000000000000'] });
  });

  it('a Pareto list size without max and alpha ≤ 1 has no mean: say to set max', () => {
    const doc = { ...base, users: [], services: [{ id: 's', intervalMs: 5 }], userGroups: [{ name: 'g', count: 2, arrivals: { kind: 'poisson', perDay: 3 }, recipients: { kind: 'pareto', min: 10, alpha: 0.8 } }] };
    const v = validateScenario(doc);
    if (!v.ok) throw new Error(v.errors.join('\n'));
    expect(resolveScenario(v.value)).toEqual({ ok: false, errors: ['userGroups[0].recipients: a pareto distribution with alpha 0.8 (at most 1) and no max has an infinite mean; set max (the largest list size)'] });
  });
});

const dir = tempDirForFile('fairsend-messages-');

describe.concurrent('the CLI', () => {
  it('names the file and the field of an unknown time zone', async () => {
    const file = join(dir, 'tz.yaml');
    writeFileSync(file, 'durationMs: 1000\nservices: [{ id: pub, intervalMs: 5, windows: [{ kind: fixed, limit: 5, periodMs: 86400000, timeZone: Mars/Olympus }] }]\nusers: [{ id: a }]\n');
    expect(await fairsend('validate', file)).toEqual({ code: 2, stdout: '', stderr: `error: ${file}: services[0].windows[0].timeZone must be an IANA time zone such as Europe/Paris, got "Mars/Olympus"\n` });
  });

  it('prints an out-of-range duration once', async () => {
    const file = join(dir, 'big.yaml');
    writeFileSync(file, 'durationMs: 1e20\nservices: [{ id: s, intervalMs: 5 }]\nusers: [{ id: a }]\n');
    expect(await fairsend('validate', file)).toEqual({ code: 2, stdout: '', stderr: `error: ${file}: durationMs must be an integer from 1 to 31622400000, got 100000000000000000000\n` });
  });
});
