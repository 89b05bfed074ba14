// Argument checks for the engine's commands: pure functions from a call's arguments to a refusal
// (naming the field) or the normalised values. Nothing here reads or changes engine state.
import { normalizeWindow, windowProblem } from './rate-window.ts';
import type { WindowSpec } from './rate-window.ts';
import { checkRecipients } from './recipients.ts';
import type { DuplicateRecipient, InvalidRecipient } from './recipients.ts';
import { ok, refuse } from './result.ts';
import type { Result } from './result.ts';
import { describe, intProblem, MAX_TIME_MS } from './validate.ts';

/** A change to a service's limits or access (every field optional). */
export interface ServicePatch {
  readonly intervalMs?: number;
  readonly windows?: readonly WindowSpec[];
  readonly concurrency?: number;
  readonly access?: 'all' | readonly string[];
}

export const MAX_INTERVAL_MS = 31 * 86_400_000;
export const MAX_WEIGHT = 10_000;
export const MAX_CONCURRENCY = 10_000;
const MAX_RECIPIENTS = 1_000_000_000;
const MAX_WINDOWS = 16;

export function checkServicePatch(label: string, p: ServicePatch, userExists: (id: string) => boolean): Result<ServicePatch> {
  if (p.intervalMs !== undefined) {
    const bad = intProblem('intervalMs', p.intervalMs, 0, MAX_INTERVAL_MS);
    if (bad) return refuse('INVALID_ARGUMENT', `${label}: ${bad}`, 'intervalMs');
  }
  if (p.concurrency !== undefined) {
    const bad = intProblem('concurrency', p.concurrency, 1, MAX_CONCURRENCY);
    if (bad) return refuse('INVALID_ARGUMENT', `${label}: ${bad}`, 'concurrency');
  }
  let windows: WindowSpec[] | undefined;
  if (p.windows !== undefined) {
    if (!Array.isArray(p.windows) || p.windows.length > MAX_WINDOWS) {
      return refuse('INVALID_ARGUMENT', `${label}: windows must be an array of at most ${MAX_WINDOWS}, got ${describe(p.windows)}`, 'windows');
    }
    for (let i = 0; i < p.windows.length; i++) {
      const bad = windowProblem(p.windows[i]);
      if (bad) return refuse('INVALID_ARGUMENT', `${label}: windows[${i}].${bad}`, `windows[${i}]`);
    }
    windows = p.windows.map(normalizeWindow);
  }
  let access: 'all' | readonly string[] | undefined;
  if (p.access !== undefined) {
    if (p.access !== 'all') {
      if (!Array.isArray(p.access) || p.access.length === 0) {
        return refuse('INVALID_ARGUMENT', `${label}: access must be 'all' or a non-empty array of user ids, got ${describe(p.access)}`, 'access');
      }
      for (let i = 0; i < p.access.length; i++) {
        const id: unknown = p.access[i];
        if (typeof id !== 'string' || !userExists(id)) {
          return refuse('UNKNOWN_USER', `${label}: access[${i}] names unknown user ${describe(id)}`, `access[${i}]`);
        }
      }
      access = [...new Set(p.access)];
    } else {
      access = 'all';
    }
  }
  return ok({
    ...(p.intervalMs === undefined ? {} : { intervalMs: p.intervalMs }),
    ...(p.concurrency === undefined ? {} : { concurrency: p.concurrency }),
    ...(windows === undefined ? {} : { windows }),
    ...(access === undefined ? {} : { access }),
  });
}

export function checkTaskRecipients(
  label: string,
  recipients: unknown,
): Result<{ count: number; accepted: string[] | null; invalid: InvalidRecipient[]; duplicates: DuplicateRecipient[] }> {
  if (typeof recipients === 'number') {
    const bad = intProblem('recipients', recipients, 1, MAX_RECIPIENTS);
    if (bad) return refuse('INVALID_ARGUMENT', `${label}: ${bad}`, 'recipients');
    return ok({ count: recipients, accepted: null, invalid: [], duplicates: [] });
  }
  if (!Array.isArray(recipients)) {
    return refuse('INVALID_ARGUMENT', `${label}: recipients must be a list of addresses or a count, got ${describe(recipients)}`, 'recipients');
  }
  if (recipients.length > MAX_RECIPIENTS) return refuse('INVALID_ARGUMENT', `${label}: more than ${MAX_RECIPIENTS} recipients`, 'recipients');
  const checked = checkRecipients(recipients);
  if (checked.accepted.length === 0) {
    return refuse(
      'NO_VALID_RECIPIENTS',
      `${label} has no valid recipient (${recipients.length} given, ${checked.invalid.length} invalid, ${checked.duplicates.length} duplicate)`,
      'recipients',
    );
  }
  return ok({ count: checked.accepted.length, ...checked });
}

/** A task's weight, start time and expiry deadline (startAt + maxLatenessMs, or null). */
export function checkTaskTiming(
  label: string,
  spec: { readonly weight?: number; readonly startAt?: number; readonly maxLatenessMs?: number },
  now: number,
): Result<{ weight: number; startAt: number; deadlineAt: number | null }> {
  const weight = spec.weight ?? 1;
  const weightBad = intProblem('weight', weight, 1, MAX_WEIGHT);
  if (weightBad) return refuse('INVALID_ARGUMENT', `${label}: ${weightBad}`, 'weight');
  const startAt = spec.startAt ?? now;
  const startBad = intProblem('startAt', startAt, 0, MAX_TIME_MS);
  if (startBad) return refuse('INVALID_ARGUMENT', `${label}: ${startBad}`, 'startAt');
  if (spec.maxLatenessMs === undefined) return ok({ weight, startAt, deadlineAt: null });
  const latenessBad = intProblem('maxLatenessMs', spec.maxLatenessMs, 0, MAX_TIME_MS);
  if (latenessBad) return refuse('INVALID_ARGUMENT', `${label}: ${latenessBad}`, 'maxLatenessMs');
  const deadlineAt = startAt + spec.maxLatenessMs;
  if (deadlineAt < now) {
    return refuse('INVALID_ARGUMENT', `${label}: startAt + maxLatenessMs (${deadlineAt}) is already past (now ${now})`, 'maxLatenessMs');
  }
  return ok({ weight, startAt, deadlineAt });
}
