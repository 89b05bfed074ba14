/**
 * Tick positions for chart axes. Numbers step by 1, 2 or 5 × 10^k; durations step by calendar-like
 * units (seconds, minutes, hours, days) so that a time axis reads 0, 30m, 1h, 1h 30m rather than
 * 0, 2,000,000, 4,000,000. The ticks always cover [min, max]: the chart's domain is the first and
 * last tick, so data never falls off the plot.
 */

/** Bound on ticks generated, so that a degenerate range can never produce a huge loop. */
const MAX_TICKS = 50;

const DURATION_STEPS_MS = [
  1, 2, 5, 10, 20, 50, 100, 200, 500,
  1_000, 2_000, 5_000, 10_000, 15_000, 30_000,
  60_000, 120_000, 300_000, 600_000, 900_000, 1_800_000,
  3_600_000, 7_200_000, 10_800_000, 21_600_000, 43_200_000,
  86_400_000, 172_800_000, 604_800_000,
];

export function niceTicks(min: number, max: number, count: number): number[] {
  const [lo, hi] = ordered(min, max);
  const raw = (hi - lo) / Math.max(1, count);
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * magnitude).find((s) => s >= raw) ?? 10 * magnitude;
  return ticksWithStep(lo, hi, step);
}

export function durationTicks(min: number, max: number, count: number): number[] {
  const [lo, hi] = ordered(min, max);
  const raw = (hi - lo) / Math.max(1, count);
  const step = DURATION_STEPS_MS.find((s) => s >= raw);
  // Beyond a week, fall back to whole multiples of a day.
  return ticksWithStep(lo, hi, step ?? Math.ceil(raw / 86_400_000) * 86_400_000);
}

function ticksWithStep(lo: number, hi: number, step: number): number[] {
  const first = Math.floor(lo / step);
  const last = Math.ceil(hi / step);
  const ticks: number[] = [];
  for (let i = first; i <= last && ticks.length < MAX_TICKS; i++) {
    // Multiplying an integer index avoids the drift of repeated float addition (0.1 + 0.2 …).
    ticks.push(Number((i * step).toPrecision(12)));
  }
  return ticks;
}

/** A zero-width range still gets a visible axis. */
function ordered(min: number, max: number): [number, number] {
  const lo = Math.min(min, max);
  const hi = Math.max(min, max);
  return hi > lo ? [lo, hi] : [lo, lo + 1];
}
