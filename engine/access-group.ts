// Services with identical access sets share one structure of eligible users ("who may send here
// next"), so a dispatch decision costs O(log n) however many services share a pool.
import { IndexedHeap } from './indexed-heap.ts';
import type { HeapItem } from './indexed-heap.ts';
import type { Service } from './service.ts';
import type { User } from './user.ts';

/** A user's place in one access group's queue of eligible users. */
export class Member implements HeapItem {
  heapIndex = -1;
  /** Round-robin position in this group (policy 'round-robin' only). */
  rrKey = 0;
  constructor(
    readonly user: User,
    readonly group: AccessGroup,
  ) {}
}

export class AccessGroup implements HeapItem {
  heapIndex = -1;
  /** Services of this group that may start a send (active, below concurrency), by (readyAt, seq). */
  readonly available = new IndexedHeap<Service>((a, b) => a.readyAt < b.readyAt || (a.readyAt === b.readyAt && a.seq < b.seq));
  readonly services: Service[] = [];
  /** Members whose users have ready work, in policy order. */
  readonly eligible: IndexedHeap<Member>;
  readonly members = new Map<string, Member>();
  rrCounter = 0;

  constructor(
    readonly key: string,
    readonly seq: number,
    readonly access: 'all' | ReadonlySet<string>,
    memberLess: (a: Member, b: Member) => boolean,
  ) {
    this.eligible = new IndexedHeap<Member>(memberLess);
  }

  admits(userId: string): boolean {
    return this.access === 'all' || this.access.has(userId);
  }

  static keyOf(access: 'all' | readonly string[]): string {
    return access === 'all' ? '*' : [...new Set(access)].sort().join('\u0000');
  }
}
