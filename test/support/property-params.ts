import type { Parameters } from 'fast-check';

/**
 * Run counts and seeds for every property in the suite. CI pins the seed so that a red build is
 * reproducible by re-running it; `FAIRSEND_DEEP=1` (npm run test:deep) runs 100x more cases with a
 * fresh seed each time. fast-check prints `seed` and `path` on failure; to replay one, set
 * `FAIRSEND_SEED=<seed> FAIRSEND_PATH=<path>` (the path only makes sense with its seed).
 */
export const FIXED_SEED = 20_260_329;

export const deep = process.env['FAIRSEND_DEEP'] === '1';

/** Replaying one counterexample (FAIRSEND_PATH): coverage checks over many runs do not apply. */
export const replaying = process.env['FAIRSEND_PATH'] !== undefined;

export function propertyParams<T>(numRuns: number, extra: Parameters<T> = {}): Parameters<T> {
  const seedText = process.env['FAIRSEND_SEED'];
  const path = process.env['FAIRSEND_PATH'];
  const seed = seedText !== undefined ? Number(seedText) : deep ? undefined : FIXED_SEED;
  if (seed !== undefined && !Number.isInteger(seed)) {
    throw new TypeError(`FAIRSEND_SEED must be an integer, got ${JSON.stringify(seedText)}`);
  }
  return {
    numRuns: deep ? numRuns * 100 : numRuns,
    ...(seed === undefined ? {} : { seed }),
    ...(path === undefined ? {} : { path, endOnFailure: true }),
    ...extra,
  };
}

/** Per-suite vitest options: a deep run takes 100x longer than CI's 60 s test timeout allows. */
export const suiteOptions = { timeout: deep ? 60 * 60_000 : 60_000 };
