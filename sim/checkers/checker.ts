/**
 * What every invariant checker is: a pure, incremental consumer of the engine's event stream that
 * records violations together with the events that prove them. No I/O, no clock: the simulator
 * and the property tests feed the same events and read the same verdicts.
 */
import type { CheckedEvent } from './checked-event.ts';

export interface Violation {
  checker: string;
  message: string;
  /** The offending events, oldest first (e.g. the two starts that were too close). */
  events: CheckedEvent[];
}

export interface Checker {
  readonly name: string;
  push(event: CheckedEvent): void;
  /** Checks that need the end of the stream (e.g. a final settlement); safe to call once. */
  finish(): void;
  /** Total violations seen (the list below keeps only the first few). */
  violationCount(): number;
  violations(): readonly Violation[];
}

/** Violations kept per checker: the first ones explain a failure, the rest only cost memory. */
export const VIOLATIONS_KEPT = 20;

/** Counts every violation and keeps the first VIOLATIONS_KEPT of them. */
export class ViolationLog {
  private count = 0;
  private readonly kept: Violation[] = [];

  constructor(private readonly checker: string) {}

  /** Returns the kept violation (null once the first few are kept), so a checker may sharpen it later. */
  add(message: string, events: readonly CheckedEvent[]): Violation | null {
    this.count++;
    if (this.kept.length >= VIOLATIONS_KEPT) return null;
    const v = { checker: this.checker, message, events: [...events] };
    this.kept.push(v);
    return v;
  }

  total(): number {
    return this.count;
  }

  list(): readonly Violation[] {
    return this.kept;
  }
}

/** Base for checkers: the name, the log and the three read methods. */
export abstract class BaseChecker implements Checker {
  protected readonly log: ViolationLog;

  constructor(readonly name: string) {
    this.log = new ViolationLog(name);
  }

  abstract push(event: CheckedEvent): void;

  finish(): void {}

  violationCount(): number {
    return this.log.total();
  }

  violations(): readonly Violation[] {
    return this.log.list();
  }
}
