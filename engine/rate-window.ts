// Provider limits of a service: `limit` starts per `periodMs`, either rolling (no span of periodMs
// holds more than `limit` starts) or fixed (each aligned period holds at most `limit`; with a time
// zone, the period is the local calendar hour or day). All are answered exactly from the start
// history, so a change of limits mid-run is judged against the real past starts.
import { alignedPeriod, CALENDAR_PERIODS_MS, isKnownTimeZone, zonedPeriod } from './calendar.ts';
import type { CalendarUnit, Period } from './calendar.ts';
import type { StartHistory } from './start-history.ts';
import { describe, unknownField } from './validate.ts';

export type WindowSpec =
  | { readonly kind: 'rolling'; readonly limit: number; readonly periodMs: number }
  | { readonly kind: 'fixed'; readonly limit: number; readonly periodMs: number; readonly timeZone?: string };

const MAX_PERIOD_MS = 31 * 86_400_000;
const WINDOW_FIELDS: readonly string[] = ['kind', 'limit', 'periodMs', 'timeZone'];
const MAX_LIMIT = 1_000_000_000;

/** Returns an English problem description, or null when the window is valid. */
export function windowProblem(w: unknown): string | null {
  if (typeof w !== 'object' || w === null) return 'must be an object';
  const spec = w as Record<string, unknown>;
  // A misspelt field (`timezone`) would otherwise be dropped, and a calendar day cut in UTC.
  const unknown = unknownField(spec, WINDOW_FIELDS);
  if (unknown !== undefined) return `${unknown} is not a window field (a window takes ${WINDOW_FIELDS.join(', ')})`;
  if (spec.kind !== 'rolling' && spec.kind !== 'fixed') return `kind must be 'rolling' or 'fixed', got ${describe(spec.kind)}`;
  if (!Number.isSafeInteger(spec.limit) || (spec.limit as number) < 1 || (spec.limit as number) > MAX_LIMIT) {
    return `limit must be an integer from 1 to ${MAX_LIMIT}, got ${String(spec.limit)}`;
  }
  const p = spec.periodMs;
  if (!Number.isSafeInteger(p) || (p as number) < 1 || (p as number) > MAX_PERIOD_MS) {
    return `periodMs must be an integer from 1 to ${MAX_PERIOD_MS}, got ${String(p)}`;
  }
  if (spec.timeZone !== undefined) {
    if (spec.kind !== 'fixed') return 'timeZone applies to fixed windows only';
    if (typeof spec.timeZone !== 'string' || !isKnownTimeZone(spec.timeZone)) {
      return `timeZone must be an IANA time zone such as 'Europe/Paris', got ${describe(spec.timeZone)}`;
    }
    if (p !== CALENDAR_PERIODS_MS.hour && p !== CALENDAR_PERIODS_MS.day) {
      return `periodMs must be 3600000 (an hour) or 86400000 (a day) with a timeZone, got ${String(p)}`;
    }
  }
  return null;
}

export function normalizeWindow(w: WindowSpec): WindowSpec {
  if (w.kind === 'rolling') return { kind: 'rolling', limit: w.limit, periodMs: w.periodMs };
  return w.timeZone === undefined
    ? { kind: 'fixed', limit: w.limit, periodMs: w.periodMs }
    : { kind: 'fixed', limit: w.limit, periodMs: w.periodMs, timeZone: w.timeZone };
}

/** The period of a fixed window containing `t`. */
export function fixedPeriod(w: WindowSpec & { kind: 'fixed' }, t: number): Period {
  if (w.timeZone === undefined) return alignedPeriod(t, w.periodMs);
  const unit: CalendarUnit = w.periodMs === CALENDAR_PERIODS_MS.hour ? 'hour' : 'day';
  return zonedPeriod(t, unit, w.timeZone);
}

/** How far back the history must reach for these windows (a calendar day may last 25 h). */
export function retentionMs(windows: readonly WindowSpec[]): number {
  let ms = 0;
  for (const w of windows) ms = Math.max(ms, w.kind === 'fixed' && w.timeZone !== undefined ? w.periodMs + 3_600_000 : w.periodMs);
  return ms;
}

// The history keeps the starts every configured window needs. A window added or lengthened later
// may reach back past what was kept: then the dropped starts (all at or before lastDroppedAt)
// count as if they were all at lastDroppedAt, the worst case, so no window is ever exceeded; they
// stop counting once the window no longer reaches back that far.

/** Starts counted by window `w` at time `now` (rolling: in (now-P, now]; fixed: this period so far). */
export function windowUsage(w: WindowSpec, history: StartHistory, now: number): number {
  const after = w.kind === 'rolling' ? now - w.periodMs : fixedPeriod(w, now).start - 1;
  return history.countAfter(after) + (history.lastDroppedAt > after ? history.dropped : 0);
}

/** Earliest time >= now at which window `w` admits one more start, given the history. */
export function windowFreeAt(w: WindowSpec, history: StartHistory, now: number): number {
  if (w.kind === 'rolling') {
    // The next start x needs the limit-th most recent start to be at or before x - periodMs.
    const n = history.length;
    if (n >= w.limit) return Math.max(now, history.at(n - w.limit) + w.periodMs);
    // Not enough kept starts: the limit-th most recent, if any, is a dropped one.
    if (n + history.dropped < w.limit || history.lastDroppedAt <= now - w.periodMs) return now;
    return Math.max(now, history.lastDroppedAt + w.periodMs);
  }
  const period = fixedPeriod(w, now);
  return windowUsage(w, history, now) < w.limit ? now : period.end;
}

/** Earliest time >= now at which every window admits one more start. */
export function windowsFreeAt(windows: readonly WindowSpec[], history: StartHistory, now: number): number {
  let t = now;
  // A later time can fill another window's period anew (fixed periods): iterate to a fixed point,
  // bounded because each step moves t forward to a period end or a rolling expiry.
  for (let round = 0; round < 8; round++) {
    let next = t;
    for (const w of windows) next = Math.max(next, windowFreeAt(w, history, t));
    if (next === t) return t;
    t = next;
  }
  return t;
}

/** Starts still allowed now before some window is full (Infinity without windows). */
export function windowsRemaining(windows: readonly WindowSpec[], history: StartHistory, now: number): number {
  let left = Infinity;
  for (const w of windows) left = Math.min(left, w.limit - windowUsage(w, history, now));
  return Math.max(0, left);
}
