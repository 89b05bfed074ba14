// Calendar periods against an independent definition: the local hour or day that contains an
// instant is the longest run of time around it with the same local date (and, for an hour, the
// same local hour and UTC offset), read with Intl (test/support/local-period.ts). Checked near
// every 2026 offset change of zones whose changes are awkward: at midnight (Havana, Santiago,
// Cairo, Beirut: a day that starts at 01:00, or whose first hour happens twice), by half an hour
// (Lord Howe: a 30-minute local hour), at odd offsets (Chatham, St John's, Kathmandu), and Paris
// and New York as the usual case.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { engineModule, fixedPeriodKey, propertyParams, suiteOptions } from '../support/index.ts';

const { zonedPeriod } = engineModule;
const HOUR = 3_600_000;
const DAY = 86_400_000;
const ZONES = [
  'Europe/Paris', 'America/New_York', 'America/Havana', 'America/Santiago', 'Africa/Cairo', 'Asia/Beirut',
  'Australia/Lord_Howe', 'Pacific/Chatham', 'America/St_Johns', 'Asia/Kathmandu',
] as const;

const offsetFormatters = new Map<string, Intl.DateTimeFormat>();
function offsetName(t: number, timeZone: string): string {
  let f = offsetFormatters.get(timeZone);
  if (f === undefined) {
    f = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' });
    offsetFormatters.set(timeZone, f);
  }
  return f.formatToParts(t).find((p) => p.type === 'timeZoneName')!.value;
}

/** The instants (to the second) where the zone's UTC offset changes during 2026. */
function offsetChanges(timeZone: string): number[] {
  const out: number[] = [];
  const from = Date.UTC(2026, 0, 1);
  for (let t = from; t < Date.UTC(2027, 0, 1); t += HOUR) {
    if (offsetName(t, timeZone) === offsetName(t + HOUR, timeZone)) continue;
    let lo = t;
    let hi = t + HOUR;
    while (hi - lo > 1000) {
      const mid = lo + Math.floor((hi - lo) / 2000) * 1000;
      if (offsetName(mid, timeZone) === offsetName(t, timeZone)) lo = mid;
      else hi = mid;
    }
    out.push(hi);
  }
  return out;
}

const CHANGES = new Map(ZONES.map((z) => [z, offsetChanges(z)]));

/** Instants near a 2026 offset change of the zone (or anywhere in the year for a zone without one). */
const instantArb = fc.constantFrom(...ZONES).chain((zone) => {
  const changes = CHANGES.get(zone)!;
  const anchor = changes.length > 0 ? fc.constantFrom(...changes) : fc.constant(Date.UTC(2026, 6, 1));
  const offset = fc.oneof(fc.integer({ min: -2_000, max: 2_000 }), fc.integer({ min: -3 * DAY, max: 3 * DAY }));
  return fc.tuple(fc.constant(zone), anchor, offset).map(([z, a, d]) => ({ zone: z, t: a + d }));
});

describe('calendar periods in a time zone', suiteOptions, () => {
  it('the zones under test change offset in 2026, Kathmandu aside', () => {
    for (const zone of ZONES) expect({ zone, changes: CHANGES.get(zone)!.length > 0 }).toEqual({ zone, changes: zone !== 'Asia/Kathmandu' });
  });

  for (const unit of ['day', 'hour'] as const) {
    it(`the local ${unit} around an instant is exactly the run of instants with its key`, () => {
      const periodMs = unit === 'day' ? DAY : HOUR;
      fc.assert(fc.property(instantArb, ({ zone, t }) => {
        const { start, end } = zonedPeriod(t, unit, zone);
        const key = fixedPeriodKey(t, periodMs, zone);
        const seen = {
          contains: start <= t && t < end,
          startKey: fixedPeriodKey(start, periodMs, zone),
          lastKey: fixedPeriodKey(end - 1, periodMs, zone),
          beforeIsOther: fixedPeriodKey(start - 1, periodMs, zone) !== key,
          afterIsOther: fixedPeriodKey(end, periodMs, zone) !== key,
        };
        expect({ zone, t: new Date(t).toISOString(), ...seen }).toEqual({
          zone, t: new Date(t).toISOString(), contains: true, startKey: key, lastKey: key, beforeIsOther: true, afterIsOther: true,
        });
      }), propertyParams(300));
    });
  }

  it('walking minute by minute across changes (the last period is remembered), every answer is still exact', () => {
    const wrong: unknown[] = [];
    let checked = 0;
    for (const zone of ['America/Havana', 'Australia/Lord_Howe'] as const) {
      for (const change of CHANGES.get(zone)!) {
        for (let t = change - 3 * HOUR; t < change + 3 * HOUR; t += 60_000) {
          for (const [unit, periodMs] of [['day', DAY], ['hour', HOUR]] as const) {
            const { start, end } = zonedPeriod(t, unit, zone);
            const key = fixedPeriodKey(t, periodMs, zone);
            const exact = start <= t && t < end && fixedPeriodKey(start, periodMs, zone) === key && fixedPeriodKey(start - 1, periodMs, zone) !== key
              && fixedPeriodKey(end - 1, periodMs, zone) === key && fixedPeriodKey(end, periodMs, zone) !== key;
            checked += 1;
            if (!exact) wrong.push({ zone, unit, t: new Date(t).toISOString(), start: new Date(start).toISOString(), end: new Date(end).toISOString() });
          }
        }
      }
    }
    expect(checked).toBe(4 * 2 * 360);
    expect(wrong).toEqual([]);
  });

  it('Havana: the day of the autumn change starts at the first midnight and lasts 25 hours', () => {
    // 2026-11-01: clocks go back from 01:00 to 00:00, so local midnight happens twice.
    const first = Date.UTC(2026, 10, 1, 4);
    for (const t of [first, first + 30 * 60_000, first + HOUR + 30 * 60_000, first + 20 * HOUR]) {
      expect(zonedPeriod(t, 'day', 'America/Havana')).toEqual({ start: first, end: first + 25 * HOUR });
    }
    expect(zonedPeriod(first - 1, 'day', 'America/Havana')).toEqual({ start: first - 24 * HOUR, end: first });
  });
});
