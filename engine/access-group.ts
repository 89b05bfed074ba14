// Services with identical access sets share one structure of eligible users ("who may send here
// next"), so a dispatch decision costs O(log n) however many services share a pool.
import { SlotHeap } from './slot-heap.ts';
import type { Service } from './service.ts';
import type { User } from './user.ts';

/** A user's place in one access group's queue of eligible users; the policy sets its keys. */
export class Member {
  /** Handle in the group's queue of eligible members (registered for the member's lifetime). */
  handle: number;
  /** Round-robin position in this group (policy 'round-robin' only). */
  rrKey = 0;
  constructor(
    readonly user: User,
    readonly group: AccessGroup,
  ) {
    this.handle = group.eligible.register(this);
  }
}

export class AccessGroup {
  /** Handle among the groups that can dispatch, keyed by its first available service (readyAt, seq). */
  handle = -1;
  /** Services of this group that may start a send (active, below concurrency), by (readyAt, seq). */
  readonly available = new SlotHeap<Service>();
  readonly services: Service[] = [];
  /** Members whose users have ready work, in policy order. */
  readonly eligible = new SlotHeap<Member>();
  readonly members = new Map<string, Member>();
  rrCounter = 0;
  /** Fair policy: the largest finish tag (user virtual time) handed out in this group, num / den. */
  finishNum = 0;
  finishDen = 1;
  /** Cached by the engine (see summarizeGroup); valid while summaryVersion matches. */
  usableCount = 0;
  paceRatePerMs = 0;
  burst = 0;
  ratePerMs = 0;
  summaryVersion = -1;

  constructor(
    readonly key: string,
    readonly seq: number,
    readonly access: 'all' | ReadonlySet<string>,
  ) {}

  admits(userId: string): boolean {
    return this.access === 'all' || this.access.has(userId);
  }

  static keyOf(access: 'all' | readonly string[]): string {
    return access === 'all' ? '*' : [...new Set(access)].sort().join('\u0000');
  }
}
