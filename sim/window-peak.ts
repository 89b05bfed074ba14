// The largest number of send starts seen in one window of a service, for the report's "window
// usage". Rolling windows keep the starts of the last `periodMs` in a queue that never grows past
// `limit + 1` (a peak above the limit is a violation, and `limit + 1` already proves it); fixed
// windows count starts per calendar period.
import type { PresetWindow } from './scenario/presets.ts';

const offsetFormatters = new Map<string, Intl.DateTimeFormat>();

/** The zone's UTC offset at `t` in ms (local = utc + offset). */
function zoneOffsetMs(t: number, timeZone: string): number {
  let f = offsetFormatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric',
    });
    offsetFormatters.set(timeZone, f);
  }
  const p = Object.fromEntries(f.formatToParts(new Date(t)).map((x) => [x.type, x.value]));
  const local = Date.UTC(+p.year!, +p.month! - 1, +p.day!, +p.hour!, +p.minute!, +p.second!);
  return local - (t - (t % 1000));
}

export class WindowPeak {
  peak = 0;
  private readonly starts: number[] = [];
  private head = 0;
  private periodEnd = -Infinity;
  private count = 0;

  constructor(readonly window: PresetWindow) {}

  record(t: number): void {
    if (this.window.kind === 'rolling') this.recordRolling(t);
    else this.recordFixed(t);
  }

  private recordRolling(t: number): void {
    const cutoff = t - this.window.periodMs;
    while (this.head < this.starts.length && this.starts[this.head]! <= cutoff) this.head++;
    // Compact once the dead prefix dominates, so memory stays O(limit) and pushes amortised O(1).
    if (this.head > 1024 && this.head * 2 > this.starts.length) {
      this.starts.splice(0, this.head);
      this.head = 0;
    }
    if (this.starts.length - this.head > this.window.limit) this.head++;
    this.starts.push(t);
    this.peak = Math.max(this.peak, this.starts.length - this.head);
  }

  private recordFixed(t: number): void {
    if (t >= this.periodEnd) {
      const tz = this.window.timeZone;
      const offset = tz === undefined || tz === 'UTC' ? 0 : zoneOffsetMs(t, tz);
      const local = t + offset;
      // Approximation across a DST change (the period is taken as exactly periodMs); the
      // checkers, not this report figure, are the authority on window invariants.
      this.periodEnd = local - (local % this.window.periodMs) + this.window.periodMs - offset;
      this.count = 0;
    }
    this.count++;
    this.peak = Math.max(this.peak, this.count);
  }
}
