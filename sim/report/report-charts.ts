/** The report's charts, built from ReportInput. Each returns a self-contained SVG string. */
import { barChart } from './bar-chart.ts';
import { colorAt } from './chart-frame.ts';
import { formatDurationTick } from './format.ts';
import { lineChart } from './line-chart.ts';
import type { Point } from './line-chart.ts';
import type { PolicyMetrics, ThroughputSeries } from './report-input.ts';

/** More lines than this are unreadable: the busiest services are drawn, the rest summed. */
export const THROUGHPUT_LINES_MAX = 8;

export function throughputChart(policy: PolicyMetrics): string {
  const { startMs, bucketMs } = policy.throughput;
  const series = topSeries(policy.throughput, THROUGHPUT_LINES_MAX).map((s) => ({
    name: s.service,
    // A bucket's count holds until the next bucket starts, hence a step line closed at the end.
    points: [...s.sends.map((n, i): Point => [startMs + i * bucketMs, n]), [startMs + s.sends.length * bucketMs, s.sends[s.sends.length - 1] ?? 0] as Point],
  }));
  return lineChart({
    title: `Throughput per service (${policy.policy})`,
    x: { label: 'simulated time', kind: 'duration' },
    y: { label: `sends per ${formatDurationTick(bucketMs)}`, kind: 'number', min: 0 },
    series,
    mode: 'step',
  });
}

/** The `limit - 1` busiest services by total sends (ties by id), plus one "other" series summing the rest. */
export function topSeries(t: ThroughputSeries, limit: number): { service: string; sends: number[] }[] {
  if (t.series.length <= limit) return [...t.series];
  const total = (s: { sends: number[] }): number => s.sends.reduce((a, b) => a + b, 0);
  const sorted = [...t.series].sort((a, b) => total(b) - total(a) || (a.service < b.service ? -1 : 1));
  const kept = sorted.slice(0, limit - 1);
  const rest = sorted.slice(limit - 1);
  const length = Math.max(...rest.map((s) => s.sends.length));
  const other = Array.from({ length }, (_, i) => rest.reduce((sum, s) => sum + (s.sends[i] ?? 0), 0));
  return [...kept, { service: `${rest.length} other services`, sends: other }];
}

export function completionCdfChart(policies: readonly PolicyMetrics[]): string {
  return lineChart({
    title: 'Campaign completion time, CDF per policy',
    x: { label: 'completion time (log scale)', kind: 'log-duration' },
    y: { label: 'campaigns completed', kind: 'fraction', min: 0, max: 1 },
    series: policies.map((p) => ({ name: p.policy, points: p.campaigns.completionCdf.map((c): Point => [c.ms, c.fraction]) })),
    mode: 'step',
  });
}

export function queueDepthChart(policies: readonly PolicyMetrics[]): string {
  return lineChart({
    title: 'Queue depth over time',
    x: { label: 'simulated time', kind: 'duration' },
    y: { label: 'pending recipients', kind: 'number', min: 0 },
    series: policies.map((p) => ({ name: p.policy, points: p.queueDepth.map((q): Point => [q.t, q.pending]) })),
  });
}

export function shareChart(policies: readonly PolicyMetrics[]): string {
  return lineChart({
    title: 'Share of sends per user against the max-min fair share',
    x: { label: 'max-min fair share', kind: 'fraction', min: 0 },
    y: { label: 'actual share', kind: 'fraction', min: 0 },
    series: policies.map((p) => ({ name: p.policy, points: p.users.map((u): Point => [u.fairShare, u.share]) })),
    mode: 'markers',
    diagonal: true,
  });
}

export function comparisonChart(policies: readonly PolicyMetrics[]): string {
  // The maximum is in the table: one straggler would flatten every other bar.
  const keys = ['p50', 'p90', 'p99'] as const;
  return barChart({
    title: 'Campaign completion time by policy',
    categories: [...keys],
    xLabel: 'percentile of campaign completion time',
    y: { label: 'completion time', kind: 'duration', min: 0 },
    series: policies.map((p, i) => ({ name: p.policy, values: keys.map((k) => p.campaigns.completionMs[k]), color: colorAt(i) })),
  });
}
