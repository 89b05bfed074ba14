/**
 * Invariant 2: no window of any service ever holds more starts than its limit. Rolling: no span of
 * `periodMs` (any [a, a + periodMs)) holds more than `limit` starts. Fixed: each period (see
 * local-period.ts) holds at most `limit`.
 *
 * Each service keeps its recent starts, oldest first, trimmed to the longest period it has ever
 * had, so a window added or widened by `service_updated` is judged against the real past starts.
 * Rolling counts are a binary search in that history; fixed counts are a counter per period.
 * O(log n) per dispatch, amortised.
 */
import { BaseChecker } from './checker.ts';
import type { CheckedEvent, DispatchEvent, ServiceSpecChange, WindowSpecEvent } from './checked-event.ts';
import { LocalPeriods } from './local-period.ts';
import type { PeriodKey } from './local-period.ts';

/** A local day is at most 25 hours long; keep a little more so a zoned day is always covered. */
const ZONED_DAY_HISTORY_MS = 26 * 3_600_000;

interface FixedState {
  periods: LocalPeriods;
  key: PeriodKey | null;
  count: number;
  first: DispatchEvent | null;
}

interface WindowState {
  spec: WindowSpecEvent;
  fixed: FixedState | null;
}

interface ServiceState {
  windows: WindowState[];
  /** Starts, oldest first; only entries from `head` on are live, so trimming is amortised O(1). */
  starts: DispatchEvent[];
  head: number;
  historyMs: number;
}

export class WindowChecker extends BaseChecker {
  private readonly services = new Map<string, ServiceState>();

  constructor() {
    super('window');
  }

  push(e: CheckedEvent): void {
    if (e.type === 'service_added' || e.type === 'service_updated') this.onSpec(e as ServiceSpecChange);
    else if (e.type === 'dispatch') this.onDispatch(e as DispatchEvent);
  }

  private onSpec(e: ServiceSpecChange): void {
    const s = this.services.get(e.service) ?? { windows: [], starts: [], head: 0, historyMs: 0 };
    this.services.set(e.service, s);
    s.windows = e.spec.windows.map((spec) => ({ spec, fixed: spec.kind === 'fixed' ? this.fixedState(s, spec, e.t) : null }));
    for (const w of e.spec.windows) s.historyMs = Math.max(s.historyMs, w.timeZone !== undefined ? ZONED_DAY_HISTORY_MS : w.periodMs);
  }

  /** A fixed window's counter for the current period, rebuilt from the history (rare: on updates). */
  private fixedState(s: ServiceState, spec: WindowSpecEvent, t: number): FixedState {
    const periods = new LocalPeriods(spec.periodMs, spec.timeZone);
    const key = periods.key(t);
    let count = 0;
    let first: DispatchEvent | null = null;
    for (let i = s.starts.length - 1; i >= s.head && periods.key((s.starts[i] as DispatchEvent).t) === key; i--) {
      count++;
      first = s.starts[i] as DispatchEvent;
    }
    return { periods, key, count, first };
  }

  private onDispatch(e: DispatchEvent): void {
    const s = this.services.get(e.service);
    if (s === undefined) return; // the interval checker reports unknown services
    // A service that never had a window keeps no history (trimming would drop this start at once).
    if (s.historyMs === 0) return;
    s.starts.push(e);
    this.trim(s, e.t);
    for (const w of s.windows) {
      if (w.fixed === null) this.checkRolling(s, w.spec, e);
      else this.checkFixed(w.fixed, w.spec, e);
    }
  }

  private checkRolling(s: ServiceState, spec: WindowSpecEvent, e: DispatchEvent): void {
    // Starts in (t − periodMs, t]: the span of periodMs that ends with this start.
    const from = lowerBound(s.starts, s.head, e.t - spec.periodMs + 1);
    const count = s.starts.length - from;
    if (count > spec.limit) {
      this.log.add(`service '${e.service}': ${count} starts in the rolling ${spec.periodMs} ms from ${(s.starts[from] as DispatchEvent).t} to ${e.t}, limit is ${spec.limit}`, [s.starts[from] as DispatchEvent, e]);
    }
  }

  private checkFixed(f: FixedState, spec: WindowSpecEvent, e: DispatchEvent): void {
    const key = f.periods.key(e.t);
    if (key !== f.key) {
      f.key = key;
      f.count = 0;
      f.first = e;
    }
    f.count++;
    if (f.count > spec.limit) {
      const zone = spec.timeZone === undefined ? 'UTC-aligned' : spec.timeZone;
      this.log.add(`service '${e.service}': ${f.count} starts in the fixed ${spec.periodMs} ms period ${String(key)} (${zone}), limit is ${spec.limit}`, [f.first as DispatchEvent, e]);
    }
  }

  private trim(s: ServiceState, t: number): void {
    while (s.head < s.starts.length && (s.starts[s.head] as DispatchEvent).t <= t - s.historyMs) s.head++;
    // Compact once the dead prefix dominates, so memory stays proportional to the live history.
    if (s.head > 1024 && s.head * 2 > s.starts.length) {
      s.starts = s.starts.slice(s.head);
      s.head = 0;
    }
  }
}

/** First index i ≥ from with starts[i].t ≥ t (starts are sorted by t). */
function lowerBound(starts: readonly DispatchEvent[], from: number, t: number): number {
  let lo = from;
  let hi = starts.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((starts[mid] as DispatchEvent).t < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
