// Drives the real engine, through its public API only, on a benchmark workload: every service has
// a 1 ms interval and every user stays backlogged, so polling at successive nextWakeAt() values
// always finds work. Each dispatch is answered at once with a 'sent' outcome.

import { createEngine } from '../engine/index.ts';
import type { Engine, EngineEvent } from '../engine/index.ts';
import { indexOfId, type DispatchRecorder, type DispatchSubject } from './dispatch-subject.ts';
import { userId, type Workload } from './workload.ts';

export type Policy = 'fair' | 'round-robin' | 'fifo';
export const POLICIES: readonly Policy[] = ['fair', 'round-robin', 'fifo'];

export interface EngineSubjectOptions {
  readonly policy: Policy;
  readonly record?: DispatchRecorder;
  readonly onEvent?: (event: EngineEvent) => void;
}

function unwrap<T>(result: { ok: true; value: T } | { ok: false; error: { code: string; message: string } }, what: string): T {
  if (!result.ok) throw new Error(`bench setup: ${what} was refused: ${result.error.code} ${result.error.message}`);
  return result.value;
}

export function loadEngine(workload: Workload, options: EngineSubjectOptions): Engine {
  const engine = createEngine({ policy: options.policy, startAt: 0, ...(options.onEvent ? { onEvent: options.onEvent } : {}) });
  for (const user of workload.users) unwrap(engine.addUser(0, { id: user.id, quota: user.quota }), `addUser ${user.id}`);
  for (const service of workload.services) {
    const access = service.access === 'all' ? 'all' : service.access.map(userId);
    unwrap(engine.addService(0, { id: service.id, intervalMs: service.intervalMs, access }), `addService ${service.id}`);
  }
  for (const task of workload.tasks) {
    unwrap(engine.createTask(0, { id: task.id, user: userId(task.userIndex), recipients: task.recipients }), `createTask ${task.id}`);
  }
  return engine;
}

export function createEngineSubject(workload: Workload, options: EngineSubjectOptions): DispatchSubject {
  const engine = loadEngine(workload, options);
  const { record } = options;
  let nowMs = 0;
  return {
    name: `engine/${options.policy}`,
    nowMs: () => nowMs,
    advance: (decisions) => {
      let made = 0;
      // Bounded by the budget: every poll on this workload makes at least one decision; a poll that
      // makes none means the engine stopped being work-conserving, which the harness reports.
      for (let polls = 0; made < decisions && polls < decisions; polls += 1) {
        const wakeAt = engine.nextWakeAt();
        if (wakeAt === null) break;
        nowMs = wakeAt;
        const dispatches = unwrap(engine.poll(nowMs), 'poll');
        for (let i = 0; i < dispatches.length; i += 1) {
          const d = dispatches[i]!;
          record?.(indexOfId(d.service), indexOfId(d.user), indexOfId(d.task));
          unwrap(engine.report(nowMs, { task: d.task, recipient: d.recipient, result: 'sent' }), 'report');
        }
        made += dispatches.length;
      }
      return made;
    },
  };
}
