/**
 * Invariant 1: two send starts on one service are never closer than its `intervalMs`, and never
 * more than `concurrency` sends are in flight on it. The spec in force is the latest
 * `service_added` / `service_updated`; the last start is kept across an update, so a new, longer
 * interval is measured from the real previous start. O(1) per event: sends in flight are a
 * count per service (which dispatch an outcome answers is the recipient checker's business).
 */
import { BaseChecker } from './checker.ts';
import type { CheckedEvent, DispatchEvent, OutcomeEvent, ServiceSpecChange } from './checked-event.ts';

interface ServiceState {
  intervalMs: number;
  concurrency: number;
  lastStart: DispatchEvent | null;
  /** Dispatches on this service without an outcome yet. */
  inFlight: number;
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
      this.services.set(e.service, { intervalMs: e.spec.intervalMs, concurrency: e.spec.concurrency, lastStart: null, inFlight: 0 });
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
    if (s.inFlight + 1 > s.concurrency) {
      this.log.add(`service '${e.service}': ${s.inFlight + 1} sends in flight at ${e.t}, concurrency is ${s.concurrency}`, last === null ? [e] : [last, e]);
    }
    s.lastStart = e;
    s.inFlight++;
  }

  private onOutcome(e: OutcomeEvent): void {
    const s = this.services.get(e.service);
    if (s === undefined || s.inFlight === 0) {
      this.log.add(`outcome on service '${e.service}' for task '${e.task}' recipient ${e.recipient}, with no send in flight there`, [e]);
      return;
    }
    s.inFlight--;
  }
}
