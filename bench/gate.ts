// `npm run bench:gate`: the quick subset CI runs (well under 2 minutes). It measures the contenders
// named in reports/bench/baseline.json side by side in one run, checks the ratios against the
// thresholds there, checks the machine-independent counts exactly, and checks that the window it
// measured was fair. Exit 0: pass; 1: a check failed (each failure is printed); 2: bad input.
//   tsx bench/gate.ts [--thresholds reports/bench/baseline.json] [--out reports/bench]

import { Command, InvalidArgumentError } from 'commander';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Contender } from './dispatch-cases.ts';
import { countsOf, runExactChecks } from './exact-checks.ts';
import { evaluateGate, parseThresholds, type Thresholds } from './gate-check.ts';
import type { Measurement } from './measure.ts';
import { commandLine, machineInfo, ratio, writeReport, type BenchReport, type Ratio } from './report.ts';
import { SIM_EVENTS_COUNT, SMALL_SIM_SIZE, simEventsPerSend } from './sim-e2e.ts';
import { ALL_CONTENDERS, runDispatch } from './suite.ts';
import { SCALES, type ScaleName } from './workload.ts';

interface GateArgs { thresholds: string; out: string; timeMs: number; rounds: number }

function parseArgs(argv: readonly string[]): GateArgs {
  const positive = (name: string) => (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1 || n > 60_000) throw new InvalidArgumentError(`${name} must be an integer from 1 to 60000, got ${JSON.stringify(value)}`);
    return n;
  };
  const program = new Command('bench:gate')
    .description('quick benchmark gate: ratios measured in one run, exact counts and fairness')
    .option('--thresholds <file>', 'thresholds kept in the repository', 'reports/bench/baseline.json')
    .option('--out <dir>', 'where gate.json and gate.md are written', 'reports/bench')
    .option('--time-ms <ms>', 'tinybench time budget per case and round', positive('--time-ms'), 300)
    .option('--rounds <n>', 'interleaved measurement rounds', positive('--rounds'), 3)
    .exitOverride();
  try {
    program.parse(argv, { from: 'user' });
  } catch (error) {
    const code = (error as { code?: string }).code;
    process.exit(code === 'commander.helpDisplayed' ? 0 : 2);
  }
  return program.opts<GateArgs>();
}

function loadThresholds(path: string): Thresholds {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    process.stderr.write(`bench:gate: cannot read thresholds ${path}: ${(error as Error).message}\n`);
    process.exit(2);
  }
  const parsed = parseThresholds(json, path);
  if (!parsed.ok) {
    process.stderr.write(`bench:gate: invalid thresholds:\n${parsed.message}\n`);
    process.exit(2);
  }
  return parsed.value;
}

// The contenders the ratio rules name, per scale: 'dispatch/large/engine-fair' -> large, engine-fair.
function contendersByScale(thresholds: Thresholds, path: string): Map<ScaleName, Contender[]> {
  const byScale = new Map<ScaleName, Contender[]>();
  thresholds.ratios.forEach((rule, i) => {
    for (const [field, id] of [['numerator', rule.numerator], ['denominator', rule.denominator]] as const) {
      const [kind, scale, contender] = id.split('/');
      if (kind !== 'dispatch' || !(scale! in SCALES) || !ALL_CONTENDERS.includes(contender as Contender)) {
        process.stderr.write(`bench:gate: ${path}: ratios[${i}].${field} must be dispatch/<scale>/<contender> ` +
          `with a scale in ${Object.keys(SCALES).join(', ')} and a contender in ${ALL_CONTENDERS.join(', ')}, got ${JSON.stringify(id)}\n`);
        process.exit(2);
      }
      const list = byScale.get(scale as ScaleName) ?? [];
      if (!list.includes(contender as Contender)) list.push(contender as Contender);
      byScale.set(scale as ScaleName, list);
    }
  });
  return byScale;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const thresholds = loadThresholds(args.thresholds);
  const log = (line: string): void => { process.stderr.write(`${line}\n`); };
  const started = performance.now();
  const options = { timeMs: args.timeMs, warmupTimeMs: 100, rounds: args.rounds, log };
  const measurements: Measurement[] = [];
  for (const [scale, contenders] of contendersByScale(thresholds, args.thresholds)) {
    measurements.push(...await runDispatch([scale], contenders, options));
  }
  log(`exact checks: ${thresholds.scale} / fair, ${thresholds.windowMs} ms window`);
  const checks = runExactChecks(SCALES[thresholds.scale], 'fair', thresholds.windowMs);
  log('simulator: events per send on the small seeded scenario');
  const counts = { ...countsOf(checks), [SIM_EVENTS_COUNT]: simEventsPerSend(SMALL_SIM_SIZE) };
  const verdict = evaluateGate(thresholds, {
    measurements, counts, userFairness: checks.userFairness, taskFairness: checks.taskFairness,
  });
  const ratios = thresholds.ratios.map((r) => ratio(measurements, r.numerator, r.denominator)).filter((r): r is Ratio => r !== null);
  const report: BenchReport = {
    kind: 'fairsend-bench', mode: 'gate', generatedAt: new Date().toISOString(),
    command: commandLine('npm run bench:gate'), machine: machineInfo(),
    measurements, ratios, checks: [checks], memory: null,
    simulator: { status: 'pending', reason: 'not part of the gate' }, targets: [],
  };
  writeReport(report, join(args.out, 'gate.json'), join(args.out, 'gate.md'));
  for (const line of verdict.lines) process.stdout.write(`${line.ok ? 'ok  ' : 'FAIL'} ${line.text}\n`);
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  if (verdict.ok) {
    process.stdout.write(`bench:gate passed in ${seconds} s (thresholds: ${args.thresholds})\n`);
  } else {
    const failures = verdict.lines.filter((l) => !l.ok).length;
    process.stdout.write(`bench:gate FAILED: ${failures} check(s) above, in ${seconds} s (thresholds: ${args.thresholds})\n`);
    process.exitCode = 1;
  }
}

await main();
