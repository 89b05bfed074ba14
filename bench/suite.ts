// The orchestration shared by `npm run bench` (everything) and `npm run bench:gate` (a quick
// subset): which groups run, in what order, with which time budget.

import { dispatchCases, type Contender } from './dispatch-cases.ts';
import { POLICIES } from './engine-subject.ts';
import { measureGroup, type MeasureOptions, type Measurement } from './measure.ts';
import { taskCreationCase } from './task-creation.ts';
import { SCALES, type ScaleName } from './workload.ts';

export const ALL_CONTENDERS: readonly Contender[] = [
  ...POLICIES.map((p) => `engine-${p}` as const), 'fair-core', 'seed', 'floor', 'bottleneck', 'p-queue',
];

export async function runDispatch(scales: readonly ScaleName[], contenders: readonly Contender[], options: MeasureOptions): Promise<Measurement[]> {
  const out: Measurement[] = [];
  for (const name of scales) {
    options.log?.(`dispatch/${name}: building ${contenders.join(', ')}`);
    out.push(...await measureGroup(dispatchCases(SCALES[name], contenders), options));
  }
  return out;
}

export const CREATION_SIZES: readonly number[] = [10_000, 1_000_000];

export async function runCreation(sizes: readonly number[], options: MeasureOptions): Promise<Measurement[]> {
  const out: Measurement[] = [];
  for (const size of sizes) {
    options.log?.(`create-task/${size}`);
    // A million addresses take seconds to check: fewer iterations, one round (nothing is compared
    // by ratio here, so interleaving buys nothing).
    const big = size >= 1_000_000;
    const cases = [taskCreationCase(size, 'count', big ? 2 : 16), taskCreationCase(size, 'addresses', big ? 2 : 16)];
    out.push(...await measureGroup(cases, big ? { ...options, rounds: 1 } : options));
  }
  return out;
}
