// Scenario values that would silently mean something else than written are refused up front:
// domain shares summing above 1, operator actions after the end of the run.
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveScenario, validateScenario } from '../../sim/scenario/index.ts';
import { fairsend, tempDirForFile } from './cli-child.ts';

function outcome(doc: unknown): { ok: true } | { ok: false; errors: string[] } {
  const v = validateScenario(doc);
  if (!v.ok) return v;
  const r = resolveScenario(v.value);
  return r.ok ? { ok: true } : r;
}

const base = { durationMs: 1000, drainMs: 500, services: [{ id: 's', intervalMs: 5 }], users: [{ id: 'a' }], tasks: [{ at: 0, user: 'a', recipients: 1 }] };

describe('faults.domains shares', () => {
  it('refuses shares summing above 1, naming the path', () => {
    const domains = [{ name: 'bad', share: 0.9, bounceRate: 1 }, { name: 'good', share: 0.9 }];
    expect(outcome({ ...base, faults: { domains } })).toEqual({ ok: false, errors: ['faults.domains: the shares sum to 1.8; they are fractions of all recipients and must sum to at most 1'] });
  });

  it('accepts shares summing to 1 (up to rounding) or less', () => {
    expect(outcome({ ...base, faults: { domains: [{ name: 'g', share: 0.45 }, { name: 'o', share: 0.2 }, { name: 'y', share: 0.1 }, { name: 'c', share: 0.25 }] } })).toEqual({ ok: true });
    // 0.01 + 0.2 + 0.68 + 0.11 is 1.0000000000000002 in floating point.
    expect(outcome({ ...base, faults: { domains: [{ name: 'g', share: 0.01 }, { name: 'o', share: 0.2 }, { name: 'y', share: 0.68 }, { name: 'c', share: 0.11 }] } })).toEqual({ ok: true });
    expect(outcome({ ...base, faults: { domains: [{ name: 'g', share: 0.3 }] } })).toEqual({ ok: true });
  });
});

describe('operator actions', () => {
  it('refuses an action after the end of the run (durationMs + drainMs)', () => {
    expect(outcome({ ...base, actions: [{ at: 1500, kind: 'suspendUser', user: 'a' }] })).toEqual({ ok: true });
    expect(outcome({ ...base, actions: [{ at: 0, kind: 'suspendUser', user: 'a' }, { at: 1501, kind: 'resumeUser', user: 'a' }] }))
      .toEqual({ ok: false, errors: ['actions[1].at must be at most durationMs + drainMs (1500), the end of the run, got 1501'] });
    const { drainMs: _drain, ...noDrain } = base;
    expect(outcome({ ...noDrain, actions: [{ at: 2001, kind: 'suspendUser', user: 'a' }] }))
      .toEqual({ ok: false, errors: ['actions[0].at must be at most durationMs + drainMs (2000), the end of the run, got 2001'] });
  });
});

const dir = tempDirForFile('fairsend-refusals-');

describe.concurrent('fairsend sim refuses them with exit 2', () => {
  it('domain shares above 1', async () => {
    const file = join(dir, 'shares.yaml');
    writeFileSync(file, 'durationMs: 1000\nservices: [{ id: s, intervalMs: 5 }]\nusers: [{ id: a }]\nfaults: { domains: [{ name: bad, share: 0.9, bounceRate: 1 }, { name: good, share: 0.9 }] }\n');
    const r = await fairsend('sim', file, '--out', join(dir, 'out-shares'), '--quiet');
    expect(r).toEqual({ code: 2, stdout: '', stderr: `error: ${file}: faults.domains: the shares sum to 1.8; they are fractions of all recipients and must sum to at most 1\n` });
    expect(existsSync(join(dir, 'out-shares'))).toBe(false);
  });

  it('a late action', async () => {
    const file = join(dir, 'late.yaml');
    writeFileSync(file, 'durationMs: 1000\nservices: [{ id: s, intervalMs: 5 }]\nusers: [{ id: a }]\nactions: [{ at: 5000, kind: suspendUser, user: a }]\n');
    const r = await fairsend('validate', file);
    expect(r).toEqual({ code: 2, stdout: '', stderr: `error: ${file}: actions[0].at must be at most durationMs + drainMs (2000), the end of the run, got 5000\n` });
  });
});
