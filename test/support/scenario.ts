/**
 * A scenario is plain data: services, users, a timed list of operations and an outcome plan that
 * the driver cycles through (dispatch k gets `outcomes[k % outcomes.length]`). Being plain data it
 * shrinks well and prints readably in a fast-check counterexample.
 */
export type Policy = 'fair' | 'round-robin' | 'fifo';
export const POLICIES: readonly Policy[] = ['fair', 'round-robin', 'fifo'];

export type OutcomeResult = 'sent' | 'deferred' | 'rejected' | 'service_error' | 'service_quota_reached';

export type WindowSetup =
  | { kind: 'rolling'; limit: number; periodMs: number }
  | { kind: 'fixed'; limit: number; periodMs: number; timeZone?: string };

export interface ServiceSetup {
  id: string;
  intervalMs: number;
  windows: WindowSetup[];
  concurrency: number;
  access: 'all' | string[];
}

export interface UserSetup { id: string; quota: number; weight: number }

export interface ServicePatch { intervalMs?: number; windows?: WindowSetup[]; concurrency?: number; access?: 'all' | string[] }

/** Indexes (`user`, `task`, `service`) are taken modulo what exists when the op runs. */
export type Op =
  | { kind: 'create'; user: number; count: number; startInMs?: number; maxLatenessMs?: number; weight?: number; services?: number[] }
  | { kind: 'pauseTask' | 'resumeTask' | 'cancelTask'; task: number }
  | { kind: 'pauseService'; service: number; resumeInMs?: number }
  | { kind: 'resumeService' | 'disableService'; service: number }
  | { kind: 'grant'; user: number; amount: number }
  | { kind: 'suspendUser' | 'resumeUser'; user: number }
  | { kind: 'updateUser'; user: number; weight: number }
  | { kind: 'updateService'; service: number; patch: ServicePatch }
  | { kind: 'snapshotRestore' }
  | { kind: 'noop' }
  /** An extra poll at an arbitrary time: it must change nothing when nothing is due. */
  | { kind: 'poll' };

export interface TimedOp { dtMs: number; op: Op }

export interface OutcomeStep { result: OutcomeResult; latencyMs: number }

export interface Scenario {
  policy: Policy;
  chargeFailures: boolean;
  startAt: number;
  services: ServiceSetup[];
  users: UserSetup[];
  ops: TimedOp[];
  outcomes: OutcomeStep[];
}

/** Engine options shared by every property test: short back-offs keep virtual runs small. */
export const RETRY = { maxAttempts: 3, backoffMs: 5_000, backoffFactor: 2, backoffMaxMs: 60_000 };
export const SERVICE_PAUSE = { baseMs: 2_000, factor: 2, maxMs: 60_000, disableAfter: 3 };
export const QUOTA_WAIT_MS = 30_000;
