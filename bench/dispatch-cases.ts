// The dispatch-throughput group for one scale: the engine under each policy, side by side with the
// fair core, the seed baseline, the floor loop, bottleneck and p-queue, all on the same workload.

import { createEngineSubject, type Policy } from './engine-subject.ts';
import { createFairCore } from './fair-core.ts';
import { createFloorLoop } from './floor-loop.ts';
import { createBottleneckSubject, createPQueueSubject, type LibrarySubject } from './library-subjects.ts';
import type { BenchCase } from './measure.ts';
import { createSeedBaseline } from './seed-baseline.ts';
import { buildWorkload, type Scale, type Workload } from './workload.ts';

export type Contender = `engine-${Policy}` | 'fair-core' | 'seed' | 'floor' | 'bottleneck' | 'p-queue';

// The seed scans every queue per decision, so at the larger scales an iteration makes only a few
// decisions or one round would take minutes.
const SEED_DECISIONS: Readonly<Record<Scale['name'], number>> = { small: 1_000, medium: 100, large: 10 };
// bottleneck spends about a millisecond per job even with minTime 0, so it gets smaller batches.
const LIBRARY_JOBS: Readonly<Record<'bottleneck' | 'p-queue', number>> = { bottleneck: 100, 'p-queue': 1_000 };
const MIN_ITERATIONS = 5;

export function dispatchGroup(scale: Scale): string {
  return `dispatch/${scale.name}`;
}

export function dispatchCaseId(scale: Scale, contender: Contender): string {
  return `${dispatchGroup(scale)}/${contender}`;
}

export function dispatchCases(scale: Scale, contenders: readonly Contender[]): BenchCase[] {
  let workload: Workload | undefined;
  const shared = (): Workload => (workload ??= buildWorkload(scale));
  const perStep = scale.services * scale.stepMs;
  return contenders.map((contender) => {
    const base = { id: dispatchCaseId(scale, contender), group: dispatchGroup(scale) };
    if (contender === 'bottleneck' || contender === 'p-queue') {
      const make = contender === 'bottleneck' ? createBottleneckSubject : createPQueueSubject;
      const jobs = LIBRARY_JOBS[contender];
      return { ...base, unit: 'jobs', unitsPerIteration: jobs, minIterations: MIN_ITERATIONS, prepare: () => libraryPrepared(make(scale.services), jobs) };
    }
    if (contender === 'seed') {
      const decisions = SEED_DECISIONS[scale.name];
      return {
        ...base, unit: 'decisions', unitsPerIteration: decisions, minIterations: MIN_ITERATIONS,
        prepare: () => { const s = createSeedBaseline(shared()); return { fn: () => s.advance(decisions) }; },
      };
    }
    const make = contender === 'floor'
      ? () => createFloorLoop(shared())
      : contender === 'fair-core'
        ? () => createFairCore(shared())
        : () => createEngineSubject(shared(), { policy: contender.slice('engine-'.length) as Policy });
    return {
      ...base, unit: 'decisions', unitsPerIteration: perStep, minIterations: MIN_ITERATIONS,
      prepare: () => { const s = make(); return { fn: () => s.advance(perStep) }; },
    };
  });
}

function libraryPrepared(subject: LibrarySubject, jobs: number): { fn: () => Promise<number>; dispose: () => Promise<void> } {
  return { fn: () => subject.runBatch(jobs), dispose: () => subject.close() };
}
