// Services with identical access sets (and lying in the same task restrictions, see
// restriction.ts) share one structure of eligible users ("who may send here next"), so a dispatch
// decision costs O(log n) however many services share a pool.
import type { Restriction } from './restriction.ts';
import { SlotHeap } from './slot-heap.ts';
import type { Service } from './service.ts';
import type { Task } from './task.ts';
import type { User } from './user.ts';

/** A user's place in one access group's queue of eligible users; the policy sets its keys. */
export class Member {
  /** Handle in the group's queue of eligible members (registered for the member's lifetime). */
  handle: number;
  /** Round-robin position in this group (policy 'round-robin' only). */
  rrKey = 0;
  /** In the group's eligible queue: the user is active and has a ready task that may use this group. */
  eligible = false;
  /**
   * The user's ready tasks restricted to services that include this group's, in policy order
   * (unrestricted ones are in the user's own queue). Created at the first such task.
   */
  ready: SlotHeap<Task> | null = null;
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
  /** Services of this group that can start a send (active and not full), by (readyAt, seq). */
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
    /** The restrictions this group's services lie in (all of them lie in the same ones). */
    readonly restrictions: ReadonlySet<Restriction> = new Set(),
  ) {}

  admits(userId: string): boolean {
    return this.access === 'all' || this.access.has(userId);
  }

  /**
   * The key of the group a service belongs in: its access set, then its restriction class. 'all'
   * is a control character, which no id may contain: no access list can share its key (the list
   * ['*'] once did, and let every user through a service meant only for user '*').
   */
  static keyOf(access: 'all' | readonly string[], restrictionClass = ''): string {
    const accessKey = access === 'all' ? '\u0002' : [...new Set(access)].sort().join('\u0000');
    return restrictionClass === '' ? accessKey : `${accessKey}\u0001${restrictionClass}`;
  }
}
