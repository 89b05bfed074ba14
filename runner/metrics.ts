// Prometheus metrics (prom-client), one registry per runner so that several runners (tests) do not
// share counters. Gauges read the engine status when scraped instead of being kept up to date.
import { Counter, Gauge, Registry } from 'prom-client';

export interface StatusSource {
  total_pending_subtasks: number;
  in_flight: number;
  active_services: number;
  active_queues: number;
}

export interface RunnerMetrics {
  readonly registry: Registry;
  countSend(service: string, result: string): void;
}

export function createRunnerMetrics(status: () => StatusSource): RunnerMetrics {
  const registry = new Registry();
  const sends = new Counter({
    name: 'fairsend_sends_total', help: 'Send attempts by service and outcome', labelNames: ['service', 'result'], registers: [registry],
  });
  const gauge = (name: string, help: string, pick: (s: StatusSource) => number): void => {
    // prom-client calls collect() on every scrape; `this` is the gauge.
    new Gauge({ name, help, registers: [registry], collect() { this.set(pick(status())); } });
  };
  gauge('fairsend_pending_subtasks', 'Recipients not yet final', (s) => s.total_pending_subtasks);
  gauge('fairsend_in_flight', 'Sends in flight', (s) => s.in_flight);
  gauge('fairsend_active_services', 'Services that may send now', (s) => s.active_services);
  gauge('fairsend_active_queues', 'Tasks with work', (s) => s.active_queues);
  return {
    registry,
    countSend: (service, result) => sends.inc({ service, result }),
  };
}
