// The seam between the simulator and the invariant checkers (sim/checkers, shared with the tests).
// The simulator hands every engine event to `observe` as the run goes and asks for the violations at
// the end; a violation carries the first offending events.
import type { EngineEvent } from '../engine/index.ts';
import type { ViolationReport } from './report/index.ts';
import type { ResolvedScenario } from './scenario/index.ts';

export interface InvariantWatch {
  observe: (e: EngineEvent) => void;
  finish: () => { count: number; violations: ViolationReport[] };
}

/**
 * CHECKER SEAM: sim/checkers/ is being written by another engineer; until its API exists this watch
 * checks nothing and reports no violations. Wire `createCheckers` (or its equivalent) in here.
 */
export function watchInvariants(scenario: ResolvedScenario): InvariantWatch | null {
  void scenario;
  return null;
}
