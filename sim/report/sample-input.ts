/**
 * A realistic, deterministic ReportInput/SweepInput for previews and tests of the renderer (the
 * numbers are shaped like a simulator run but generated from a fixed seed, not simulated).
 */
import seedrandom from 'seedrandom';
import type { PolicyMetrics, ReportInput, SweepInput } from './report-input.ts';

const HOUR_MS = 3_600_000;
const SERVICES = ['ses-prod-1', 'ses-prod-2', 'workspace-01', 'workspace-02', 'workspace-03', 'workspace-04', 'm365-sales', 'm365-support', 'outlook-com', 'gmail-ops', 'brevo-free', 'mailjet-free'];

export function sampleReportInput(): ReportInput {
  const policies = [samplePolicy('fair', 1, 0.985), samplePolicy('round-robin', 1.15, 0.93), samplePolicy('fifo', 1.9, 0.61)];
  return {
    scenario: 'default <day> & "realistic"',
    seed: 42,
    facts: ['300 users', '12 services', '4,120 campaigns', '1 simulated day', 'faults: outages, 2% deferrals'],
    policies,
    expectations: [
      { description: 'p99 campaign completion ≤ 2h', policy: 'fair', actual: '1h 41m', pass: true },
      { description: "Jain's index ≥ 0.95", policy: 'fair', actual: '0.985', pass: true },
      { description: 'zero invariant violations', policy: 'fifo', actual: '1', pass: false },
    ],
  };
}

function samplePolicy(policy: string, slowdown: number, jain: number): PolicyMetrics {
  const rng = seedrandom(`sample-${policy}`);
  const cdf = Array.from({ length: 60 }, (_, i) => ({ ms: Math.round(((i + 1) / 60) ** 2 * 2 * HOUR_MS * slowdown), fraction: (i + 1) / 60 }));
  const users = Array.from({ length: 40 }, (_, i) => {
    const fairShare = (i % 5 === 0 ? 2 : 1) / 48;
    return { user: `user-${String(i + 1).padStart(3, '0')}`, weight: i % 5 === 0 ? 2 : 1, sends: 0, share: fairShare * Math.max(0.05, 1 + (rng() - 0.5) * (1 - jain) * 8), fairShare };
  });
  const series = SERVICES.map((service, s) => ({ service, sends: Array.from({ length: 96 }, (_, b) => Math.round((120 - s * 8) * (0.4 + 0.6 * Math.sin((b / 96) * Math.PI) ** 2) * (0.8 + rng() * 0.4))) }));
  const sent = series.reduce((a, s) => a + s.sends.reduce((x, y) => x + y, 0), 0);
  for (const u of users) u.sends = Math.round(u.share * sent);
  return {
    policy,
    campaigns: {
      created: 4120, refused: { INSUFFICIENT_USER_QUOTA: 12 }, completed: 4090, cancelled: 8, expired: 22,
      completionMs: { p50: Math.round(0.4 * HOUR_MS * slowdown), p90: Math.round(1.2 * HOUR_MS * slowdown), p99: Math.round(1.7 * HOUR_MS * slowdown), max: Math.round(2 * HOUR_MS * slowdown) },
      completionCdf: cdf,
      firstSendMs: { p50: Math.round(20_000 * slowdown), p90: Math.round(90_000 * slowdown), p99: Math.round(300_000 * slowdown), max: Math.round(900_000 * slowdown) },
    },
    users,
    fairness: { jainIndex: jain, minShareRatio: 1 - (1 - jain) * 4, maxShareRatio: 1 + (1 - jain) * 4 },
    services: series.map((s, i) => ({
      service: s.service, sends: s.sends.reduce((x, y) => x + y, 0), utilisation: 0.55 + 0.4 * rng(),
      windows: i < 2 ? [{ label: 'rolling 24h', limit: 50_000, peak: 9_000 + i * 100 }] : [{ label: 'fixed 1d Asia/Shanghai', limit: 2_000, peak: 1_800 }],
      pauses: i % 4 === 0 ? { error: 2, quota: 1 } : ({} as Record<string, number>), pausedMs: i % 4 === 0 ? 240_000 : 0, disabled: false,
    })),
    throughput: { startMs: 0, bucketMs: 15 * 60_000, series },
    queueDepth: Array.from({ length: 97 }, (_, i) => ({ t: i * 15 * 60_000, pending: Math.round(2_000 * slowdown * (1 + Math.sin((i / 96) * 2 * Math.PI)) + rng() * 300) })),
    outcomes: { sent, deferred: 1_204, rejected: 310, failed: 402, serviceErrors: 37, quotaReached: 3, refunded: 402 },
    violationCount: policy === 'fifo' ? 1 : 0,
    violations: policy === 'fifo' ? [{ checker: 'interval', message: 'service workspace-01: starts at 1000 and 1500 are 500 ms apart, interval is 1000 ms', events: [{ t: 1000, type: 'dispatch', service: 'workspace-01' }, { t: 1500, type: 'dispatch', service: 'workspace-01' }] }] : [],
    simulatedMs: 24 * HOUR_MS,
    wallTimeMs: 850,
    sendsPerSecond: Math.round(sent / 0.85),
    eventHash: `sha256:${policy}0123456789abcdef`,
  };
}

export function sampleSweepInput(): SweepInput {
  const counts = [4, 6, 8, 10, 12, 14];
  const points = counts.map((n) => {
    const p99 = Math.round((24 / n) ** 1.6 * 0.5 * HOUR_MS);
    const pass = p99 <= 2 * HOUR_MS;
    // Too few mailboxes hit their daily caps: campaigns are refused at creation.
    const refused = n === 4 ? 162 : n === 6 ? 40 : 0;
    return { values: [{ path: 'services.workspace.count', value: n }], p99CompletionMs: p99, refused, campaigns: 406, utilisation: Math.min(0.98, 7.5 / n), pass, failed: pass ? [] : ['p99 campaign completion ≤ 2h'] };
  });
  return {
    scenario: 'default', seed: 42, policy: 'fair', parameters: ['services.workspace.count'], points,
    smallestPassing: points.findIndex((p) => p.pass), expectations: ['p99 campaign completion ≤ 2h', "Jain's index ≥ 0.95"],
  };
}
