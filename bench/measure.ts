// Runs benchmark cases with tinybench and reduces them to the figures the report and the gate use.
// Cases that are compared with each other (one group: the engine, the seed baseline, the floor
// loop, ... on one workload) are built together and then measured in interleaved rounds, so that a
// burst of load from a neighbour on this shared machine hits all of them alike and the ratios
// between them stay meaningful. Each round is one tinybench run per case.

import { Bench } from 'tinybench';

export interface BenchCase {
  readonly id: string;            // e.g. 'dispatch/large/engine-fair'
  readonly group: string;         // cases compared with each other, e.g. 'dispatch/large'
  readonly unit: string;          // what one unit of work is, e.g. 'decisions'
  readonly unitsPerIteration: number;
  // Builds the subject (timed separately, as setupMs) and returns what one iteration does.
  readonly prepare: () => Prepared | Promise<Prepared>;
  readonly minIterations?: number;
}

export interface Prepared {
  // Does one iteration; returns the units of work it actually did (checked against unitsPerIteration).
  readonly fn: () => number | Promise<number>;
  // Untimed work before each iteration (e.g. a fresh engine for task creation).
  readonly beforeEach?: () => void;
  readonly dispose?: () => void | Promise<void>;
}

export interface Measurement {
  readonly id: string;
  readonly group: string;
  readonly unit: string;
  readonly unitsPerIteration: number;
  readonly rounds: number;
  readonly samples: number;
  // Median over rounds of each round's median / p99 iteration time.
  readonly medianMs: number;
  readonly p99Ms: number;
  // Iterations per second at the median iteration time.
  readonly opsPerSec: number;
  // Units per second at the median iteration time: the headline rate.
  readonly unitsPerSec: number;
  // Wall time to build the subject (engine with its users, services and tasks), once.
  readonly setupMs: number;
  // Iterations whose unit count differed from unitsPerIteration (0 when the subject was exact).
  readonly inexactIterations: number;
}

export interface MeasureOptions {
  readonly timeMs: number;
  readonly warmupTimeMs: number;
  readonly rounds: number;
  readonly log?: (line: string) => void;
}

interface RoundFigures { readonly p50: number; readonly p99: number; readonly samples: number }

export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error('median of no values');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

async function runRound(benchCase: BenchCase, prepared: Prepared, options: MeasureOptions, onUnits: (units: number) => void): Promise<RoundFigures> {
  const bench = new Bench({
    name: benchCase.id,
    time: options.timeMs,
    warmupTime: options.warmupTimeMs,
    iterations: benchCase.minIterations ?? 16,
    warmupIterations: Math.min(2, benchCase.minIterations ?? 2),
    throws: true,
  });
  const { fn, beforeEach } = prepared;
  bench.add(benchCase.id, () => {
    const units = fn();
    if (typeof units === 'number') onUnits(units);
    else return units.then(onUnits);
    return undefined;
  }, beforeEach ? { beforeEach: () => beforeEach() } : {});
  await bench.run();
  const result = bench.tasks[0]!.result;
  if (!('latency' in result)) throw new Error(`benchmark ${benchCase.id} did not complete: ${result.state}`);
  return { p50: result.latency.p50, p99: result.latency.p99, samples: result.latency.samplesCount };
}

export async function measureGroup(cases: readonly BenchCase[], options: MeasureOptions): Promise<Measurement[]> {
  const prepared: Prepared[] = [];
  const setupMs: number[] = [];
  const rounds: RoundFigures[][] = cases.map(() => []);
  const inexact = cases.map(() => 0);
  try {
    for (const benchCase of cases) {
      const start = performance.now();
      prepared.push(await benchCase.prepare());
      setupMs.push(performance.now() - start);
    }
    for (let r = 0; r < options.rounds; r += 1) {
      for (let c = 0; c < cases.length; c += 1) {
        const benchCase = cases[c]!;
        const onUnits = (units: number): void => { if (units !== benchCase.unitsPerIteration) inexact[c] += 1; };
        rounds[c]!.push(await runRound(benchCase, prepared[c]!, options, onUnits));
        options.log?.(`  ${benchCase.id} round ${r + 1}/${options.rounds}: median ${rounds[c]!.at(-1)!.p50.toFixed(3)} ms`);
      }
    }
  } finally {
    for (const p of prepared) await p.dispose?.();
  }
  return cases.map((benchCase, c) => summarise(benchCase, rounds[c]!, setupMs[c]!, inexact[c]!));
}

function summarise(benchCase: BenchCase, rounds: readonly RoundFigures[], setupMs: number, inexact: number): Measurement {
  const medianMs = median(rounds.map((r) => r.p50));
  return {
    id: benchCase.id,
    group: benchCase.group,
    unit: benchCase.unit,
    unitsPerIteration: benchCase.unitsPerIteration,
    rounds: rounds.length,
    samples: rounds.reduce((sum, r) => sum + r.samples, 0),
    medianMs,
    p99Ms: median(rounds.map((r) => r.p99)),
    opsPerSec: 1000 / medianMs,
    unitsPerSec: (benchCase.unitsPerIteration * 1000) / medianMs,
    setupMs,
    inexactIterations: inexact,
  };
}
