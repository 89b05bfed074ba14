// Small statistics over samples: nearest-rank percentiles, an empirical CDF, Jain's index.
import type { CdfPoint, Percentiles } from './report/report-input.ts';

/** Nearest-rank percentile of an ascending array (p in (0, 100]). */
function rank(sorted: Float64Array | number[], p: number): number {
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

/** Percentiles of samples; `unfinished` counts as +∞ (so p99 is null when over 1% never finished). */
export function percentiles(samples: readonly number[], unfinished = 0): Percentiles {
  const n = samples.length + unfinished;
  if (n === 0) return { p50: null, p90: null, p99: null, max: null };
  const sorted = Float64Array.from(samples).sort();
  const at = (p: number): number | null => {
    const i = Math.ceil((p / 100) * n) - 1;
    return i < sorted.length ? rank(sorted, (100 * (i + 1)) / sorted.length) : null;
  };
  return { p50: at(50), p90: at(90), p99: at(99), max: unfinished > 0 ? null : sorted[sorted.length - 1]! };
}

export function mean(samples: readonly number[]): number | null {
  if (samples.length === 0) return null;
  let s = 0;
  for (const x of samples) s += x;
  return s / samples.length;
}

/** An empirical CDF downsampled to at most `points` steps; fractions count unfinished in the total. */
export function cdf(samples: readonly number[], unfinished = 0, points = 200): CdfPoint[] {
  const n = samples.length + unfinished;
  if (samples.length === 0) return [];
  const sorted = Float64Array.from(samples).sort();
  const out: CdfPoint[] = [];
  const step = Math.max(1, Math.floor(sorted.length / points));
  for (let i = step - 1; i < sorted.length; i += step) out.push({ ms: sorted[i]!, fraction: (i + 1) / n });
  const last = sorted.length - 1;
  if (out.length === 0 || out[out.length - 1]!.ms !== sorted[last]!) out.push({ ms: sorted[last]!, fraction: sorted.length / n });
  return out;
}

/** Jain's fairness index (Σx)² / (n·Σx²) in (0, 1]; 1 for an empty or all-zero list. */
export function jainIndex(xs: readonly number[]): number {
  let sum = 0;
  let squares = 0;
  for (const x of xs) {
    sum += x;
    squares += x * x;
  }
  return squares === 0 ? 1 : (sum * sum) / (xs.length * squares);
}
