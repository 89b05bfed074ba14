import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { drive, fixedPeriodKey, intervalViolations, localDayLengthMs, POLICIES, propertyParams, scenarioArb, suiteOptions, windowArb, windowViolations } from '../support/index.ts';
import type { Scenario, WindowSetup } from '../support/index.ts';

const HOUR = 3_600_000;
const DAY = 86_400_000;
// 2026-03-29 (23 h) and 2026-10-25 (25 h) are Paris's DST change days.
const SPRING = Date.UTC(2026, 2, 27, 12);
const AUTUMN = Date.UTC(2026, 9, 23, 12);

describe('invariant 2: windows', suiteOptions, () => {
  it('the independent local-day key sees 23 h and 25 h Paris days', () => {
    expect(localDayLengthMs(Date.UTC(2026, 2, 29, 12), 'Europe/Paris')).toBe(23 * HOUR);
    expect(localDayLengthMs(Date.UTC(2026, 9, 25, 12), 'Europe/Paris')).toBe(25 * HOUR);
    expect(localDayLengthMs(Date.UTC(2026, 5, 1, 12), 'Europe/Paris')).toBe(24 * HOUR);
    expect(fixedPeriodKey(Date.UTC(2026, 2, 28, 23), DAY, 'Europe/Paris')).toBe('2026-03-29');
    expect(fixedPeriodKey(Date.UTC(2026, 2, 28, 22, 59, 59, 999), DAY, 'Europe/Paris')).toBe('2026-03-28');
  });

  for (const policy of POLICIES) {
    it(`rolling and fixed windows hold under ${policy}, across limit changes`, () => {
      fc.assert(fc.property(scenarioArb({ policies: [policy], updates: true, snapshots: true }), (scenario) => {
        const trace = drive(scenario, { drain: true });
        expect(windowViolations(trace, scenario)).toEqual([]);
      }), propertyParams(25));
    });
  }

  it('a window added or tightened mid-run counts the starts made before the change', () => {
    fc.assert(fc.property(
      fc.integer({ min: 1, max: 5 }), fc.array(windowArb, { maxLength: 1 }), windowArb, fc.integer({ min: 0, max: 20 }), fc.constantFrom(...POLICIES),
      (intervalS, before, after, changeS, policy) => {
        const scenario: Scenario = {
          policy, chargeFailures: false, startAt: 1_767_225_600_000,
          services: [{ id: 's0', intervalMs: intervalS * 1_000, windows: before, concurrency: 1, access: 'all' }],
          users: [{ id: 'u0', quota: 100, weight: 1 }],
          ops: [
            { dtMs: 0, op: { kind: 'create', user: 0, count: 30 } },
            { dtMs: changeS * 1_000, op: { kind: 'updateService', service: 0, patch: { windows: [after] } } },
          ],
          outcomes: [{ result: 'sent', latencyMs: 0 }],
        };
        const trace = drive(scenario, { drain: true });
        expect(windowViolations(trace, scenario)).toEqual([]);
      }), propertyParams(40));
  });

  const zonedArb = (startAt: number): fc.Arbitrary<Scenario> => fc.record({
    limit: fc.integer({ min: 1, max: 4 }),
    hourly: fc.option(fc.integer({ min: 1, max: 3 }), { nil: undefined }),
    intervalMin: fc.integer({ min: 1, max: 50 }),
    users: fc.integer({ min: 1, max: 3 }),
    policy: fc.constantFrom(...POLICIES),
    offsetH: fc.integer({ min: 0, max: 23 }),
  }).map(({ limit, hourly, intervalMin, users, policy, offsetH }) => {
    const windows: WindowSetup[] = [{ kind: 'fixed', limit, periodMs: DAY, timeZone: 'Europe/Paris' }];
    if (hourly !== undefined) windows.push({ kind: 'fixed', limit: hourly, periodMs: HOUR, timeZone: 'Europe/Paris' });
    return {
      policy, chargeFailures: false, startAt: startAt + offsetH * HOUR,
      services: [{ id: 's0', intervalMs: intervalMin * 60_000, windows, concurrency: 1, access: 'all' }],
      users: Array.from({ length: users }, (_, i) => ({ id: `u${i}`, quota: 100, weight: 1 })),
      ops: Array.from({ length: users }, (_, i) => ({ dtMs: 0, op: { kind: 'create' as const, user: i, count: 30 } })),
      outcomes: [{ result: 'sent' as const, latencyMs: 0 }],
    };
  });

  for (const [name, startAt] of [['spring (23 h day)', SPRING], ['autumn (25 h day)', AUTUMN]] as const) {
    it(`a Paris calendar day holds exactly its limit and opens at local midnight: ${name}`, () => {
      fc.assert(fc.property(zonedArb(startAt), (scenario) => {
        const trace = drive(scenario, { drain: true, horizonMs: scenario.startAt + 4 * DAY });
        expect(windowViolations(trace, scenario)).toEqual([]);
        expect(intervalViolations(trace, scenario)).toEqual([]);
        const daily = scenario.services[0]!.windows[0]!;
        // Work conservation on calendar windows: while backlogged, each later day's first send
        // is exactly at its local midnight (or the first later instant the hourly window allows),
        // and every complete day is filled to its limit.
        const byDay = new Map<string, number[]>();
        for (const d of trace.dispatches) {
          const key = fixedPeriodKey(d.t, DAY, 'Europe/Paris');
          byDay.set(key, [...(byDay.get(key) ?? []), d.t]);
        }
        // The first day starts mid-day and the horizon cuts the last one, so only whole days count.
        // A day opens at local midnight unless the previous day's last start plus intervalMs is later.
        const days = [...byDay.entries()];
        days.slice(1, -1).forEach(([key, starts], i) => {
          const dayStart = startOfLocalDay(starts[0]!);
          const previous = days[i]![1];
          const opensAt = Math.max(dayStart, previous[previous.length - 1]! + scenario.services[0]!.intervalMs);
          expect({ key, first: starts[0]! - dayStart }).toEqual({ key, first: opensAt - dayStart });
          expect({ key, count: starts.length }).toEqual({ key, count: Math.min(daily.limit, expectedPerDay(scenario, dayStart)) });
        });
      }), propertyParams(15));
    });
  }
});

function startOfLocalDay(t: number): number {
  const key = fixedPeriodKey(t, DAY, 'Europe/Paris');
  let s = Math.floor(t / HOUR) * HOUR;
  for (let i = 0; i < 27 && fixedPeriodKey(s - 1, DAY, 'Europe/Paris') === key; i++) s -= HOUR;
  return s;
}

/** How many sends interval and hourly limit allow in the local day starting at `dayStart`. */
function expectedPerDay(scenario: Scenario, dayStart: number): number {
  const s = scenario.services[0]!;
  const hourly = s.windows[1];
  const length = localDayLengthMs(dayStart, 'Europe/Paris');
  let n = 0;
  let t = dayStart;
  let hourKey = '';
  let inHour = 0;
  // Greedy earliest-start schedule over one day; bounded by the day's length in interval steps.
  while (t < dayStart + length && n < 10_000) {
    const key = fixedPeriodKey(t, HOUR, 'Europe/Paris');
    if (key !== hourKey) { hourKey = key; inHour = 0; }
    if (hourly === undefined || inHour < hourly.limit) { n++; inHour++; t += s.intervalMs; } else t = (Math.floor(t / HOUR) + 1) * HOUR;
  }
  return n;
}
