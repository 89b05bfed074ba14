// Sampling from the distributions a scenario may name (sizes, latencies, durations, gaps).
import type { Uniform } from './rng.ts';

export type Distribution =
  | { kind: 'fixed'; value: number }
  | { kind: 'uniform'; min: number; max: number }
  | { kind: 'exponential'; mean: number }
  | { kind: 'lognormal'; median: number; sigma: number; max?: number }
  | { kind: 'pareto'; min: number; alpha: number; max?: number };

/** Standard normal by Box-Muller; `1 - u` keeps the log argument in (0, 1]. */
function normal(rand: Uniform): number {
  const u = 1 - rand();
  const v = rand();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** One real-valued draw. Heavy tails are clipped at `max` when given. */
export function sample(d: Distribution, rand: Uniform): number {
  switch (d.kind) {
    case 'fixed':
      return d.value;
    case 'uniform':
      return d.min + (d.max - d.min) * rand();
    case 'exponential':
      return -d.mean * Math.log(1 - rand());
    case 'lognormal':
      return Math.min(d.median * Math.exp(d.sigma * normal(rand)), d.max ?? Infinity);
    case 'pareto':
      return Math.min(d.min / Math.pow(1 - rand(), 1 / d.alpha), d.max ?? Infinity);
  }
}

/** One draw rounded to an integer no smaller than `floor` (recipient counts, milliseconds). */
export function sampleInt(d: Distribution, rand: Uniform, floor: number): number {
  return Math.max(floor, Math.round(sample(d, rand)));
}

/** The distribution's mean (clipping ignored), for size estimates before generating anything. */
export function meanOf(d: Distribution): number {
  switch (d.kind) {
    case 'fixed':
      return d.value;
    case 'uniform':
      return (d.min + d.max) / 2;
    case 'exponential':
      return d.mean;
    case 'lognormal':
      return Math.min(d.median * Math.exp((d.sigma * d.sigma) / 2), d.max ?? Infinity);
    case 'pareto':
      return d.alpha > 1 ? Math.min((d.alpha * d.min) / (d.alpha - 1), d.max ?? Infinity) : (d.max ?? Infinity);
  }
}
