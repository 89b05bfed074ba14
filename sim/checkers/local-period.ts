/**
 * Which fixed-window period an instant belongs to, as a comparable key. Without a time zone,
 * periods are aligned to the Unix epoch in UTC. With one (API.md: periodMs is an hour or a day),
 * a day is the local calendar date, and an hour is the sixty real minutes starting when the local
 * wall clock reads HH:00 — so a repeated hour at a daylight-saving change is two periods, and
 * a Paris day across the change is 23 or 25 hours long.
 *
 * Written independently of the engine's calendar code on purpose: the checker must not share
 * the engine's mistakes.
 */

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
/** Every zone offset in use today is a multiple of 15 minutes, and so is every transition, so
 *  the local hour and date are constant within each aligned UTC quarter-hour: cache per quarter. */
const QUARTER_MS = 900_000;

export type PeriodKey = string | number;

export class LocalPeriods {
  private readonly format: Intl.DateTimeFormat | null;
  private cachedQuarter = Number.NaN;
  private cachedKey: PeriodKey = '';

  constructor(
    private readonly periodMs: number,
    private readonly timeZone?: string,
  ) {
    this.format = timeZone === undefined ? null : new Intl.DateTimeFormat('en-US', {
      timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit',
    });
  }

  key(t: number): PeriodKey {
    if (this.format === null) return Math.floor(t / this.periodMs);
    const quarter = Math.floor(t / QUARTER_MS);
    if (quarter !== this.cachedQuarter) {
      this.cachedQuarter = quarter;
      this.cachedKey = this.zonedKey(quarter * QUARTER_MS);
    }
    return this.cachedKey;
  }

  private zonedKey(t: number): PeriodKey {
    const parts = Object.fromEntries((this.format as Intl.DateTimeFormat).formatToParts(t).map((p) => [p.type, p.value]));
    const date = `${parts.year}-${parts.month}-${parts.day}`;
    if (this.periodMs === DAY_MS) return date;
    if (this.periodMs !== HOUR_MS) throw new TypeError(`fixed window in ${this.timeZone}: periodMs must be ${HOUR_MS} or ${DAY_MS}, got ${this.periodMs}`);
    // The instant the local hour began: minutes into the hour are whole, and offsets are whole minutes.
    return t - Number(parts.minute) * 60_000;
  }
}
