/**
 * Invariant 1: two send starts on one service are never closer than its `intervalMs`, and never
 * more than `concurrency` sends are in flight on it. The spec in force is the latest
 * `service_added` / `service_updated`; the last start is kept across an update, so a new, longer
 * interval is measured from the real previous start. O(1) per event.
 */
import { BaseChecker } from './checker.ts';
import type { CheckedEvent, DispatchEvent, OutcomeEvent, ServiceSpecChange } from './checked-event.ts';

interface ServiceState {
  intervalMs: number;
  concurrency: number;
  lastStart: DispatchEvent | null;
  /** Dispatches without an outcome yet, keyed "task\u0000recipient". */
  inFlight: Map<string, DispatchEvent>;
}

export class IntervalChecker extends BaseChecker {
  private readonly services = new Map<string, ServiceState>();

  constructor() {
    super('interval');
  }

  push(e: CheckedEvent): void {
    if (e.type === 'service_added' || e.type === 'service_updated') this.onSpec(e as ServiceSpecChange);
    else if (e.type === 'dispatch') this.onDispatch(e as DispatchEvent);
    else if (e.type === 'outcome') this.onOutcome(e as OutcomeEvent);
  }

  private onSpec(e: ServiceSpecChange): void {
    const s = this.services.get(e.service);
    if (s === undefined) {
      this.services.set(e.service, { intervalMs: e.spec.intervalMs, concurrency: e.spec.concurrency, lastStart: null, inFlight: new Map() });
    } else {
      s.intervalMs = e.spec.intervalMs;
      s.concurrency = e.spec.concurrency;
    }
  }

  private onDispatch(e: DispatchEvent): void {
    const s = this.services.get(e.service);
    if (s === undefined) {
      this.log.add(`dispatch on unknown service '${e.service}'`, [e]);
      return;
    }
    const last = s.lastStart;
    if (last !== null && e.t - last.t < s.intervalMs) {
      this.log.add(`service '${e.service}': starts at ${last.t} and ${e.t} are ${e.t - last.t} ms apart, intervalMs is ${s.intervalMs}`, [last, e]);
    }
    if (s.inFlight.size + 1 > s.concurrency) {
      const oldest = s.inFlight.values().next().value as DispatchEvent;
      this.log.add(`service '${e.service}': ${s.inFlight.size + 1} sends in flight at ${e.t}, concurrency is ${s.concurrency}`, [oldest, e]);
    }
    s.lastStart = e;
    s.inFlight.set(key(e), e);
  }

  private onOutcome(e: OutcomeEvent): void {
    const s = this.services.get(e.service);
    if (s === undefined || !s.inFlight.delete(key(e))) {
      this.log.add(`outcome on service '${e.service}' for task '${e.task}' recipient ${e.recipient}, which is not in flight there`, [e]);
    }
  }
}

function key(e: { task: string; recipient: number }): string {
  return `${e.task}\u0000${e.recipient}`;
}
