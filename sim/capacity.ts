// How many sends a service could start over a span if it were never idle: the interval allows one
// start per `intervalMs` (concurrency overlaps sends, it does not add starts), and each window its
// long-run rate, `limit` per `periodMs`, pro-rated over the span (at least one full window: a span
// shorter than the period can still use the whole limit). Pro-rating, rather than counting every
// started period whole, keeps a mailbox that used its daily cap in a run of a day and a few minutes
// near 100% instead of 50%. Utilisation and fair shares are measured against this figure.
import type { PresetWindow } from './scenario/presets.ts';

export function serviceCapacity(service: { intervalMs: number; windows: readonly PresetWindow[] }, spanMs: number): number {
  if (spanMs <= 0) return 0;
  let cap = Math.floor(spanMs / service.intervalMs) + 1;
  for (const w of service.windows) cap = Math.min(cap, Math.floor(w.limit * Math.max(1, spanMs / w.periodMs)));
  return cap;
}

export function windowLabel(w: PresetWindow): string {
  const units: [number, string][] = [[86_400_000, 'd'], [3_600_000, 'h'], [60_000, 'min'], [1000, 's']];
  const unit = units.find(([ms]) => w.periodMs % ms === 0);
  const period = unit ? `${w.periodMs / unit[0]}${unit[1]}` : `${w.periodMs}ms`;
  return `${w.kind} ${period}${w.timeZone ? ` ${w.timeZone}` : ''}`;
}
