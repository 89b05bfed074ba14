/**
 * Keys for fixed windows, computed independently of the engine with `Intl`: two instants share a
 * key iff they fall in the same aligned period. With a time zone the period is the local calendar
 * hour or day, so a Paris day across a DST change is 23 or 25 hours long.
 */
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (f === undefined) {
    f = new Intl.DateTimeFormat('en-CA', {
      timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', hourCycle: 'h23', timeZoneName: 'shortOffset',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

export function fixedPeriodKey(t: number, periodMs: number, timeZone?: string): string {
  if (timeZone === undefined) return `epoch:${Math.floor(t / periodMs)}`;
  const parts = Object.fromEntries(formatter(timeZone).formatToParts(t).map((p) => [p.type, p.value]));
  const day = `${parts['year']}-${parts['month']}-${parts['day']}`;
  if (periodMs === 86_400_000) return day;
  if (periodMs === 3_600_000) return `${day}T${parts['hour']}${parts['timeZoneName']}`;
  throw new TypeError(`a zoned fixed window needs periodMs 3600000 or 86400000, got ${periodMs}`);
}

/** Milliseconds of the local calendar day that contains `t` (23, 24 or 25 hours in Paris). */
export function localDayLengthMs(t: number, timeZone: string): number {
  const key = fixedPeriodKey(t, 86_400_000, timeZone);
  // Walk hour by hour to both ends of the day; a calendar day is at most 27 hours anywhere.
  let start = Math.floor(t / 3_600_000) * 3_600_000;
  for (let i = 0; i < 27 && fixedPeriodKey(start - 1, 86_400_000, timeZone) === key; i++) start -= 3_600_000;
  let end = Math.floor(t / 3_600_000) * 3_600_000 + 3_600_000;
  for (let i = 0; i < 27 && fixedPeriodKey(end, 86_400_000, timeZone) === key; i++) end += 3_600_000;
  return end - start;
}
