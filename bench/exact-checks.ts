// What the benchmark can count exactly, independent of the machine, on the same workload it times:
// work conservation (every service with eligible work sends at each 1 ms slot, so a run of M ms
// makes exactly services x M decisions), events per decision, and the fairness of the recorded
// window (invariant 6 between users that compete for exactly the same services, and between the
// tasks of each user), and the queue work per decision (heap-count.ts). The gate fails on any of
// these, so a fast but wrong change cannot pass, nor one that makes every decision do more work.

import type { EngineEvent } from '../engine/index.ts';
import { createEngineSubject, type Policy } from './engine-subject.ts';
import { checkFairness, describeViolation, type FairnessResult } from './fairness.ts';
import { countHeapWork, type HeapWork } from './heap-count.ts';
import { buildWorkload, userId, type Scale, type Workload } from './workload.ts';

export interface FairnessSummary {
  readonly groups: number;
  readonly pairs: number;
  readonly ok: boolean;
  readonly violation?: string;
}

export interface ExactChecks {
  readonly scale: Scale['name'];
  readonly policy: Policy;
  readonly windowMs: number;
  readonly decisions: number;
  readonly expectedDecisions: number;
  readonly lastPollAtMs: number;
  readonly expectedLastPollAtMs: number;
  // Events emitted during the window, by type (setup events are not counted).
  readonly eventCounts: Readonly<Record<string, number>>;
  /** Operations on the engine's queues during the window, and entries their sifts moved. */
  readonly heapWork: HeapWork;
  readonly userFairness: FairnessSummary;
  readonly taskFairness: FairnessSummary;
}

// Windows long enough that every user is served several times: 10 ms of 1,000 services is 10,000
// decisions for 10,000 users, so the large window is 100 ms (100,000 decisions).
export function checkWindowMs(scale: Scale['name']): number {
  return scale === 'small' ? 2_000 : scale === 'medium' ? 200 : 100;
}

export function runExactChecks(scale: Scale, policy: Policy, windowMs: number): ExactChecks {
  const workload = buildWorkload(scale);
  const users: number[] = [];
  const tasks: number[] = [];
  const eventCounts: Record<string, number> = {};
  let counting = false;
  const onEvent = (event: EngineEvent): void => {
    if (counting) eventCounts[event.type] = (eventCounts[event.type] ?? 0) + 1;
  };
  const subject = createEngineSubject(workload, {
    policy, onEvent, record: (_service, user, task) => { users.push(user); tasks.push(task); },
  });
  counting = true;
  const expectedDecisions = scale.services * windowMs;
  const { result: decisions, work: heapWork } = countHeapWork(() => subject.advance(expectedDecisions));
  counting = false;
  return {
    scale: scale.name, policy, windowMs, decisions, expectedDecisions,
    lastPollAtMs: subject.nowMs(), expectedLastPollAtMs: windowMs - 1,
    eventCounts,
    heapWork,
    userFairness: userFairness(workload, users),
    taskFairness: taskFairness(workload, users, tasks),
  };
}

// Users compete for exactly the same services when their restricted (non-open) services match.
export function accessClasses(workload: Workload): string[][] {
  const restricted: number[][] = workload.users.map(() => []);
  workload.services.forEach((service, s) => {
    if (service.access !== 'all') for (const u of service.access) restricted[u]!.push(s);
  });
  const classes = new Map<string, string[]>();
  restricted.forEach((services, u) => {
    const key = services.join(',');
    const members = classes.get(key);
    if (members === undefined) classes.set(key, [userId(u)]);
    else members.push(userId(u));
  });
  return [...classes.values()].filter((members) => members.length > 1);
}

function summarise(results: readonly FairnessResult[]): FairnessSummary {
  let pairs = 0;
  for (const result of results) {
    if (!result.ok) return { groups: results.length, pairs, ok: false, violation: describeViolation(result.violation) };
    pairs += result.pairs;
  }
  return { groups: results.length, pairs, ok: true };
}

function userFairness(workload: Workload, users: readonly number[]): FairnessSummary {
  const sequence = users.map(userId);
  return summarise(accessClasses(workload).map((members) => checkFairness({ sequence, members })));
}

function taskFairness(workload: Workload, users: readonly number[], tasks: readonly number[]): FairnessSummary {
  const perUser: string[][] = workload.users.map(() => []);
  users.forEach((u, k) => perUser[u]!.push(`t${tasks[k]!}`));
  const owned: string[][] = workload.users.map(() => []);
  workload.tasks.forEach((task) => owned[task.userIndex]!.push(task.id));
  return summarise(perUser.map((sequence, u) => checkFairness({ sequence, members: owned[u]! })));
}

// The machine-independent counts the gate compares with reports/bench/baseline.json.
export function countsOf(checks: ExactChecks): Record<string, number> {
  const perDecision = (type: string): number => (checks.eventCounts[type] ?? 0) / checks.decisions;
  return {
    'missed slots in the window': checks.expectedDecisions - checks.decisions,
    'last poll offset ms': checks.lastPollAtMs - checks.expectedLastPollAtMs,
    'dispatch events per decision': perDecision('dispatch'),
    'outcome events per decision': perDecision('outcome'),
    'queue operations per decision': checks.heapWork.operations / checks.decisions,
    'queue entry moves per decision': checks.heapWork.moves / checks.decisions,
  };
}
