// Calendar periods (a local hour or a local day) in an IANA time zone. Providers that count per
// "calendar day" count in their own zone, so a day in Europe/Paris is 23 or 25 hours long across a
// daylight-saving change. Pure: Intl's time-zone rules are data, not a clock.
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

export type CalendarUnit = 'hour' | 'day';

export interface Period {
  readonly start: number;
  readonly end: number;
}

interface LocalTime {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (f === undefined) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** True when `timeZone` is an IANA zone this runtime knows. */
export function isKnownTimeZone(timeZone: string): boolean {
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

function localTime(t: number, timeZone: string): LocalTime {
  const parts: Record<string, number> = {};
  for (const p of formatter(timeZone).formatToParts(t)) {
    if (p.type !== 'literal') parts[p.type] = Number(p.value);
  }
  return {
    year: parts.year as number,
    month: parts.month as number,
    day: parts.day as number,
    hour: parts.hour as number,
    minute: parts.minute as number,
    second: parts.second as number,
  };
}

/** Offset of local wall time from UTC at instant `t`, in ms (whole seconds). */
function offsetAt(t: number, timeZone: string): number {
  const l = localTime(t, timeZone);
  const wall = Date.UTC(l.year, l.month - 1, l.day, l.hour, l.minute, l.second);
  return wall - (t - ((t % 1000) + 1000) % 1000);
}

function sameDate(a: LocalTime, b: LocalTime): boolean {
  return a.year === b.year && a.month === b.month && a.day === b.day;
}

/**
 * The first instant at or after `lo` for which `later` holds, to the second (offsets and dates
 * change on whole seconds); `later` must be false at `lo` and true at `hi`, and never turn false
 * again in between.
 */
function firstSecond(lo: number, hi: number, later: (t: number) => boolean): number {
  for (let i = 0; i < 64 && hi - lo > 1000; i++) {
    const mid = Math.floor((lo + hi) / 2);
    if (later(mid)) hi = mid;
    else lo = mid;
  }
  return hi - (((hi % 1000) + 1000) % 1000);
}

/**
 * First instant whose local date equals the local date of `t`. Usually local midnight; on a day
 * whose midnight is skipped (a change at 00:00 forward) the first instant after the change, and on
 * a day whose first hour happens twice (Havana goes back from 01:00 to 00:00) the first midnight.
 */
function dayStart(t: number, timeZone: string): number {
  const l = localTime(t, timeZone);
  const midnightWall = Date.UTC(l.year, l.month - 1, l.day);
  // Guess with the offset at t, then correct once with the offset at the guess (DST since midnight).
  let guess = midnightWall - offsetAt(t, timeZone);
  guess = midnightWall - offsetAt(guess, timeZone);
  const g = localTime(guess, timeZone);
  const isMidnight = sameDate(g, l) && g.hour === 0 && g.minute === 0 && g.second === 0;
  if (isMidnight && !sameDate(localTime(guess - 1000, timeZone), l)) return guess;
  // No midnight that day, or an earlier one: search from surely the day before to what is surely this day.
  const hi = isMidnight ? guess : t;
  return firstSecond(hi - 2 * DAY_MS, hi, (x) => sameDate(localTime(x, timeZone), l));
}

/**
 * The local calendar hour or day that contains `t`. An hour is a local hour at one UTC offset: an
 * hour repeated when clocks go back is two periods, and an hour that a half-hour change cuts
 * short (Lord Howe) is a 30-minute period.
 */
export function zonedPeriod(t: number, unit: CalendarUnit, timeZone: string): Period {
  // Windows ask about the same period again and again (every start of every service that has the
  // window); reading the zone's rules costs several Intl calls, so the last period per zone and unit
  // is kept. A pure memo: the answer for a given t never changes.
  const remembered = lastPeriods[unit];
  const last = remembered.get(timeZone);
  if (last !== undefined && last.start <= t && t < last.end) return last;
  const period = computeZonedPeriod(t, unit, timeZone);
  remembered.set(timeZone, period);
  return period;
}

/** The last period computed, per unit and zone. */
const lastPeriods: Readonly<Record<CalendarUnit, Map<string, Period>>> = { hour: new Map(), day: new Map() };

function computeZonedPeriod(t: number, unit: CalendarUnit, timeZone: string): Period {
  if (unit === 'hour') {
    const l = localTime(t, timeZone);
    const intoHourMs = (l.minute * 60 + l.second) * 1000 + (((t % 1000) + 1000) % 1000);
    const offset = offsetAt(t, timeZone);
    let start = t - intoHourMs;
    let end = start + HOUR_MS;
    // An offset change inside the hour by the wall clock ends the local hour there.
    if (offsetAt(start, timeZone) !== offset) start = firstSecond(start, t, (x) => offsetAt(x, timeZone) === offset);
    if (offsetAt(end - 1, timeZone) !== offset) end = firstSecond(t, end - 1, (x) => offsetAt(x, timeZone) !== offset);
    return { start, end };
  }
  const start = dayStart(t, timeZone);
  // The next day starts within 26 h of this one's start whether the day is 23, 24 or 25 h long.
  const end = dayStart(start + 26 * HOUR_MS, timeZone);
  return { start, end };
}

/** A fixed UTC-aligned period of `periodMs` containing `t`. */
export function alignedPeriod(t: number, periodMs: number): Period {
  const start = Math.floor(t / periodMs) * periodMs;
  return { start, end: start + periodMs };
}

export const CALENDAR_PERIODS_MS: Readonly<Record<CalendarUnit, number>> = { hour: HOUR_MS, day: DAY_MS };
