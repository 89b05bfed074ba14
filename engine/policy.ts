// Who sends next when a service has a free slot. Three interchangeable policies so that the
// simulator can compare them on one workload:
// - fair: start-time fair queueing (stride scheduling for unit-cost sends) over users, with one
//   virtual time per user shared by every service, then the same over the user's tasks;
// - round-robin: the seed's rotation (users per access group, then tasks per user);
// - fifo: the old scheduler, oldest scheduled task first.
// Virtual times are kept as integer fractions (vtNum / weight) and compared by cross-multiplying,
// so every decision is exact and machine-independent.
import type { AccessGroup, Member } from './access-group.ts';

import type { Task } from './task.ts';
import type { User } from './user.ts';

export type PolicyName = 'fair' | 'round-robin' | 'fifo';
export const POLICY_NAMES: readonly PolicyName[] = ['fair', 'round-robin', 'fifo'];

/** Order keys of a queue entry, compared lexicographically (see slot-heap.ts). */
export interface Keys {
  k1: number;
  k2: number;
  k3: number;
}

export interface Policy {
  readonly name: PolicyName;
  /** Writes the member's order keys from its user's state. */
  memberKeys(member: Member, out: Keys): void;
  /** Writes the task's order keys within its user. */
  taskKeys(task: Task, out: Keys): void;
  /** Called after `member`'s user was given a slot for `task`. */
  onDispatch(member: Member, task: Task): void;
  /**
   * Called when a user becomes eligible again (idle, suspended or blocked before); `first` gives a
   * group's next eligible member.
   */
  onUserEligible(user: User, first: (g: AccessGroup) => Member | undefined): void;
  /** Called when a member joins its group's queue of eligible members. */
  onMemberEligible(member: Member): void;
  /** Called when a task becomes ready within its user. */
  onTaskReady(task: Task): void;
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
function tagKeys(out: Keys, vtNum: number, weight: number, seq: number): void {
  const r = vtNum % weight;
  out.k1 = (vtNum - r) / weight;
  out.k2 = r / weight;
  out.k3 = seq;
}

class FairPolicy implements Policy {
  readonly name = 'fair' as const;

  memberKeys(m: Member, out: Keys): void {
    tagKeys(out, m.user.vtNum, m.user.weight, m.user.seq);
  }

  taskKeys(t: Task, out: Keys): void {
    tagKeys(out, t.vtNum, t.weight, t.seq);
  }

  onDispatch(member: Member, task: Task): void {
    const user = member.user;
    const g = member.group;
    user.vtNum += 1; // one unit-cost send advances the user's virtual time by 1 / weight
    if (fracLess(g.finishNum, g.finishDen, user.vtNum, user.weight)) {
      g.finishNum = user.vtNum;
      g.finishDen = user.weight;
    }
    task.vtNum += 1;
    if (fracLess(user.taskFinishNum, user.taskFinishDen, task.vtNum, task.weight)) {
      user.taskFinishNum = task.vtNum;
      user.taskFinishDen = task.weight;
    }
  }

  onUserEligible(user: User, first: (g: AccessGroup) => Member | undefined): void {
    // A returning user starts at the virtual time of the groups it competes in: in each of its
    // groups, the tag of the eligible user furthest behind, or after an idle period the largest
    // finish tag handed out there. It takes the latest of these, so that it starts ahead of no one
    // it competes with anywhere: idleness banks no credit. Groups it does not belong to play no
    // part (users on slow services elsewhere must not drag it back and give it a burst).
    let num = 0;
    let den = 1;
    for (const m of user.members) {
      const g = m.group;
      const top = first(g);
      const n = top === undefined ? g.finishNum : top.user.vtNum;
      const d = top === undefined ? g.finishDen : top.user.weight;
      if (fracLess(num, den, n, d)) {
        num = n;
        den = d;
      }
    }
    user.vtNum = Math.max(user.vtNum, ceilDiv(num * user.weight, den));
  }

  onMemberEligible(): void {}

  onTaskReady(task: Task): void {
    // A task that becomes ready starts at the tag of its user's ready task furthest behind (in the
    // user's queue or a restricted one), or after idle the largest finish tag given out.
    const user = task.user;
    let top = user.ready.peek();
    for (const m of user.members) {
      const t = m.ready?.peek();
      if (t !== undefined && (top === undefined || fracLess(t.vtNum, t.weight, top.vtNum, top.weight))) top = t;
    }
    const num = top === undefined ? user.taskFinishNum : top.vtNum;
    const den = top === undefined ? user.taskFinishDen : top.weight;
    task.vtNum = Math.max(task.vtNum, ceilDiv(num * task.weight, den));
  }
}

class RoundRobinPolicy implements Policy {
  readonly name = 'round-robin' as const;

  memberKeys(m: Member, out: Keys): void {
    out.k1 = m.rrKey; // unique within the group
    out.k2 = 0;
    out.k3 = 0;
  }

  taskKeys(t: Task, out: Keys): void {
    out.k1 = t.rrKey;
    out.k2 = 0;
    out.k3 = t.seq;
  }

  onDispatch(member: Member, task: Task): void {
    member.rrKey = ++member.group.rrCounter; // to the back of this group's rotation
    task.rrKey = ++task.user.rrTaskCounter;
  }

  onUserEligible(): void {}

  onMemberEligible(member: Member): void {
    member.rrKey = ++member.group.rrCounter; // to the back of this group's rotation
  }

  onTaskReady(task: Task): void {
    task.rrKey = ++task.user.rrTaskCounter;
  }

}

class FifoPolicy implements Policy {
  readonly name = 'fifo' as const;

  memberKeys(m: Member, out: Keys): void {
    // An eligible member has a ready task (its user's or a restricted one for this group); the
    // member holding the oldest one goes first. Task keys never change under fifo.
    const own = m.user.ready;
    const mine = m.ready;
    const q = mine !== null && mine.size > 0 && (own.size === 0 || mine.topK1() < own.topK1() || (mine.topK1() === own.topK1() && mine.topK3() < own.topK3())) ? mine : own;
    out.k1 = q.topK1(); // its startAt
    out.k2 = q.topK3(); // its seq, unique
    out.k3 = 0;
  }

  taskKeys(t: Task, out: Keys): void {
    out.k1 = t.startAt;
    out.k2 = 0;
    out.k3 = t.seq;
  }

  onDispatch(): void {}
  onUserEligible(): void {}
  onMemberEligible(): void {}
  onTaskReady(): void {}

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
