/** Human formatting of report values. Every formatter is total: null/NaN render as an em dash. */

const DASH = '—';
const SECOND_MS = 1_000;
const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

/** 350 ms, 12.3 s, 4m 05s, 1h 35m, 2d 3h. */
export function formatDuration(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms)) return DASH;
  const sign = ms < 0 ? '-' : '';
  const abs = Math.abs(ms);
  if (abs < SECOND_MS) return `${sign}${Math.round(abs)} ms`;
  if (abs < MINUTE_MS) return `${sign}${(abs / SECOND_MS).toFixed(1)} s`;
  if (abs < HOUR_MS) return `${sign}${Math.floor(abs / MINUTE_MS)}m ${pad2(Math.floor((abs % MINUTE_MS) / SECOND_MS))}s`;
  if (abs < DAY_MS) return `${sign}${Math.floor(abs / HOUR_MS)}h ${pad2(Math.floor((abs % HOUR_MS) / MINUTE_MS))}m`;
  return `${sign}${Math.floor(abs / DAY_MS)}d ${Math.floor((abs % DAY_MS) / HOUR_MS)}h`;
}

/** Axis-tick form of a duration: the largest unit that divides it, e.g. 30m, 2h, 1h 30m, 45s. */
export function formatDurationTick(ms: number): string {
  if (ms === 0) return '0';
  const units: [number, string][] = [[DAY_MS, 'd'], [HOUR_MS, 'h'], [MINUTE_MS, 'm'], [SECOND_MS, 's'], [1, 'ms']];
  const parts: string[] = [];
  let rest = Math.abs(Math.round(ms));
  for (const [size, name] of units) {
    if (rest >= size && parts.length < 2) {
      parts.push(`${Math.floor(rest / size)}${name}`);
      rest %= size;
    }
  }
  return (ms < 0 ? '-' : '') + parts.join(' ');
}

/** 0.9512 → "95.1%". */
export function formatPercent(fraction: number | null, digits = 1): string {
  if (fraction === null || !Number.isFinite(fraction)) return DASH;
  return `${(fraction * 100).toFixed(digits)}%`;
}

/** 1234567 → "1,234,567" (fixed en-US grouping so that reports are byte-identical everywhere). */
export function formatCount(n: number | null): string {
  if (n === null || !Number.isFinite(n)) return DASH;
  const rounded = Math.round(n);
  const digits = Math.abs(rounded).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return (rounded < 0 ? '-' : '') + digits;
}

/** Axis-tick form of a number: 950, 1.5k, 12k, 3.2M. */
export function formatCompact(n: number): string {
  const abs = Math.abs(n);
  if (abs >= 1e9) return `${trim(n / 1e9)}G`;
  if (abs >= 1e6) return `${trim(n / 1e6)}M`;
  if (abs >= 1e3) return `${trim(n / 1e3)}k`;
  return trim(n);
}

/** A ratio such as Jain's index: 0.98765 → "0.988". */
export function formatRatio(x: number | null, digits = 3): string {
  if (x === null || !Number.isFinite(x)) return DASH;
  return x.toFixed(digits);
}

function trim(n: number): string {
  return String(Number(n.toFixed(2)));
}

function pad2(n: number): string {
  return n.toString().padStart(2, '0');
}
