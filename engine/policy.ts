// Who sends next when a service has a free slot. Three interchangeable policies so that the
// simulator can compare them on one workload:
// - fair: start-time fair queueing (stride scheduling for unit-cost sends) over users, with one
//   virtual time per user shared by every service, then the same over the user's tasks;
// - round-robin: the seed's rotation (users per access group, then tasks per user);
// - fifo: the old scheduler, oldest scheduled task first.
// Virtual times are kept as integer fractions (vtNum / weight) and compared by cross-multiplying,
// so every decision is exact and machine-independent.
import type { AccessGroup, Member } from './access-group.ts';
import type { HeapNode } from './indexed-heap.ts';
import type { Task } from './task.ts';
import type { User } from './user.ts';

export type PolicyName = 'fair' | 'round-robin' | 'fifo';
export const POLICY_NAMES: readonly PolicyName[] = ['fair', 'round-robin', 'fifo'];

export interface Policy {
  readonly name: PolicyName;
  /** Writes the member's order keys (k1, k2, k3) from its user's state. */
  keyMember(member: Member): void;
  /** Writes the task's order keys within its user. */
  keyTask(task: Task): void;
  /** Called after `member`'s user was given a slot for `task`. */
  onDispatch(member: Member, task: Task): void;
  /** Called when a user becomes eligible again (idle, suspended or blocked before). */
  onUserEligible(user: User, groups: Iterable<AccessGroup>): void;
  /** Called when a task becomes ready within its user. */
  onTaskReady(task: Task): void;
  /** Fair policy's system virtual time, for snapshots. */
  state(): PolicyState;
  restore(state: PolicyState): void;
}

export interface PolicyState {
  readonly vNum: number;
  readonly vDen: number;
  readonly finishNum: number;
  readonly finishDen: number;
}

/** ceil(a / b) for non-negative safe integers, exact. */
export function ceilDiv(a: number, b: number): number {
  let q = Math.floor(a / b);
  while (q * b < a) q++;
  while (q > 0 && (q - 1) * b >= a) q--;
  return q;
}

/** a/b < c/d for positive denominators. */
function fracLess(a: number, b: number, c: number, d: number): boolean {
  return a * d < c * b;
}

/**
 * Encodes the exact fraction vtNum / weight as (whole part, fractional part): the whole part is an
 * exact integer, and the fractional part r / weight (r < weight <= 10,000) is a correctly rounded
 * double, so equal fractions give equal doubles and distinct ones (at least 1e-8 apart) keep their
 * order. Number comparisons on the pair therefore order the fractions exactly.
 */
function keyTag(node: HeapNode<unknown>, vtNum: number, weight: number, seq: number): void {
  const r = vtNum % weight;
  node.k1 = (vtNum - r) / weight;
  node.k2 = r / weight;
  node.k3 = seq;
}

class FairPolicy implements Policy {
  readonly name = 'fair' as const;
  // System virtual time (start tag of the furthest-behind eligible user), monotone.
  private vNum = 0;
  private vDen = 1;
  // Largest finish tag handed out: the virtual time after a fully idle period.
  private finishNum = 0;
  private finishDen = 1;

  keyMember(m: Member): void {
    keyTag(m.node, m.user.vtNum, m.user.weight, m.user.seq);
  }

  keyTask(t: Task): void {
    keyTag(t.slot, t.vtNum, t.weight, t.seq);
  }

  onDispatch(member: Member, task: Task): void {
    const user = member.user;
    user.vtNum += 1; // one unit-cost send advances the user's virtual time by 1 / weight
    if (fracLess(this.finishNum, this.finishDen, user.vtNum, user.weight)) {
      this.finishNum = user.vtNum;
      this.finishDen = user.weight;
    }
    task.vtNum += 1;
    if (fracLess(user.taskFinishNum, user.taskFinishDen, task.vtNum, task.weight)) {
      user.taskFinishNum = task.vtNum;
      user.taskFinishDen = task.weight;
    }
  }

  onUserEligible(user: User, groups: Iterable<AccessGroup>): void {
    // The current system virtual time: the smallest tag among eligible users, or after an idle
    // period the largest finish tag. A returning user starts there: idleness banks no credit.
    let num = -1;
    let den = 1;
    for (const g of groups) {
      const top = g.eligible.peek();
      if (top !== undefined && (num < 0 || fracLess(top.user.vtNum, top.user.weight, num, den))) {
        num = top.user.vtNum;
        den = top.user.weight;
      }
    }
    if (num < 0) {
      num = this.finishNum;
      den = this.finishDen;
    }
    if (fracLess(this.vNum, this.vDen, num, den)) {
      this.vNum = num;
      this.vDen = den;
    }
    user.vtNum = Math.max(user.vtNum, ceilDiv(this.vNum * user.weight, this.vDen));
  }

  onTaskReady(task: Task): void {
    const user = task.user;
    const top = user.ready.peek();
    const num = top === undefined ? user.taskFinishNum : top.vtNum;
    const den = top === undefined ? user.taskFinishDen : top.weight;
    task.vtNum = Math.max(task.vtNum, ceilDiv(num * task.weight, den));
  }

  state(): PolicyState {
    return { vNum: this.vNum, vDen: this.vDen, finishNum: this.finishNum, finishDen: this.finishDen };
  }

  restore(s: PolicyState): void {
    this.vNum = s.vNum;
    this.vDen = s.vDen;
    this.finishNum = s.finishNum;
    this.finishDen = s.finishDen;
  }
}

class RoundRobinPolicy implements Policy {
  readonly name = 'round-robin' as const;

  keyMember(m: Member): void {
    m.node.k1 = m.rrKey; // unique within the group
  }

  keyTask(t: Task): void {
    t.slot.k1 = t.rrKey;
    t.slot.k3 = t.seq;
  }

  onDispatch(member: Member, task: Task): void {
    member.rrKey = ++member.group.rrCounter; // to the back of this group's rotation
    task.rrKey = ++task.user.rrTaskCounter;
  }

  onUserEligible(user: User): void {
    for (const m of user.members) m.rrKey = ++m.group.rrCounter;
  }

  onTaskReady(task: Task): void {
    task.rrKey = ++task.user.rrTaskCounter;
  }

  state(): PolicyState {
    return { vNum: 0, vDen: 1, finishNum: 0, finishDen: 1 };
  }

  restore(): void {}
}

class FifoPolicy implements Policy {
  readonly name = 'fifo' as const;

  keyMember(m: Member): void {
    // Eligible users always have a ready task; the user holding the oldest one goes first.
    const top = m.user.ready.peekNode() as HeapNode<Task>;
    m.node.k1 = top.k1;
    m.node.k2 = top.k3;
  }

  keyTask(t: Task): void {
    t.slot.k1 = t.startAt;
    t.slot.k3 = t.seq;
  }

  onDispatch(): void {}
  onUserEligible(): void {}
  onTaskReady(): void {}

  state(): PolicyState {
    return { vNum: 0, vDen: 1, finishNum: 0, finishDen: 1 };
  }

  restore(): void {}
}

export function createPolicy(name: PolicyName): Policy {
  switch (name) {
    case 'fair':
      return new FairPolicy();
    case 'round-robin':
      return new RoundRobinPolicy();
    case 'fifo':
      return new FifoPolicy();
  }
}
