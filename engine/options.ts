// Engine options: resolved once, at creation, with loud messages (a bad option is a set-up bug).
import type { EngineEvent } from './events.ts';
import { POLICY_NAMES } from './policy.ts';
import type { PolicyName } from './policy.ts';

export interface RetryOptions {
  /** Attempts per recipient for `deferred` outcomes, including the first (default 3). */
  readonly maxAttempts: number;
  readonly backoffMs: number;
  readonly backoffFactor: number;
  readonly backoffMaxMs: number;
}

export interface ServicePauseOptions {
  /** First pause after a service error (default 30 s), growing by `factor` up to `maxMs`. */
  readonly baseMs: number;
  readonly factor: number;
  readonly maxMs: number;
  /** Consecutive service errors after which the service is disabled until an operator resumes it. */
  readonly disableAfter: number;
}

export interface EngineOptions {
  readonly policy?: PolicyName;
  readonly startAt?: number;
  readonly retry?: Partial<RetryOptions>;
  readonly servicePause?: Partial<ServicePauseOptions>;
  /** Wait after `service_quota_reached` on a service without windows (default 1 h). */
  readonly quotaWaitMs?: number;
  /** Failed recipients consume quota instead of being refunded (default false). */
  readonly chargeFailures?: boolean;
  readonly onEvent?: (event: EngineEvent) => void;
}

export interface ResolvedOptions {
  readonly policy: PolicyName;
  readonly startAt: number;
  readonly retry: RetryOptions;
  readonly servicePause: ServicePauseOptions;
  readonly quotaWaitMs: number;
  readonly chargeFailures: boolean;
}

export const DEFAULT_RETRY: RetryOptions = { maxAttempts: 3, backoffMs: 60_000, backoffFactor: 2, backoffMaxMs: 3_600_000 };
export const DEFAULT_SERVICE_PAUSE: ServicePauseOptions = { baseMs: 30_000, factor: 2, maxMs: 900_000, disableAfter: 8 };

function int(path: string, value: unknown, min: number, max: number): number {
  if (!Number.isSafeInteger(value) || (value as number) < min || (value as number) > max) {
    throw new TypeError(`engine option ${path} must be an integer from ${min} to ${max}, got ${String(value)}`);
  }
  return value as number;
}

function factor(path: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 1 || value > 100) {
    throw new TypeError(`engine option ${path} must be a number from 1 to 100, got ${String(value)}`);
  }
  return value;
}

export function resolveOptions(o: EngineOptions = {}): ResolvedOptions {
  const policy = o.policy ?? 'fair';
  if (!POLICY_NAMES.includes(policy)) {
    throw new TypeError(`engine option policy must be one of ${POLICY_NAMES.join(', ')}, got ${String(policy)}`);
  }
  const r = { ...DEFAULT_RETRY, ...o.retry };
  const p = { ...DEFAULT_SERVICE_PAUSE, ...o.servicePause };
  if (o.onEvent !== undefined && typeof o.onEvent !== 'function') throw new TypeError('engine option onEvent must be a function');
  // Frozen: snapshots share these objects, and a caller changing one must not change the engine.
  return deepFreeze({
    policy,
    startAt: int('startAt', o.startAt ?? 0, 0, Number.MAX_SAFE_INTEGER),
    retry: {
      maxAttempts: int('retry.maxAttempts', r.maxAttempts, 1, 100),
      backoffMs: int('retry.backoffMs', r.backoffMs, 0, 86_400_000),
      backoffFactor: factor('retry.backoffFactor', r.backoffFactor),
      backoffMaxMs: int('retry.backoffMaxMs', r.backoffMaxMs, 0, 7 * 86_400_000),
    },
    servicePause: {
      baseMs: int('servicePause.baseMs', p.baseMs, 1, 86_400_000),
      factor: factor('servicePause.factor', p.factor),
      maxMs: int('servicePause.maxMs', p.maxMs, 1, 7 * 86_400_000),
      disableAfter: int('servicePause.disableAfter', p.disableAfter, 1, 1000),
    },
    quotaWaitMs: int('quotaWaitMs', o.quotaWaitMs ?? 3_600_000, 1, 31 * 86_400_000),
    chargeFailures: o.chargeFailures === undefined ? false : Boolean(o.chargeFailures),
  });
}

function deepFreeze(o: ResolvedOptions): ResolvedOptions {
  Object.freeze(o.retry);
  Object.freeze(o.servicePause);
  return Object.freeze(o);
}

/** Back-off before attempt `attempt + 1` after `attempt` failed: backoffMs · factor^(attempt-1), capped. */
export function retryDelayMs(retry: RetryOptions, attempt: number): number {
  return Math.min(retry.backoffMaxMs, Math.round(retry.backoffMs * retry.backoffFactor ** (attempt - 1)));
}

/** Pause after the `streak`-th consecutive service error. */
export function servicePauseMs(p: ServicePauseOptions, streak: number): number {
  return Math.min(p.maxMs, Math.round(p.baseMs * p.factor ** (streak - 1)));
}
