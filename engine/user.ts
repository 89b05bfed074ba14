// A user (tenant) of the platform: a quota ledger, a weight, and the queue of its ready tasks.
// Ledger invariant: balance + reserved + consumed == granted, each term >= 0, and reserved equals
// the user's sub-tasks that are not yet final.
import { SlotHeap } from './slot-heap.ts';
import type { Member } from './access-group.ts';
import type { Task } from './task.ts';

export type UserState = 'active' | 'suspended';

export interface UserSpec {
  readonly id: string;
  /** Initial quota balance (default 0). */
  readonly quota?: number;
  /** Share among users, a positive integer (default 1). */
  readonly weight?: number;
}

export class User {
  state: UserState = 'active';
  granted: number;
  balance: number;
  reserved = 0;
  consumed = 0;
  /** Tasks with a recipient ready to send now, in policy order. */
  readonly ready = new SlotHeap<Task>();
  /** One entry per access group this user belongs to. */
  readonly members: Member[] = [];
  /** Tasks not yet completed, cancelled or expired. */
  openTasks = 0;
  /** Fair policy: the user's virtual time is vtNum / weight (integers, so comparisons are exact). */
  vtNum = 0;
  /** Fair policy, among this user's tasks: the largest finish tag given so far, as num / den. */
  taskFinishNum = 0;
  taskFinishDen = 1;
  /** Round-robin among this user's tasks. */
  rrTaskCounter = 0;
  /** True while the user's members are in their groups' eligible queues. */
  eligible = false;

  constructor(
    readonly id: string,
    readonly seq: number,
    public weight: number,
    quota: number,
  ) {
    this.granted = quota;
    this.balance = quota;
  }
}
