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

export interface Policy {
  readonly name: PolicyName;
  memberLess(a: Member, b: Member): boolean;
  taskLess(a: Task, b: Task): boolean;
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

const userTagLess = (a: User, b: User): boolean => {
  const l = a.vtNum * b.weight;
  const r = b.vtNum * a.weight;
  return l < r || (l === r && a.seq < b.seq);
};

const taskTagLess = (a: Task, b: Task): boolean => {
  const l = a.vtNum * b.weight;
  const r = b.vtNum * a.weight;
  return l < r || (l === r && a.seq < b.seq);
};

class FairPolicy implements Policy {
  readonly name = 'fair' as const;
  // System virtual time (start tag of the furthest-behind eligible user), monotone.
  private vNum = 0;
  private vDen = 1;
  // Largest finish tag handed out: the virtual time after a fully idle period.
  private finishNum = 0;
  private finishDen = 1;

  memberLess(a: Member, b: Member): boolean {
    return userTagLess(a.user, b.user);
  }

  taskLess(a: Task, b: Task): boolean {
    return taskTagLess(a, b);
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

  memberLess(a: Member, b: Member): boolean {
    return a.rrKey < b.rrKey;
  }

  taskLess(a: Task, b: Task): boolean {
    return a.rrKey < b.rrKey || (a.rrKey === b.rrKey && a.seq < b.seq);
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

const fifoTaskLess = (a: Task, b: Task): boolean => a.startAt < b.startAt || (a.startAt === b.startAt && a.seq < b.seq);

class FifoPolicy implements Policy {
  readonly name = 'fifo' as const;

  memberLess(a: Member, b: Member): boolean {
    // Eligible users always have a ready task; the user holding the oldest one goes first.
    return fifoTaskLess(a.user.ready.peek() as Task, b.user.ready.peek() as Task);
  }

  taskLess(a: Task, b: Task): boolean {
    return fifoTaskLess(a, b);
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
