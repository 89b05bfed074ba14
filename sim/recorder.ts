// Accumulates one run's metrics from the engine's event stream (the cheap sink the simulator hands
// to `onEvent`), then condenses them into the report's `PolicyMetrics`. Only counters and small
// per-task arrays are kept: nothing proportional to the number of sends.
import type { EngineEvent } from '../engine/index.ts';
import { serviceCapacity, windowLabel } from './capacity.ts';
import { maxMinAllocation } from './fair-share.ts';
import { cdf, jainIndex, mean, percentiles } from './stats.ts';
import { WindowPeak } from './window-peak.ts';
import type { ResolvedScenario } from './scenario/resolve-scenario.ts';
import type { OutcomeCounts, PolicyMetrics, QueueDepthPoint, RefusedAction, ServiceMetrics, UserMetrics } from './report/report-input.ts';
import { THROUGHPUT_LINES_MAX } from './report/index.ts';

/** Series shown per service in the throughput chart; the rest are summed as "others". */
const MAX_SERIES = THROUGHPUT_LINES_MAX - 1; // one line is left for the sum of the rest
const MAX_BUCKETS = 200;
const MAX_ACTIONS_SHOWN = 50;

/** Refusal codes that mean the platform lacked capacity, not that the request was wrong. */
export const CAPACITY_REFUSALS: readonly string[] = ['SERVICE_QUOTA_EXHAUSTED', 'NO_AVAILABLE_SERVICE'];

interface ServiceTally {
  sends: number;
  buckets: number[];
  windows: WindowPeak[];
  pauses: Record<string, number>;
  pausedSince: number | null;
  pausedMs: number;
  disabled: boolean;
}

export interface ExtraMetrics {
  /** Mean time from creation (or start) to first send, ms: the M/D/1 check reads this. */
  meanFirstSendMs: number | null;
  unfinished: number;
  sendsTotal: number;
  /** balance + reserved + consumed == granted, per user, at the end of the run. */
  ledgerMismatches: string[];
}

export class Recorder {
  private readonly taskIndex = new Map<string, number>();
  private readonly readyAt: number[] = [];
  private readonly firstSendAt: number[] = [];
  /** By task number: the index of its user. */
  private readonly taskUser: number[] = [];
  private readonly doneAt: number[] = [];
  private readonly userIndex = new Map<string, number>();
  private readonly userSends: number[];
  private readonly userDemand: number[];
  private readonly serviceIndex = new Map<string, number>();
  private readonly services: ServiceTally[];
  readonly bucketMs: number;
  readonly outcomes: OutcomeCounts = { sent: 0, deferred: 0, rejected: 0, failed: 0, serviceErrors: 0, quotaReached: 0, refunded: 0 };
  readonly refused: Record<string, number> = {};
  readonly queueDepth: QueueDepthPoint[] = [];
  created = 0;
  completed = 0;
  cancelled = 0;
  expired = 0;
  /** Recipients accepted and not yet final (queued, deferred, in flight). */
  pending = 0;
  lastEventAt = 0;

  constructor(private readonly scenario: ResolvedScenario) {
    scenario.users.forEach((u, i) => this.userIndex.set(u.id, i));
    this.userSends = scenario.users.map(() => 0);
    this.userDemand = scenario.users.map(() => 0);
    // Minutes, so that chart buckets line up with a clock.
    this.bucketMs = Math.max(60_000, Math.ceil(scenario.endAt / MAX_BUCKETS / 60_000) * 60_000);
    const buckets = Math.ceil(scenario.endAt / this.bucketMs) + 1;
    this.services = scenario.services.map((s, i) => {
      this.serviceIndex.set(s.id, i);
      return { sends: 0, buckets: new Array<number>(buckets).fill(0), windows: s.windows.map((w) => new WindowPeak(w)), pauses: {}, pausedSince: null, pausedMs: 0, disabled: false };
    });
  }

  /** Operator actions the engine refused, the first few (see MAX_ACTIONS_SHOWN). */
  readonly actionsRefused: RefusedAction[] = [];

  actionRefused(a: RefusedAction): void {
    if (this.actionsRefused.length < MAX_ACTIONS_SHOWN) this.actionsRefused.push(a);
  }

  /**
   * A campaign the engine refused at creation. One refused for lack of capacity is demand the
   * platform left unmet: it counts in its user's demand, so that the fair shares (and Jain's index)
   * show a tenant shut out because others had spent the services' caps. A refusal of the tenant's
   * own making (its quota, a suspension) is not demand the platform owed it.
   */
  refusal(code: string, user: string, recipients: number): void {
    this.refused[code] = (this.refused[code] ?? 0) + 1;
    const u = this.userIndex.get(user);
    if (u !== undefined && CAPACITY_REFUSALS.includes(code)) this.userDemand[u]! += recipients;
  }

  sample(t: number): void {
    this.queueDepth.push({ t, pending: this.pending });
  }

  /** The number of a created task (creation order), as the fault model and `onDispatch` use it. */
  taskNumber(id: string): number {
    return this.taskIndex.get(id)!;
  }

  /**
   * The number of the task whose outcome the simulator is reporting (set before each
   * `engine.report`, the only call that emits outcome events): the outcome is counted for its user
   * without looking ids up in a map, once per send.
   */
  reportingTask = -1;

  /** One send start: `task` from `taskNumber`, `service` the index in the scenario. */
  onDispatch(t: number, task: number, service: number): void {
    if (this.firstSendAt[task]! < 0) this.firstSendAt[task] = t;
    const s = this.services[service]!;
    s.sends++;
    s.buckets[Math.floor(t / this.bucketMs)]!++;
    for (const w of s.windows) w.record(t);
  }

  /** The engine's event sink. Kept to a switch and array updates: it runs for every send. */
  onEvent = (e: EngineEvent): void => {
    this.lastEventAt = e.t;
    switch (e.type) {
      case 'dispatch':
        // Counted by `onDispatch`, which the simulator calls with indices it already holds.
        return;
      case 'outcome':
        this.onOutcome(e.result, e.final);
        return;
      case 'task_created':
        this.taskIndex.set(e.task, this.readyAt.length);
        this.taskUser.push(this.userIndex.get(e.user)!);
        this.readyAt.push(Math.max(e.t, e.startAt));
        this.firstSendAt.push(-1);
        this.doneAt.push(-1);
        this.created++;
        this.pending += e.reserved;
        this.userDemand[this.userIndex.get(e.user)!]! += e.reserved;
        return;
      case 'task_completed':
        this.doneAt[this.taskIndex.get(e.task)!] = e.t;
        this.completed++;
        return;
      case 'task_cancelled':
      case 'task_expired':
        if (e.type === 'task_cancelled') this.cancelled++;
        else this.expired++;
        this.pending -= e.refunded;
        return;
      case 'quota_refunded':
        this.outcomes.refunded += e.amount;
        // Refunded recipients (failed, cancelled, expired) will never be sent: they are no longer
        // demand, or a user who cancels would look starved next to its fair share.
        this.userDemand[this.userIndex.get(e.user)!]! -= e.amount;
        return;
      default:
        this.onServiceEvent(e);
    }
  };

  private onOutcome(result: string, final: 'sent' | 'failed' | 'refunded' | null): void {
    if (result === 'sent') this.outcomes.sent++;
    else if (result === 'deferred') this.outcomes.deferred++;
    else if (result === 'rejected') this.outcomes.rejected++;
    else if (result === 'service_error') this.outcomes.serviceErrors++;
    else this.outcomes.quotaReached++;
    if (final === null) return;
    this.pending--;
    if (final === 'sent') this.userSends[this.taskUser[this.reportingTask]!]!++;
    else if (final === 'failed') this.outcomes.failed++;
  }

  private onServiceEvent(e: EngineEvent): void {
    if (e.type !== 'service_paused' && e.type !== 'service_resumed' && e.type !== 'service_disabled') return;
    const s = this.services[this.serviceIndex.get(e.service)!]!;
    if (e.type === 'service_paused') s.pauses[e.reason] = (s.pauses[e.reason] ?? 0) + 1;
    if (e.type === 'service_disabled') s.disabled = true;
    if (e.type === 'service_resumed') {
      s.disabled = false;
      if (s.pausedSince !== null) s.pausedMs += e.t - s.pausedSince;
      s.pausedSince = null;
    } else if (s.pausedSince === null) {
      s.pausedSince = e.t;
    }
  }

  /**
   * Campaigns the platform could not take: refused because no service had capacity left or none
   * was usable. They count as never completed in the completion percentiles, like unfinished ones.
   */
  private capacityRefusals(): number {
    return CAPACITY_REFUSALS.reduce((n, code) => n + (this.refused[code] ?? 0), 0);
  }

  private completionSamples(): { completion: number[]; firstSend: number[]; unfinished: number } {
    const completion: number[] = [];
    const firstSend: number[] = [];
    let unfinished = 0;
    for (let k = 0; k < this.readyAt.length; k++) {
      if (this.firstSendAt[k]! >= 0) firstSend.push(this.firstSendAt[k]! - this.readyAt[k]!);
      if (this.doneAt[k]! >= 0) completion.push(this.doneAt[k]! - this.readyAt[k]!);
      else unfinished++;
    }
    // Cancelled and expired campaigns ended on purpose: they are neither completed nor unfinished.
    return { completion, firstSend, unfinished: Math.max(0, unfinished - this.cancelled - this.expired) };
  }

  private serviceMetrics(spanMs: number): ServiceMetrics[] {
    return this.scenario.services.map((svc, i) => {
      const s = this.services[i]!;
      const capacity = serviceCapacity(svc, spanMs);
      const pausedMs = s.pausedMs + (s.pausedSince === null ? 0 : Math.max(0, spanMs - s.pausedSince));
      return {
        service: svc.id,
        sends: s.sends,
        utilisation: capacity === 0 ? 0 : Math.min(1, s.sends / capacity),
        windows: s.windows.map((w) => ({ label: windowLabel(w.window), limit: w.window.limit, peak: w.peak })),
        pauses: { ...s.pauses },
        pausedMs,
        disabled: s.disabled,
      };
    });
  }

  private userMetrics(spanMs: number): { users: UserMetrics[]; ratios: number[] } {
    const accessOf = new Map<string, number[]>();
    this.scenario.services.forEach((s, j) => {
      if (s.access !== 'all') for (const u of s.access) (accessOf.get(u) ?? accessOf.set(u, []).get(u)!).push(j);
    });
    const anyAll = this.scenario.services.some((s) => s.access === 'all');
    const onlyOn = restrictedUsers(this.scenario);
    const alloc = maxMinAllocation({
      capacities: this.scenario.services.map((s) => serviceCapacity(s, spanMs)),
      users: this.scenario.users.map((u, i) => ({
        demand: this.userDemand[i]!,
        weight: u.weight,
        access: onlyOn.get(u.id) ?? (anyAll && !accessOf.has(u.id) ? 'all' : withAll(accessOf.get(u.id) ?? [], anyAll, this.scenario)),
      })),
    });
    const total = this.userSends.reduce((a, b) => a + b, 0);
    const allocTotal = alloc.reduce((a, b) => a + b, 0);
    const scale = allocTotal === 0 ? 0 : total / allocTotal;
    const ratios: number[] = [];
    const users = this.scenario.users.map((u, i) => {
      const fairShare = allocTotal === 0 ? 0 : alloc[i]! / allocTotal;
      if (alloc[i]! > 0 && scale > 0) ratios.push(this.userSends[i]! / (alloc[i]! * scale));
      return { user: u.id, weight: u.weight, sends: this.userSends[i]!, share: total === 0 ? 0 : this.userSends[i]! / total, fairShare };
    });
    return { users, ratios };
  }

  private throughput(): PolicyMetrics['throughput'] {
    const order = this.scenario.services.map((_, i) => i).sort((a, b) => this.services[b]!.sends - this.services[a]!.sends || a - b);
    const last = Math.floor(this.lastEventAt / this.bucketMs) + 1;
    const series = order.slice(0, MAX_SERIES).map((i) => ({ service: this.scenario.services[i]!.id, sends: this.services[i]!.buckets.slice(0, last) }));
    if (order.length > MAX_SERIES) {
      const others = new Array<number>(last).fill(0);
      for (const i of order.slice(MAX_SERIES)) this.services[i]!.buckets.slice(0, last).forEach((n, b) => (others[b]! += n));
      series.push({ service: `${order.length - MAX_SERIES} others`, sends: others });
    }
    return { startMs: 0, bucketMs: this.bucketMs, series };
  }

  /**
   * `endAt`: when the run ended. Work left stuck (a service paused for good, say) was stuck until
   * then, so pauses and utilisation are measured to it; a run that drained ends at its last event.
   */
  finish(policy: string, wallTimeMs: number, endAt: number): { metrics: PolicyMetrics; extra: Omit<ExtraMetrics, 'ledgerMismatches'> } {
    const spanMs = Math.max(1, this.pending > 0 ? endAt : this.lastEventAt);
    const samples = this.completionSamples();
    const neverCompleted = samples.unfinished + this.capacityRefusals();
    const { users, ratios } = this.userMetrics(spanMs);
    const sendsTotal = this.outcomes.sent;
    const metrics: PolicyMetrics = {
      policy,
      campaigns: {
        created: this.created,
        refused: { ...this.refused },
        completed: this.completed,
        cancelled: this.cancelled,
        expired: this.expired,
        completionMs: percentiles(samples.completion, neverCompleted),
        completionCdf: cdf(samples.completion, neverCompleted),
        firstSendMs: percentiles(samples.firstSend),
      },
      users,
      fairness: {
        jainIndex: jainIndex(ratios),
        minShareRatio: ratios.length === 0 ? 1 : Math.min(...ratios),
        maxShareRatio: ratios.length === 0 ? 1 : Math.max(...ratios),
      },
      services: this.serviceMetrics(spanMs),
      throughput: this.throughput(),
      queueDepth: this.queueDepth,
      outcomes: { ...this.outcomes },
      violationCount: 0,
      violations: [],
      actionsRefused: [...this.actionsRefused],
      simulatedMs: spanMs,
      wallTimeMs,
      sendsPerSecond: wallTimeMs <= 0 ? 0 : Math.round((sendsTotal * 1000) / wallTimeMs),
    };
    return { metrics, extra: { meanFirstSendMs: mean(samples.firstSend), unfinished: samples.unfinished, sendsTotal } };
  }
}

/** A user's service indices, plus every service open to all when some are. */
/**
 * Users every one of whose campaigns is restricted: they can only be served by the union of those
 * restrictions (service indices), so that is what their fair share is computed over. A user with
 * any unrestricted campaign may use all its services, as before.
 */
function restrictedUsers(scenario: ResolvedScenario): Map<string, number[]> {
  const index = new Map(scenario.services.map((s, j) => [s.id, j]));
  const only = new Map<string, Set<number>>();
  const free = new Set<string>();
  for (const a of scenario.arrivals) {
    if (a.services === undefined) {
      free.add(a.user);
      continue;
    }
    const set = only.get(a.user) ?? new Set<number>();
    for (const id of a.services) set.add(index.get(id)!);
    only.set(a.user, set);
  }
  const out = new Map<string, number[]>();
  for (const [user, set] of only) if (!free.has(user)) out.set(user, [...set].sort((a, b) => a - b));
  return out;
}

function withAll(own: number[], anyAll: boolean, scenario: ResolvedScenario): number[] {
  if (!anyAll) return own;
  const set = new Set(own);
  scenario.services.forEach((s, j) => { if (s.access === 'all') set.add(j); });
  return [...set].sort((a, b) => a - b);
}
