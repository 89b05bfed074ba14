// The fair core: the engine's fair policy and nothing else, on the benchmark workload. It makes the
// same decisions as the engine (start-time fair queueing over users with one virtual time per user
// shared by every service, lazy keys for a user served elsewhere, then the same over the user's
// tasks; services ready at the same time in creation order; test/bench/fair-core.test.ts checks
// that the two agree decision by decision), with its state in typed arrays and the engine's own
// queue (engine/slot-heap.ts), but without what makes the engine usable: argument checks, quotas,
// in-flight tracking, retries, windows, events, ids. It splits the gap between the engine and the
// floor loop in two: engine ÷ fair core is the price of that bookkeeping, fair core ÷ floor the
// price of exact fairness itself (every decision re-keys a user and a task last touched thousands
// of decisions earlier). All users and tasks have weight 1 and stay backlogged, as the workload
// guarantees (see workload.ts).

import { SlotHeap } from '../engine/slot-heap.ts';
import type { DispatchRecorder, DispatchSubject } from './dispatch-subject.ts';
import type { Workload } from './workload.ts';

interface Group {
  /** Users that may use the group's services, by (virtual time when last keyed, user index). */
  readonly members: SlotHeap<number>;
  /** The group's services by (next slot, service index). */
  readonly services: SlotHeap<number>;
  handle: number;
}

export function createFairCore(workload: Workload, record?: DispatchRecorder): DispatchSubject {
  const userCount = workload.users.length;
  const userVt = new Float64Array(userCount);
  const taskVt = new Float64Array(workload.tasks.length);
  const taskHandle = new Int32Array(workload.tasks.length);
  const left = Float64Array.from(workload.tasks, (task) => task.recipients);
  const taskQueues = workload.users.map(() => new SlotHeap<number>());
  workload.tasks.forEach((task, k) => {
    const q = taskQueues[task.userIndex]!;
    taskHandle[k] = q.register(k);
    q.push(taskHandle[k]!, 0, 0, k);
  });
  const readyGroups = new SlotHeap<Group>();
  const groupOf: Group[] = [];
  const byAccess = new Map<string, Group>();
  workload.services.forEach((service, s) => {
    const key = service.access === 'all' ? '*' : [...service.access].sort((a, b) => a - b).join(',');
    let g = byAccess.get(key);
    if (g === undefined) {
      g = { members: new SlotHeap<number>(), services: new SlotHeap<number>(), handle: -1 };
      g.handle = readyGroups.register(g);
      byAccess.set(key, g);
      const users = service.access === 'all' ? workload.users.map((_, u) => u) : service.access;
      for (const u of users) g.members.push(g.members.register(u), 0, 0, u);
    }
    groupOf.push(g);
    g.services.push(g.services.register(s), 0, 0, s);
  });
  for (const g of byAccess.values()) readyGroups.push(g.handle, g.services.topK1(), g.services.topK3(), 0);
  let nowMs = 0;

  /** One decision in group `g`, whose first service is ready at `now`. */
  const dispatch = (g: Group, now: number): void => {
    const members = g.members;
    // A user served through another group since it was keyed here has a key below its virtual
    // time: bring it up to date until the first one is current (keys only ever rise).
    while (members.topK1() !== userVt[members.peek()!]) members.update(members.peekHandle(), userVt[members.peek()!]!, 0, members.peek()!);
    const u = members.peek()!;
    const tasks = taskQueues[u]!;
    const k = tasks.peek()!;
    const s = g.services.peek()!;
    record?.(s, u, k);
    if (--left[k]! < 0) throw new Error(`fair core: task ${k} ran dry; the benchmark workload keeps every task backlogged`);
    taskVt[k]! += 1;
    tasks.update(taskHandle[k]!, taskVt[k]!, 0, k);
    userVt[u]! += 1;
    members.update(members.peekHandle(), userVt[u]!, 0, u);
    g.services.update(g.services.peekHandle(), now + workload.services[s]!.intervalMs, 0, s);
    readyGroups.update(g.handle, g.services.topK1(), g.services.topK3(), 0);
  };

  return {
    name: 'fair-core',
    nowMs: () => nowMs,
    advance: (decisions) => {
      let made = 0;
      while (made < decisions) {
        // One poll: every service whose slot is due now starts a send ('sent' at once, as the
        // engine bench feeds back).
        nowMs = readyGroups.topK1();
        for (let g = readyGroups.peek(); g !== undefined && readyGroups.topK1() === nowMs; g = readyGroups.peek()) {
          dispatch(g, nowMs);
          made += 1;
        }
      }
      return made;
    },
  };
}
