// What happens to a send in the simulated world: its SMTP latency and the reply. Outages and
// throttling are properties of the service at that moment; bounces and deferrals are properties of
// the recipient (its domain), drawn from a stateless hash so that a recipient's fate is the same under
// every policy whatever order they send in. Each concern has its own seeded stream.
import { sampleInt } from './distribution.ts';
import type { Distribution } from './distribution.ts';
import { hashUniform, saltFor, stream } from './rng.ts';
import type { Uniform } from './rng.ts';
import type { ResolvedScenario } from './scenario/resolve-scenario.ts';

export type SimResult = 'sent' | 'deferred' | 'rejected' | 'service_error';

/** Reply texts for the event log; the engine never parses them. */
export const DETAILS: Readonly<Record<string, string>> = {
  outage: 'connection refused (simulated outage)',
  throttle: '421 4.7.0 Try again later, closing connection (simulated throttling)',
  deferred: '451 4.3.0 Temporary failure, try again later',
  rejected: '550 5.1.1 Mailbox does not exist',
};

export class FaultModel {
  private readonly latency: Uniform;
  private readonly throttle: Uniform;
  private readonly outcomeSalt: number;
  private readonly domainSalt: number;
  /** Cumulative domain shares in [0, 1], with each domain's rates. */
  private readonly domainCut: number[] = [];
  private readonly domainBounce: number[] = [];
  private readonly domainDefer: number[] = [];
  /** Per service: index of the first outage span that has not ended yet (times never go back). */
  private readonly outageCursor: number[];
  private readonly latencyOf: Distribution[];
  private readonly fixedLatency: (number | null)[];
  reason = '';

  constructor(private readonly scenario: ResolvedScenario) {
    const { seed, faults } = scenario;
    this.latency = stream(seed, 'latency');
    this.throttle = stream(seed, 'throttling');
    this.outcomeSalt = saltFor(seed, 'outcomes');
    this.domainSalt = saltFor(seed, 'domains');
    // Shares are fractions of all recipients; whatever they leave is "other domains", which get
    // the global rates (the last cut is 1 either way, so every draw lands somewhere).
    let acc = 0;
    for (const d of faults.domains) {
      acc += d.share;
      this.domainCut.push(acc);
      this.domainBounce.push(d.bounceRate ?? faults.bounceRate);
      this.domainDefer.push(d.deferralRate ?? faults.deferralRate);
    }
    if (faults.domains.length > 0) {
      this.domainCut.push(1);
      this.domainBounce.push(faults.bounceRate);
      this.domainDefer.push(faults.deferralRate);
    }
    this.outageCursor = scenario.services.map(() => 0);
    this.latencyOf = scenario.services.map((s) => s.latencyMs as Distribution);
    this.fixedLatency = this.latencyOf.map((d) => (d.kind === 'fixed' ? Math.max(0, Math.round(d.value)) : null));
  }

  latencyMs(service: number): number {
    return this.fixedLatency[service] ?? sampleInt(this.latencyOf[service]!, this.latency, 0);
  }

  private inOutage(service: number, now: number): boolean {
    const spans = this.scenario.services[service]!.outages;
    let c = this.outageCursor[service]!;
    while (2 * c < spans.length && spans[2 * c + 1]! <= now) c++;
    this.outageCursor[service] = c;
    return 2 * c < spans.length && spans[2 * c]! <= now;
  }

  /** The reply to one send; `reason` names the cause for the detail text. */
  result(service: number, task: number, recipient: number, attempt: number, now: number): SimResult {
    const f = this.scenario.faults;
    if (this.inOutage(service, now)) return this.because('outage', 'service_error');
    if (f.throttleRate > 0 && this.throttle() < f.throttleRate) return this.because('throttle', 'service_error');
    let bounce = f.bounceRate;
    let defer = f.deferralRate;
    if (this.domainCut.length > 0) {
      const u = hashUniform(this.domainSalt, task, recipient, 0);
      let d = 0;
      while (d < this.domainCut.length - 1 && u >= this.domainCut[d]!) d++;
      bounce = this.domainBounce[d]!;
      defer = this.domainDefer[d]!;
    }
    if (bounce === 0 && defer === 0) return 'sent';
    const u = hashUniform(this.outcomeSalt, task, recipient, attempt);
    if (u < bounce) return this.because('rejected', 'rejected');
    if (u < bounce + defer) return this.because('deferred', 'deferred');
    return 'sent';
  }

  private because(reason: string, result: SimResult): SimResult {
    this.reason = reason;
    return result;
  }
}
