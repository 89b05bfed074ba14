// Service-level expectations (SLOs) checked against a run's metrics. Pure: metrics in, verdicts out.
// Latency and fairness expectations are judged on the primary policy (the one a platform would
// deploy, first in the list); invariant violations are judged on every policy, since any is a bug,
// and also when the scenario declares no expectations (`maxViolations` then is 0).
import { formatDuration, formatRatio, refusedTotal } from './report/index.ts';
import type { ExpectationResult, PolicyMetrics } from './report/index.ts';
import type { Expectations } from './scenario/index.ts';

type Metric = (m: PolicyMetrics, unfinished: number) => number | null;

interface Rule {
  key: keyof Expectations;
  label: string;
  metric: Metric;
  /** 'max': actual must be ≤ the bound; 'min': actual must be ≥ it. */
  bound: 'max' | 'min';
  format: (x: number | null) => string;
}

const RULES: readonly Rule[] = [
  { key: 'p50CompletionMs', label: 'p50 campaign completion', metric: (m) => m.campaigns.completionMs.p50, bound: 'max', format: formatDuration },
  { key: 'p90CompletionMs', label: 'p90 campaign completion', metric: (m) => m.campaigns.completionMs.p90, bound: 'max', format: formatDuration },
  { key: 'p99CompletionMs', label: 'p99 campaign completion', metric: (m) => m.campaigns.completionMs.p99, bound: 'max', format: formatDuration },
  { key: 'maxCompletionMs', label: 'longest campaign completion', metric: (m) => m.campaigns.completionMs.max, bound: 'max', format: formatDuration },
  { key: 'p99FirstSendMs', label: 'p99 time to first send', metric: (m) => m.campaigns.firstSendMs.p99, bound: 'max', format: formatDuration },
  { key: 'minJainIndex', label: "Jain's fairness index", metric: (m) => (m.outcomes.sent === 0 ? null : m.fairness.jainIndex), bound: 'min', format: (x) => formatRatio(x) },
  { key: 'maxUnfinished', label: 'unfinished campaigns', metric: (_m, u) => u, bound: 'max', format: (x) => String(x) },
  { key: 'maxRefused', label: 'campaigns refused at creation', metric: (m) => refusedCount(m), bound: 'max', format: (x) => String(x) },
];

/** Campaigns the engine refused at creation, over every refusal code. */
export function refusedCount(m: PolicyMetrics): number {
  return refusedTotal(m.campaigns.refused);
}

function check(rule: Rule, limit: number, m: PolicyMetrics, unfinished: number): ExpectationResult {
  const actual = rule.metric(m, unfinished);
  // A percentile that does not exist because campaigns never finished fails a 'max' bound, and a
  // fairness index of a run that sent nothing fails a 'min' one.
  const pass = actual === null ? false : rule.bound === 'max' ? actual <= limit : actual >= limit;
  const missing = rule.bound === 'max' ? 'not reached (campaigns unfinished or refused for lack of capacity)' : 'none (nothing was sent)';
  return {
    description: `${rule.label} ${rule.bound === 'max' ? '≤' : '≥'} ${rule.format(limit)}`,
    policy: m.policy,
    actual: actual === null ? missing : rule.format(actual),
    pass,
  };
}

export function evaluateExpectations(
  expectations: Expectations | undefined,
  runs: readonly { metrics: PolicyMetrics; unfinished: number }[],
): ExpectationResult[] {
  if (runs.length === 0) return [];
  const primary = runs[0]!;
  const out: ExpectationResult[] = [];
  for (const rule of expectations ? RULES : []) {
    const limit = expectations?.[rule.key];
    if (typeof limit === 'number') out.push(check(rule, limit, primary.metrics, primary.unfinished));
  }
  const maxViolations = expectations?.maxViolations ?? 0;
  for (const run of runs) {
    const n = run.metrics.violationCount;
    // With the checkers off only the quota ledger was checked: say so rather than claim a pass.
    const what = run.metrics.invariantsChecked === false ? 'quota ledger mismatches (invariant checkers off)' : 'invariant violations';
    out.push({ description: `${what} ≤ ${maxViolations}`, policy: run.metrics.policy, actual: String(n), pass: n <= maxViolations });
  }
  return out;
}
