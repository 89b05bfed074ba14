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

/** First instant whose local date equals the local date of `t`. */
function dayStart(t: number, timeZone: string): number {
  const l = localTime(t, timeZone);
  const midnightWall = Date.UTC(l.year, l.month - 1, l.day);
  // Guess with the offset at t, then correct once with the offset at the guess (DST since midnight).
  let guess = midnightWall - offsetAt(t, timeZone);
  guess = midnightWall - offsetAt(guess, timeZone);
  const g = localTime(guess, timeZone);
  if (sameDate(g, l) && g.hour === 0 && g.minute === 0 && g.second === 0) return guess;
  // Midnight does not exist that day (a DST jump at 00:00): find the day's first minute by bisection.
  let lo = t - 2 * DAY_MS; // surely the day before
  let hi = t; // surely this day
  for (let i = 0; i < 64 && hi - lo > 1000; i++) {
    const mid = Math.floor((lo + hi) / 2);
    if (sameDate(localTime(mid, timeZone), l)) hi = mid;
    else lo = mid;
  }
  return hi - (((hi % 1000) + 1000) % 1000);
}

/** The local calendar hour or day that contains `t`. */
export function zonedPeriod(t: number, unit: CalendarUnit, timeZone: string): Period {
  if (unit === 'hour') {
    const l = localTime(t, timeZone);
    const intoHourMs = (l.minute * 60 + l.second) * 1000 + (((t % 1000) + 1000) % 1000);
    const start = t - intoHourMs;
    return { start, end: start + HOUR_MS };
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
