// The floor: the least a rate-limited dispatcher can do per decision, with no fairness and no
// access checks. A heap of services ordered by next slot, and a cursor over the task array that
// drains each task in turn. It allocates the same dispatch record the engine returns, so the ratio
// engine / floor is the price of fairness, quotas and bookkeeping over the bare data structures.

import type { DispatchRecorder, DispatchSubject } from './dispatch-subject.ts';
import { createSlotHeap } from './slot-heap.ts';
import type { Workload } from './workload.ts';

export interface FloorDispatch {
  readonly t: number;
  readonly service: number;
  readonly task: number;
  readonly recipient: number;
  readonly attempt: number;
}

export function createFloorLoop(workload: Workload, record?: DispatchRecorder): DispatchSubject {
  const remaining = workload.tasks.map((task) => task.recipients);
  const nextRecipient = new Float64Array(workload.tasks.length);
  const timers = createSlotHeap(workload.services.length);
  workload.services.forEach((_, s) => timers.push(s, 0));
  let cursor = 0;
  let nowMs = 0;
  const batch: FloorDispatch[] = [];

  return {
    name: 'floor',
    nowMs: () => nowMs,
    advance: (decisions) => {
      let made = 0;
      while (made < decisions && cursor < remaining.length) {
        nowMs = timers.peekAt();
        batch.length = 0;
        // One poll: every service whose slot is due now starts a send.
        while (timers.size() > 0 && timers.peekAt() === nowMs && cursor < remaining.length) {
          const service = timers.pop();
          const recipient = nextRecipient[cursor]!;
          batch.push({ t: nowMs, service, task: cursor, recipient, attempt: 1 });
          record?.(service, workload.tasks[cursor]!.userIndex, cursor);
          nextRecipient[cursor] = recipient + 1;
          if (recipient + 1 === workload.tasks[cursor]!.recipients) cursor += 1;
          timers.push(service, nowMs + workload.services[service]!.intervalMs);
        }
        // The outcome ('sent') of each send is fed back at once, as the engine bench does.
        for (let i = 0; i < batch.length; i += 1) remaining[batch[i]!.task] -= 1;
        made += batch.length;
      }
      return made;
    },
  };
}

