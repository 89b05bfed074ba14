// The seed's QueueScheduler (shared/seed/000_*.txt), implemented straightforwardly on a virtual
// clock: on every service tick it filters the active queues, groups them by user into a fresh Map,
// rotates a per-service user pointer over the users in that Map and a per-user task pointer over the
// user's queues, and takes the queue's next sub-task. The scan per tick is the point: it is what the
// engine replaces with O(log n) structures. Two kindnesses to the seed, so the ratio is not
// inflated: queues are cursors over a recipient count (the seed pre-generated one row per
// recipient), and its per-service setInterval timers are a heap (as the runtime's timers are).

import type { DispatchRecorder, DispatchSubject } from './dispatch-subject.ts';
import { createSlotHeap } from './slot-heap.ts';
import { accessPredicate, type Workload } from './workload.ts';

interface SeedQueue {
  readonly taskIndex: number;
  readonly userIndex: number;
  readonly total: number;
  currentIndex: number;
  sent: number;
  status: 'active' | 'completed';
}

export function createSeedBaseline(workload: Workload, record?: DispatchRecorder): DispatchSubject {
  const queues: SeedQueue[] = workload.tasks.map((task, taskIndex) => ({
    taskIndex, userIndex: task.userIndex, total: task.recipients, currentIndex: 0, sent: 0, status: 'active',
  }));
  const canUse = workload.services.map(accessPredicate);
  const userPointer = new Int32Array(workload.services.length);
  const userTaskRotation = new Map<number, number>();
  const timers = createSlotHeap(workload.services.length);
  workload.services.forEach((_, s) => timers.push(s, 0));
  let nowMs = 0;

  const nextFor = (service: number): SeedQueue | undefined => {
    const userQueues = new Map<number, SeedQueue[]>();
    for (const queue of queues) {
      if (queue.status !== 'active' || queue.currentIndex >= queue.total) continue;
      const list = userQueues.get(queue.userIndex);
      if (list === undefined) userQueues.set(queue.userIndex, [queue]);
      else list.push(queue);
    }
    const userIds = [...userQueues.keys()];
    const start = userPointer[service]! % Math.max(1, userIds.length);
    for (let k = 0; k < userIds.length; k += 1) {
      const user = userIds[(start + k) % userIds.length]!;
      if (!canUse[service]!(user)) continue;
      const userQueueList = userQueues.get(user)!;
      const next = ((userTaskRotation.get(user) ?? -1) + 1) % userQueueList.length;
      userTaskRotation.set(user, next);
      userPointer[service] = (start + k + 1) % userIds.length;
      return userQueueList[next];
    }
    return undefined;
  };

  const tick = (service: number): boolean => {
    const queue = nextFor(service);
    if (queue === undefined) return false;
    queue.currentIndex += 1;
    record?.(service, queue.userIndex, queue.taskIndex);
    // The outcome ('sent') is fed back at once; quota was pre-deducted at creation, as in the seed.
    queue.sent += 1;
    if (queue.sent === queue.total) queue.status = 'completed';
    return true;
  };

  return {
    name: 'seed',
    nowMs: () => nowMs,
    advance: (decisions) => {
      let made = 0;
      // Bounded: each pass either makes a decision or moves a timer forward; an idle service
      // still ticks (as setInterval does), so the bound is on ticks, not decisions.
      for (let ticks = 0; made < decisions && ticks < decisions * 1_000; ticks += 1) {
        nowMs = timers.peekAt();
        const service = timers.pop();
        if (tick(service)) made += 1;
        timers.push(service, nowMs + workload.services[service]!.intervalMs);
      }
      return made;
    },
  };
}
