/**
 * What the simulator hands to the report renderer: plain, JSON-serialisable data only (no Maps,
 * no classes, no functions), so that the same object can be written to summary.json and rendered
 * later. Times are integer milliseconds of simulated time unless the name says otherwise; ratios
 * are fractions in [0, 1] (the renderer formats them as percentages).
 *
 * The simulator core produces these values; the renderer never recomputes metrics, it only lays
 * them out, so that report.md, report.html and summary.json always agree.
 */

/** Percentiles of a distribution in ms; `null` when there was no sample (e.g. nothing completed). */
export interface Percentiles {
  p50: number | null;
  p90: number | null;
  p99: number | null;
  max: number | null;
}

/** One point of an empirical CDF: `fraction` of campaigns completed within `ms`. */
export interface CdfPoint {
  ms: number;
  /** In [0, 1], non-decreasing along the sample. */
  fraction: number;
}

export interface CampaignMetrics {
  /** Campaigns created (accepted by the engine). */
  created: number;
  /** Campaigns refused at creation (quota, no service, …), by refusal code. */
  refused: Record<string, number>;
  completed: number;
  cancelled: number;
  expired: number;
  /** From creation (or scheduled start, if later) to the last recipient's final outcome. */
  completionMs: Percentiles;
  /** A sample of the completion-time CDF (the simulator downsamples it to at most a few hundred points). */
  completionCdf: CdfPoint[];
  /** From creation (or scheduled start) to the first dispatch. */
  firstSendMs: Percentiles;
}

export interface UserMetrics {
  user: string;
  weight: number;
  sends: number;
  /** sends / total sends of all users, in [0, 1]. */
  share: number;
  /** The user's max-min fair share of the sends given demand and access sets, in [0, 1]. */
  fairShare: number;
}

export interface FairnessMetrics {
  /** Jain's index over per-user (share / fairShare), in (0, 1]; 1 is perfectly fair. */
  jainIndex: number;
  /** Smallest and largest share / fairShare over users that had demand. */
  minShareRatio: number;
  maxShareRatio: number;
}

export interface WindowUsage {
  /** E.g. "rolling 24h" or "fixed 1d Asia/Shanghai". */
  label: string;
  limit: number;
  /** Largest number of starts seen in any one window (rolling) or period (fixed). */
  peak: number;
}

export interface ServiceMetrics {
  service: string;
  sends: number;
  /** Busy slot time / available slot time over the run, in [0, 1]. */
  utilisation: number;
  windows: WindowUsage[];
  /** Pauses by reason ('operator' | 'error' | 'quota'), and total paused time. */
  pauses: Record<string, number>;
  pausedMs: number;
  disabled: boolean;
}

/** Sends started per service in consecutive buckets of `bucketMs` from `startMs`. */
export interface ThroughputSeries {
  startMs: number;
  bucketMs: number;
  series: { service: string; sends: number[] }[];
}

/** Pending recipients (queued, deferred or in flight) sampled over time. */
export interface QueueDepthPoint {
  t: number;
  pending: number;
}

export interface OutcomeCounts {
  sent: number;
  deferred: number;
  rejected: number;
  failed: number;
  serviceErrors: number;
  quotaReached: number;
  /** Quota units returned to users (failures, cancels, expiries). */
  refunded: number;
}

/** One invariant violation as reported by a checker, with the first offending events (JSON). */
export interface ViolationReport {
  checker: string;
  message: string;
  events: unknown[];
}

/** An operator action of the scenario that the engine refused (it had no effect). */
export interface RefusedAction {
  at: number;
  /** The action as written, e.g. "pauseTask t-1". */
  action: string;
  code: string;
  message: string;
}

export interface PolicyMetrics {
  policy: string;
  campaigns: CampaignMetrics;
  users: UserMetrics[];
  fairness: FairnessMetrics;
  services: ServiceMetrics[];
  throughput: ThroughputSeries;
  queueDepth: QueueDepthPoint[];
  outcomes: OutcomeCounts;
  /** Total count per checker (violations below may be truncated to the first few). */
  violationCount: number;
  violations: ViolationReport[];
  /** Simulated horizon: to the last event, or to the end of the run when work was left stuck. */
  simulatedMs: number;
  /** False when the invariant checkers were off (--no-check): only the quota ledger was checked. */
  invariantsChecked?: boolean;
  /** Operator actions the engine refused (they had no effect), the first few. */
  actionsRefused?: RefusedAction[];
  wallTimeMs: number;
  /** Simulated sends per second of wall time. */
  sendsPerSecond: number;
  /** Hash of the event stream (determinism evidence). */
  eventHash?: string;
}

export interface ExpectationResult {
  /** Human form, e.g. "p99 campaign completion ≤ 2h". */
  description: string;
  policy: string;
  /** Formatted measured value, e.g. "1h 35m". */
  actual: string;
  pass: boolean;
}

export interface ReportInput {
  scenario: string;
  seed: number | string;
  /** Short facts about the resolved scenario, shown in the header, e.g. ["300 users", "14 services"]. */
  facts?: string[];
  policies: PolicyMetrics[];
  expectations: ExpectationResult[];
}

/** A parameter path (as in `--vary services.ses.count=1,2,3`) and the value it took. */
export interface SweepValue {
  path: string;
  value: number | string;
}

export interface SweepPoint {
  values: SweepValue[];
  /** Over the campaigns that were created: refused ones never complete and are not in it. */
  p99CompletionMs: number | null;
  /** Campaigns the engine refused at creation (daily caps, suspended users, …), summed over codes. */
  refused: number;
  /** Every campaign of the workload, created or refused. */
  campaigns: number;
  /** Capacity-weighted utilisation: all starts over all services' capacity for the run, in [0, 1]. */
  utilisation: number;
  pass: boolean;
  /** Descriptions of the expectations that failed at this point. */
  failed: string[];
}

export interface SweepInput {
  scenario: string;
  seed: number | string;
  policy: string;
  /** The varied paths, in the order of `--vary`. */
  parameters: string[];
  points: SweepPoint[];
  /** Index into `points` of the smallest configuration meeting every expectation, or null. */
  smallestPassing: number | null;
  expectations: string[];
}
