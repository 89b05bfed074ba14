// `npm run bench`: the full suite. Writes reports/bench/latest.json and latest.md.
//   tsx bench/run.ts [--scales small,medium,large] [--rounds 3] [--time-ms 1000] [--out reports/bench]

import { Command, InvalidArgumentError } from 'commander';
import { join } from 'node:path';
import { checkWindowMs, runExactChecks, type ExactChecks } from './exact-checks.ts';
import { POLICIES } from './engine-subject.ts';
import { measureMemory, FULL_MEMORY_SIZES } from './memory.ts';
import { commandLine, machineInfo, ratio, writeReport, type BenchReport, type Ratio, type SimulatorFigure } from './report.ts';
import { FULL_SIM_SIZE, measureSimulator } from './sim-e2e.ts';
import { ALL_CONTENDERS, CREATION_SIZES, runCreation, runDispatch } from './suite.ts';
import { evaluateTargets } from './targets.ts';
import { SCALES, type ScaleName } from './workload.ts';

function positiveInt(name: string, max: number): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1 || n > max) throw new InvalidArgumentError(`${name} must be an integer from 1 to ${max}, got ${JSON.stringify(value)}`);
    return n;
  };
}

function scaleList(value: string): ScaleName[] {
  const names = value.split(',').map((s) => s.trim());
  const bad = names.find((n) => !(n in SCALES));
  if (bad !== undefined) throw new InvalidArgumentError(`--scales: unknown scale ${JSON.stringify(bad)} (known: ${Object.keys(SCALES).join(', ')})`);
  return names as ScaleName[];
}

interface RunOptions { scales: ScaleName[]; rounds: number; timeMs: number; out: string; sim: boolean; simUsers: number }

function parseArgs(argv: readonly string[]): RunOptions {
  const program = new Command('bench')
    .description('fairsend benchmarks: dispatch throughput side by side with baselines, task creation, memory, simulator')
    .option('--scales <list>', 'comma-separated scales: small, medium, large', scaleList, ['small', 'medium', 'large'] as ScaleName[])
    .option('--rounds <n>', 'interleaved measurement rounds per group', positiveInt('--rounds', 20), 3)
    .option('--time-ms <ms>', 'tinybench time budget per case and round', positiveInt('--time-ms', 60_000), 1000)
    .option('--out <dir>', 'output directory', 'reports/bench')
    .option('--no-sim', 'skip the simulator end-to-end run')
    .option('--sim-users <n>', 'users in the simulator run (one 1,000-recipient campaign each)', positiveInt('--sim-users', 100_000), FULL_SIM_SIZE.users)
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  try {
    program.parse(argv, { from: 'user' });
  } catch (error) {
    const code = (error as { code?: string }).code;
    process.exit(code === 'commander.helpDisplayed' || code === 'commander.version' ? 0 : 2);
  }
  return program.opts<RunOptions>();
}

// The simulator is another engineer's moving part: if its run throws, the report says so instead
// of losing every other figure.
function simulatorFigure(users: number, log: (line: string) => void): SimulatorFigure {
  try {
    return measureSimulator({ ...FULL_SIM_SIZE, users }, log);
  } catch (error) {
    log(`simulator run failed: ${(error as Error).stack ?? String(error)}`);
    return { status: 'pending', reason: `the simulator run failed: ${(error as Error).message}` };
  }
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const log = (line: string): void => { process.stderr.write(`${line}\n`); };
  const options = { timeMs: args.timeMs, warmupTimeMs: Math.min(250, args.timeMs), rounds: args.rounds, log };
  const measurements = [...await runDispatch(args.scales, ALL_CONTENDERS, options), ...await runCreation(CREATION_SIZES, options)];
  const checks: ExactChecks[] = [];
  for (const name of args.scales) {
    for (const policy of POLICIES) {
      log(`exact checks: ${name} / ${policy}`);
      checks.push(runExactChecks(SCALES[name], policy, checkWindowMs(name)));
    }
  }
  log('memory');
  const memory = measureMemory(FULL_MEMORY_SIZES);
  const simulator = args.sim ? simulatorFigure(args.simUsers, log) : { status: 'pending' as const, reason: 'skipped with --no-sim' };
  const ratios: Ratio[] = [];
  for (const name of args.scales) {
    for (const other of ALL_CONTENDERS.filter((c) => c !== 'engine-fair')) {
      const r = ratio(measurements, `dispatch/${name}/engine-fair`, `dispatch/${name}/${other}`);
      if (r !== null) ratios.push(r);
    }
  }
  const report: BenchReport = {
    kind: 'fairsend-bench', mode: 'full', generatedAt: new Date().toISOString(),
    command: commandLine('npm run bench'),
    machine: machineInfo(), measurements, ratios, checks, memory, simulator,
    targets: evaluateTargets(measurements, memory, simulator),
  };
  writeReport(report, join(args.out, 'latest.json'), join(args.out, 'latest.md'));
  log(`wrote ${join(args.out, 'latest.json')} and ${join(args.out, 'latest.md')}`);
  const failed = checks.filter((c) => c.policy === 'fair' && (!c.userFairness.ok || !c.taskFairness.ok || c.decisions !== c.expectedDecisions));
  if (failed.length > 0) {
    log(`exact checks failed for fair at: ${failed.map((c) => c.scale).join(', ')} (see latest.md)`);
    process.exitCode = 1;
  }
}

await main();
