/**
 * All invariant checkers behind one `push`, as the simulator and the property tests run them.
 * The fairness bound is a property of the fair policy only, so it is included on request.
 */
import { AccessChecker } from './access-checker.ts';
import type { Checker, Violation } from './checker.ts';
import type { CheckedEvent } from './checked-event.ts';
import { FairnessChecker } from './fairness-checker.ts';
import { IntervalChecker } from './interval-checker.ts';
import { QuotaChecker } from './quota-checker.ts';
import { RecipientChecker } from './recipient-checker.ts';
import { WindowChecker } from './window-checker.ts';

export type CheckerName = 'interval' | 'window' | 'quota' | 'access' | 'recipients' | 'fairness';

export const ALL_CHECKERS: readonly CheckerName[] = ['interval', 'window', 'quota', 'access', 'recipients', 'fairness'];

export interface CheckerSet {
  readonly checkers: readonly Checker[];
  push(event: CheckedEvent): void;
  finish(): void;
  violationCount(): number;
  /** The kept violations of every checker, in checker order then event order. */
  violations(): Violation[];
}

export interface CheckerOptions {
  /** As in the engine's options: failed recipients consume quota instead of being refunded. */
  chargeFailures?: boolean;
}

export function createCheckers(names: readonly CheckerName[] = ALL_CHECKERS, options: CheckerOptions = {}): CheckerSet {
  const checkers = names.map((name) => createChecker(name, options));
  return {
    checkers,
    push(event) {
      for (const c of checkers) c.push(event);
    },
    finish() {
      for (const c of checkers) c.finish();
    },
    violationCount: () => checkers.reduce((n, c) => n + c.violationCount(), 0),
    violations: () => checkers.flatMap((c) => c.violations()),
  };
}

/** The checkers that apply to a policy: fairness only holds for 'fair'. */
export function checkersForPolicy(policy: string): CheckerName[] {
  return ALL_CHECKERS.filter((n) => n !== 'fairness' || policy === 'fair');
}

function createChecker(name: CheckerName, options: CheckerOptions): Checker {
  switch (name) {
    case 'interval': return new IntervalChecker();
    case 'window': return new WindowChecker();
    case 'quota': return new QuotaChecker(options);
    case 'access': return new AccessChecker();
    case 'recipients': return new RecipientChecker();
    case 'fairness': return new FairnessChecker();
  }
}
