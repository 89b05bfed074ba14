// The simulator's use of the invariant checkers (sim/checkers, shared with the property tests):
// every engine event goes to `observe` as the run goes; at the end the watch reports the count and
// the first violations with their offending events. Fairness is judged only under the fair policy,
// the only one that promises it.
import type { EngineEvent } from '../engine/index.ts';
import { checkersForPolicy, createCheckers } from './checkers/index.ts';
import type { CheckerName } from './checkers/index.ts';
import type { ViolationReport } from './report/index.ts';

export interface InvariantWatch {
  /** The checkers this watch runs. */
  checkers: readonly CheckerName[];
  observe: (e: EngineEvent) => void;
  finish: () => { count: number; violations: ViolationReport[] };
}

/**
 * The fairness checker costs O(backlogged users in a group) per dispatch (measured: 185 s for 91k
 * sends with 1,000 backlogged users), so above this many users it is left out, and the report
 * says so rather than letting a large run take hours.
 */
export const FAIRNESS_CHECK_MAX_USERS = 500;

export function checkersFor(policy: string, userCount: number): CheckerName[] {
  return checkersForPolicy(policy).filter((n) => n !== 'fairness' || userCount <= FAIRNESS_CHECK_MAX_USERS);
}

export function watchInvariants(policy: string, userCount: number, chargeFailures: boolean): InvariantWatch {
  const checkers = checkersFor(policy, userCount);
  // The quota checker must know whether failures are charged, or it flags every charged failure.
  const set = createCheckers(checkers, { chargeFailures });
  return {
    checkers,
    observe: (e) => set.push(e),
    finish: () => {
      set.finish();
      return { count: set.violationCount(), violations: set.violations().map((v) => ({ checker: v.checker, message: v.message, events: v.events })) };
    },
  };
}
