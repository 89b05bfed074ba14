// Invariant 10: the same scenario and seed give a byte-identical event log and the same summary
// hash, whatever the policy; another seed gives another log.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openScenarioDocument } from '../../sim/scenario/index.ts';
import { runScenario } from '../../sim/run-scenario.ts';
import { createHash } from 'node:crypto';

const dir = mkdtempSync(join(tmpdir(), 'fairsend-det-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const doc = {
  name: 'determinism',
  durationMs: 3_600_000,
  services: [
    { id: 'pool', intervalMs: 700, count: 3, windows: [{ kind: 'rolling', limit: 300, periodMs: 600_000 }] },
    { id: 'own', intervalMs: 300, concurrency: 2, access: { groups: ['vip'] } },
  ],
  userGroups: [
    { name: 'std', count: 12, arrivals: { kind: 'poisson', perDay: 200 }, recipients: { kind: 'lognormal', median: 20, sigma: 1, max: 300 } },
    { name: 'vip', count: 3, weight: 2, arrivals: { kind: 'poisson', perDay: 100 }, recipients: { kind: 'pareto', min: 20, alpha: 1.5, max: 500 } },
  ],
  faults: {
    latencyMs: { kind: 'lognormal', median: 300, sigma: 0.7 },
    deferralRate: 0.05,
    bounceRate: 0.02,
    throttleRate: 0.01,
    outages: [{ meanBetweenMs: 900_000, durationMs: { kind: 'exponential', mean: 60_000 } }],
  },
  actions: [{ at: 600_000, kind: 'pauseService', service: 'own', resumeAt: 900_000 }],
};

function run(seed: number, tag: string) {
  const opened = openScenarioDocument(doc, '.', seed);
  if (!opened.ok) throw new Error(opened.errors.join('\n'));
  const path = join(dir, `${tag}.jsonl`);
  const result = runScenario(opened.value.resolved, { eventsPath: path });
  const files = result.report.policies.map((m) => readFileSync(join(dir, `${tag}.${m.policy}.jsonl`)));
  return { result, files };
}

describe('determinism', () => {
  it('same scenario and seed: byte-identical event logs and equal hashes, for every policy', () => {
    const a = run(11, 'a');
    const b = run(11, 'b');
    expect(a.result.report.policies.map((m) => m.policy)).toEqual(['fair', 'round-robin', 'fifo']);
    a.files.forEach((f, i) => {
      expect(f.length).toBeGreaterThan(100_000);
      expect(Buffer.compare(f, b.files[i]!)).toBe(0);
      // The summary's hash is the sha256 of exactly these bytes.
      expect(a.result.summary.eventHashes[a.result.report.policies[i]!.policy]).toBe(createHash('sha256').update(f).digest('hex'));
    });
    expect(b.result.summary.eventHashes).toEqual(a.result.summary.eventHashes);
    const strip = (m: (typeof a.result.report.policies)[number]) => ({ ...m, wallTimeMs: 0, sendsPerSecond: 0 });
    expect(b.result.report.policies.map(strip)).toEqual(a.result.report.policies.map(strip));
  });

  it('another seed gives another event stream', () => {
    const a = run(11, 'c');
    const c = run(12, 'd');
    expect(c.result.summary.eventHashes['fair']).not.toBe(a.result.summary.eventHashes['fair']);
  });
});
