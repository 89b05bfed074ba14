// The planning sub-commands of `fairsend`: sim, sweep, validate, schema. This is the imperative
// shell: it reads files, runs the pure pieces, prints, and writes outputs under temporary names that
// are renamed only once everything succeeded. Exit codes: 0 ok, 1 an expectation failed, 2 bad input.
import { existsSync, mkdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve as resolvePath } from 'node:path';
import { Worker } from 'node:worker_threads';
import { Command, Option } from 'commander';
import cliProgress from 'cli-progress';
import { renderSweepReport, refusedText, formatDuration, formatRatio, jainText } from './report/index.ts';
import type { ExpectationResult, PolicyMetrics, SweepPoint } from './report/index.ts';
import { DEFAULT_SCENARIO, POLICIES, openScenarioDocument, openScenarioFile, readScenarioDocument, resolvedView, scenarioJsonSchema, unservedUsers } from './scenario/index.ts';
import type { Checked, OpenedScenario, PolicyName, ResolvedScenario, Scenario } from './scenario/index.ts';
import { setUpEngine } from './simulate.ts';
import { eventsPathFor, runScenario } from './run-scenario.ts';
import { refusedCount } from './expectations.ts';
import { checkOutputs, entryPath, inputPaths, removeCreated } from './output-paths.ts';
import type { OutputTarget } from './output-paths.ts';
import type { RunOptions } from './run-scenario.ts';
import type { SimJob, SimReply } from './sim-worker.ts';
import { MAX_SWEEP_POINTS, checkVariations, combinations, parseVary, setPath, sweepInput, weightedUtilisation } from './sweep.ts';
import type { Variation } from './sweep.ts';

const EXIT_EXPECTATION = 1;
const EXIT_BAD_INPUT = 2;
/** 128 + the signal number, as shells report a process a signal ended. */
const EXIT_SIGNAL: Readonly<Record<'SIGINT' | 'SIGTERM', number>> = { SIGINT: 130, SIGTERM: 143 };

class BadInput extends Error {
  constructor(readonly errors: string[]) {
    super(errors.join('\n'));
  }
}

function must<T>(c: Checked<T>): T {
  if (!c.ok) throw new BadInput(c.errors);
  return c.value;
}

function parseSeed(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(n) || n > 2 ** 32 - 1) throw new BadInput([`--seed must be an integer from 0 to 4294967295, got "${text}"`]);
  return n;
}

/** A policy given twice is refused rather than collapsed: the list may not be what was meant. */
function parsePolicies(text: string | undefined): PolicyName[] | undefined {
  if (text === undefined) return undefined;
  const list = text.split(',').map((p) => p.trim());
  const seen = new Set<string>();
  for (const p of list) {
    if (!(POLICIES as readonly string[]).includes(p)) throw new BadInput([`--policy: unknown policy "${p}"; choose from ${POLICIES.join(', ')}`]);
    if (seen.has(p)) throw new BadInput([`--policy: "${p}" is given more than once`]);
    seen.add(p);
  }
  return list as PolicyName[];
}

/** A path option's value: an empty one would resolve to the working directory and write there. */
function pathOption(option: string, value: string | undefined): string | undefined {
  if (value !== undefined && value.trim() === '') throw new BadInput([`${option} must not be empty`]);
  return value;
}

/**
 * Writes every file under a temporary name first, then renames them all, then moves the files
 * already written elsewhere (`moves`, staged event logs): no half-written output.
 * Call `checkOutputs` first; a failure here (disk full, a race) is still bad input, not a crash.
 */
function writeOutputs(option: string, files: Record<string, string>, moves: readonly [string, string][] = []): void {
  const temps: [string, string][] = [];
  try {
    for (const [path, content] of Object.entries(files)) {
      const temp = `${path}.tmp-${process.pid}`;
      temps.push([temp, path]);
      writeFileSync(temp, content);
    }
    for (const [temp, path] of temps) renameSync(temp, path);
    for (const [from, to] of moves) renameSync(from, to);
  } catch (err) {
    for (const [temp] of temps) rmSync(temp, { force: true });
    throw new BadInput([`${option}: cannot write ${dirname(temps.at(-1)?.[1] ?? '')} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`]);
  }
}

function openFromArg(file: string | undefined, seed: number | undefined): OpenedScenario {
  const opened = file === undefined ? openScenarioDocument(DEFAULT_SCENARIO, process.cwd(), seed) : openScenarioFile(file, seed);
  const value = must(opened);
  // The engine has the last word on a few things (window shapes): ask it before running. Its
  // messages name the service but not the file, so the file goes in front like every other message.
  const engine = setUpEngine(value.resolved, value.resolved.policies[0]!, () => {});
  if (!engine.ok) throw new BadInput(engine.errors.map((e) => `${file ?? 'the built-in default scenario'}: ${e}`));
  return value;
}

function progress(quiet: boolean, s: ResolvedScenario): { onProgress?: RunOptions['onProgress']; stop: () => void } {
  if (quiet || !process.stdout.isTTY) return { stop: () => {} };
  const bar = new cliProgress.SingleBar({ format: '{policy} [{bar}] {percentage}% of simulated time', hideCursor: true }, cliProgress.Presets.shades_classic);
  let current = '';
  return {
    onProgress: (policy, t) => {
      if (policy !== current) {
        if (current !== '') { bar.update(s.endAt); bar.stop(); }
        current = policy;
        bar.start(s.endAt, 0, { policy });
      }
      bar.update(Math.min(t, s.endAt), { policy });
    },
    stop: () => { if (current !== '') { bar.update(s.endAt); bar.stop(); } },
  };
}

/**
 * "44 of 117 campaigns done, 3 unfinished, 70 refused": every campaign of the workload in one of
 * the parts, so none hides. Unfinished as sim/recorder.ts counts it: created, and neither completed
 * nor ended on purpose (cancelled, expired), which show only when there are some.
 */
function campaignsText(m: PolicyMetrics): string {
  const c = m.campaigns;
  const refused = refusedCount(m);
  const unfinished = Math.max(0, c.created - c.completed - c.cancelled - c.expired);
  const ended = [c.cancelled > 0 ? `, ${c.cancelled} cancelled` : '', c.expired > 0 ? `, ${c.expired} expired` : ''].join('');
  return `${c.completed} of ${c.created + refused} campaigns done, ${unfinished} unfinished${ended}, ${refused} refused`;
}

function policyLine(m: PolicyMetrics): string {
  const c = m.campaigns;
  return [
    m.policy.padEnd(12),
    campaignsText(m).padEnd(56),
    `p50 ${formatDuration(c.completionMs.p50)}`.padEnd(14),
    `p99 ${formatDuration(c.completionMs.p99)}`.padEnd(14),
    // As the report says it: with nothing sent there is no share to judge.
    `Jain ${jainText(m)}`.padEnd(12),
    `${m.outcomes.sent} sent`.padEnd(14),
    `violations ${m.violationCount}`.padEnd(14),
    `${m.sendsPerSecond} sends/s`,
  ].join(' ');
}

interface SimFlags { seed?: string; policy?: string; out?: string; events?: string; quiet?: boolean; hash: boolean; check: boolean }

const OUT_FILES = ['summary.json', 'report.md', 'report.html'];

/**
 * The event log files, one per policy; refused when one would overwrite a report file (the log
 * would be lost), when the path is `-` (stdout carries the summary lines, and a log mixed into
 * them would be neither) or a directory (with several policies the logs would go next to it).
 * Overwriting the scenario or its trace is refused by `checkOutputs`.
 */
function eventFiles(events: string | undefined, out: string, policies: readonly PolicyName[]): string[] {
  if (events === undefined) return [];
  if (events === '-') throw new BadInput(['--events -: the event log cannot go to standard output (it carries the summary lines); give a file name']);
  const path = resolvePath(events);
  if (existsSync(path) && statSync(path).isDirectory()) throw new BadInput([`--events: ${path} is a directory; give a file name`]);
  if (/[/\\]$/.test(events)) throw new BadInput([`--events: ${events} ends with a path separator, so it names a directory; give a file name`]);
  const files = policies.map((p) => eventsPathFor(path, p, policies.length > 1));
  const clash = files.find((f) => OUT_FILES.some((o) => entryPath(join(out, o)) === entryPath(f)));
  if (clash !== undefined) throw new BadInput([`--events: ${clash} is also written by --out (${OUT_FILES.join(', ')}); choose another file`]);
  return files;
}

/** The files a run reads (the scenario, each trace), which its outputs must not replace. */
function inputFiles(file: string | undefined, scenarios: readonly Scenario[]): Map<string, string> {
  if (file === undefined) return new Map();
  const baseDir = dirname(resolvePath(file));
  const traces = scenarios.flatMap((s) => (s.trace ? [[resolvePath(baseDir, s.trace.file), "the scenario's trace file"] as const] : []));
  return inputPaths([[file, 'the scenario file'], ...traces]);
}

async function simCommand(file: string | undefined, flags: SimFlags): Promise<number> {
  const seed = parseSeed(flags.seed);
  const policies = parsePolicies(flags.policy);
  const out = resolvePath(pathOption('--out', flags.out) ?? 'reports/sim');
  pathOption('--events', flags.events);
  const { scenario, resolved } = openFromArg(file, seed);
  const events = eventFiles(flags.events, out, policies ?? resolved.policies);
  const targets: OutputTarget[] = [{ option: '--out', dir: out, files: OUT_FILES }];
  if (events.length > 0) targets.push({ option: '--events', dir: dirname(events[0]!), files: events.map((f) => basename(f)) });
  const created = must(checkOutputs(targets, inputFiles(file, [scenario])));
  // Event logs are written into a directory of this run's own and renamed with the reports at the end.
  const staging = events.length === 0 ? null : join(dirname(events[0]!), `.fairsend-events.tmp-${process.pid}`);
  const removeStaging = (): void => { if (staging !== null) rmSync(staging, { recursive: true, force: true }); };
  const cleanUp = (): void => { removeStaging(); removeCreated(created); };
  const bar = progress(flags.quiet ?? false, resolved);
  let release = (): void => {};
  let result: SimDone;
  try {
    if (staging !== null) mkdirSync(staging);
    const worker = startWorker({
      resolved,
      options: {
        ...(policies ? { policies } : {}),
        ...(staging === null ? {} : { eventsPath: join(staging, basename(resolvePath(flags.events!))) }),
        hashEvents: flags.hash,
        checkInvariants: flags.check,
      },
      progress: bar.onProgress !== undefined,
    });
    release = trapSignals(() => worker.terminate(), cleanUp, bar);
    result = await resultOf(worker, bar);
    bar.stop();
    writeOutputs('--out', {
      [join(out, 'summary.json')]: `${JSON.stringify(result.summary, null, 2)}\n`,
      [join(out, 'report.md')]: result.markdown,
      [join(out, 'report.html')]: result.html,
    }, events.map((f) => [join(staging!, basename(f)), f]));
  } catch (err) {
    bar.stop();
    cleanUp();
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== undefined && (err as NodeJS.ErrnoException).syscall !== undefined) throw new BadInput([`--events: cannot write ${flags.events === undefined ? out : resolvePath(flags.events)} (${code})`]);
    throw err;
  } finally {
    // A signal during the (synchronous) writing is handled after it: by then the outputs are
    // complete, and releasing here drops it rather than exit 130 over finished work.
    release();
  }
  removeStaging();
  return simSummary(resolved, result, out);
}

type SimDone = Extract<SimReply, { type: 'done' }>;

/** The worker's failure as an Error again, with the code and syscall that tell a write error from a bug. */
function workerError(reply: Extract<SimReply, { type: 'failed' }>): Error {
  const err = new Error(reply.message) as NodeJS.ErrnoException;
  if (reply.stack !== undefined) err.stack = reply.stack;
  if (reply.code !== undefined) err.code = reply.code;
  if (reply.syscall !== undefined) err.syscall = reply.syscall;
  return err;
}

/**
 * Starts the simulation in a worker (sim/sim-worker.ts): the main thread stays free to handle
 * SIGINT and SIGTERM at once. The worker loads TypeScript the way bin/fairsend.js does.
 */
function startWorker(job: SimJob): Worker {
  const boot = `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((tsx) => { tsx.register(); return import(${JSON.stringify(new URL('./sim-worker.ts', import.meta.url).href)}); });`;
  return new Worker(boot, { eval: true, workerData: job });
}

function resultOf(worker: Worker, bar: ReturnType<typeof progress>): Promise<SimDone> {
  return new Promise((done, fail) => {
    worker.on('message', (reply: SimReply) => {
      if (reply.type === 'progress') bar.onProgress?.(reply.policy, reply.t);
      else if (reply.type === 'done') done(reply);
      else fail(workerError(reply));
    });
    worker.on('error', fail);
    // After 'done' this is a no-op: a settled promise stays settled.
    worker.on('exit', (code) => fail(new Error(`the simulation worker exited with code ${code} before finishing`)));
  });
}

/**
 * Until the returned function is called, SIGINT or SIGTERM stops the work, removes what this run
 * created and exits 130 or 143, renaming nothing (earlier outputs stay as they were).
 */
function trapSignals(stop: () => Promise<unknown>, cleanUp: () => void, bar: ReturnType<typeof progress>): () => void {
  const onSignal = (signal: 'SIGINT' | 'SIGTERM'): void => {
    bar.stop();
    // Wait for the worker to stop before removing its files, or it could create one afterwards.
    void stop().then(() => {
      cleanUp();
      console.error(`interrupted by ${signal}: nothing written`);
      process.exit(EXIT_SIGNAL[signal]);
    });
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return () => {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  };
}

function simSummary(resolved: ResolvedScenario, run: { policies: PolicyMetrics[]; expectations: ExpectationResult[]; pass: boolean }, out: string): number {
  console.log(`${resolved.name} (seed ${resolved.seed}): ${resolved.users.length} users, ${resolved.services.length} services, ${resolved.arrivals.length} campaigns, ${resolved.totalRecipients} recipients`);
  for (const m of run.policies) console.log(`  ${policyLine(m)}`);
  for (const e of run.expectations) console.log(`  ${e.pass ? 'PASS' : 'FAIL'} ${e.description} [${e.policy}]: ${e.actual}`);
  console.log(`report: ${join(out, 'report.html')} (also report.md, summary.json)`);
  if (!run.pass) {
    const failed = run.expectations.filter((e) => !e.pass).map((e) => `${e.description} [${e.policy}]: ${e.actual}`);
    console.error(`expectation failed: ${failed.join('; ')}`);
    return EXIT_EXPECTATION;
  }
  return 0;
}

interface SweepFlags { vary: string[]; seed?: string; policy?: string; out?: string; quiet?: boolean }

function sweepCommand(file: string, flags: SweepFlags): number {
  const seed = parseSeed(flags.seed);
  const policy = parsePolicies(flags.policy);
  if (policy && policy.length !== 1) throw new BadInput(['sweep: --policy takes a single policy']);
  const vars: Variation[] = [...must(checkVariations(flags.vary.map((v) => must(parseVary(v)))))];
  const combos = combinations(vars);
  if (combos.length > MAX_SWEEP_POINTS) throw new BadInput([`sweep: ${combos.length} combinations; at most ${MAX_SWEEP_POINTS} are allowed`]);
  const out = resolvePath(pathOption('--out', flags.out) ?? 'reports/sweep');
  const doc = must(readScenarioDocument(file));
  const baseDir = dirname(resolvePath(file));
  // Validate every point before running any, so that a bad value writes nothing.
  const pointScenarios = combos.map((combo) => {
    let d: unknown = doc;
    combo.forEach((value, k) => { d = must(setPath(d, vars[k]!.path, value)); });
    // A point may leave services out (`--vary services.x.count=0,…`): a configuration that fails.
    const o = openScenarioDocument(d, baseDir, seed, { sweepPoint: true });
    if (!o.ok) throw new BadInput(o.errors.map((e) => `${file} with ${combo.map((v, k) => `${vars[k]!.path}=${v}`).join(' ')}: ${e}`));
    const engine = setUpEngine(o.value.resolved, o.value.resolved.policies[0]!, () => {});
    if (!engine.ok) throw new BadInput(engine.errors.map((e) => `${file} with ${combo.map((v, k) => `${vars[k]!.path}=${v}`).join(' ')}: ${e}`));
    return o.value;
  });
  const opened = pointScenarios.map((o) => o.resolved);
  // Each point may read another trace (`--vary trace.file=…`): none of them may be replaced.
  const inputs = inputFiles(file, pointScenarios.map((o) => o.scenario));
  const created = must(checkOutputs([{ option: '--out', dir: out, files: ['sweep.json', 'report.md', 'report.html'] }], inputs));
  const chosen = policy?.[0] ?? opened[0]!.policies[0]!;
  const points: SweepPoint[] = opened.map((resolved, i) => {
    const run = runScenario(resolved, { policies: [chosen], hashEvents: false });
    const m = run.report.policies[0]!;
    const unserved = unservedUsers(resolved);
    const shutOut = unserved.length === 0 ? [] : [`every tenant has a service (${unserved.length} ${unserved.length === 1 ? 'has' : 'have'} none, e.g. "${unserved[0]}")`];
    const point: SweepPoint = {
      values: combos[i]!.map((value, k) => ({ path: vars[k]!.path, value })),
      p99CompletionMs: m.campaigns.completionMs.p99,
      refused: refusedCount(m),
      campaigns: m.campaigns.created + refusedCount(m),
      utilisation: weightedUtilisation(resolved.services, m),
      pass: run.pass && shutOut.length === 0,
      failed: [...shutOut, ...run.report.expectations.filter((e) => !e.pass).map((e) => e.description)],
    };
    if (!flags.quiet) console.log(`  ${point.values.map((v) => `${v.path}=${v.value}`).join(' ')}: p99 ${formatDuration(point.p99CompletionMs)}, ${refusedText(point)} campaigns refused, utilisation (capacity-weighted) ${(point.utilisation * 100).toFixed(1)}%, ${point.pass ? 'meets' : 'misses'} expectations`);
    return point;
  });
  const first = opened[0]!;
  const expectations = evaluateDescriptions(first);
  const input = sweepInput(first.name, first.seed, chosen, vars, points, expectations);
  const rendered = renderSweepReport(input);
  try {
    writeOutputs('--out', { [join(out, 'sweep.json')]: `${JSON.stringify(input, null, 2)}\n`, [join(out, 'report.md')]: rendered.markdown, [join(out, 'report.html')]: rendered.html });
  } catch (err) {
    removeCreated(created);
    throw err;
  }
  const best = input.smallestPassing === null ? null : points[input.smallestPassing]!;
  console.log(best === null ? 'no configuration meets the expectations' : `smallest configuration meeting the expectations: ${best.values.map((v) => `${v.path}=${v.value}`).join(' ')}`);
  console.log(`report: ${join(out, 'report.html')} (also report.md, sweep.json)`);
  return best === null ? EXIT_EXPECTATION : 0;
}

function evaluateDescriptions(s: ResolvedScenario): string[] {
  const e = s.expectations;
  if (!e) return [];
  const out: string[] = [];
  if (e.p50CompletionMs !== undefined) out.push(`p50 campaign completion ≤ ${formatDuration(e.p50CompletionMs)}`);
  if (e.p90CompletionMs !== undefined) out.push(`p90 campaign completion ≤ ${formatDuration(e.p90CompletionMs)}`);
  if (e.p99CompletionMs !== undefined) out.push(`p99 campaign completion ≤ ${formatDuration(e.p99CompletionMs)}`);
  if (e.maxCompletionMs !== undefined) out.push(`longest campaign completion ≤ ${formatDuration(e.maxCompletionMs)}`);
  if (e.p99FirstSendMs !== undefined) out.push(`p99 time to first send ≤ ${formatDuration(e.p99FirstSendMs)}`);
  if (e.minJainIndex !== undefined) out.push(`Jain's fairness index ≥ ${formatRatio(e.minJainIndex)}`);
  if (e.maxUnfinished !== undefined) out.push(`unfinished campaigns ≤ ${e.maxUnfinished}`);
  if (e.maxRefused !== undefined) out.push(`campaigns refused at creation ≤ ${e.maxRefused}`);
  out.push(`invariant violations ≤ ${e.maxViolations}`);
  return out;
}

/** The verdict, then what the scenario resolves to (bounded: identical services are one line). */
function validateCommand(file: string): number {
  const opened = openFromArg(file, undefined);
  const { resolved } = opened;
  console.log(`${file}: valid — ${resolved.users.length} users, ${resolved.services.length} services, ${resolved.arrivals.length} campaigns, ${resolved.totalRecipients} recipients`);
  for (const line of resolvedView(opened, evaluateDescriptions(resolved))) console.log(`  ${line}`);
  return 0;
}

function schemaCommand(flags: { out?: string }): number {
  const text = `${JSON.stringify(scenarioJsonSchema(), null, 2)}\n`;
  if (flags.out === undefined) process.stdout.write(text);
  else {
    const file = resolvePath(pathOption('--out', flags.out)!);
    must(checkOutputs([{ option: '--out', dir: dirname(file), files: [basename(file)] }]));
    writeOutputs('--out', { [file]: text });
  }
  return 0;
}

/** Runs a command body, mapping bad input to exit 2 with its messages on stderr. */
function guarded<A extends unknown[]>(body: (...args: A) => number | Promise<number>): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      process.exitCode = await body(...args);
    } catch (err) {
      if (!(err instanceof BadInput)) throw err;
      for (const line of err.errors) console.error(`error: ${line}`);
      process.exitCode = EXIT_BAD_INPUT;
    }
  };
}

export function registerSimCommands(program: Command): void {
  program
    .command('sim')
    .description('simulate a scenario (default: a built-in realistic platform day) under one or more policies and write a report')
    .argument('[scenario]', 'scenario file (JSON or YAML); omit for the built-in default')
    .option('--seed <n>', 'seed for every random stream (overrides the scenario)')
    .option('--policy <list>', `comma-separated policies to compare (${POLICIES.join(', ')})`)
    .option('--out <dir>', 'where to write summary.json, report.md and report.html', 'reports/sim')
    .option('--events <file>', 'write the event log as JSON Lines to this file (not a directory); with several policies one file each, named <stem>.<policy><ext>: ev.jsonl gives ev.fair.jsonl, ev.fifo.jsonl, … (no extension: .jsonl)')
    .option('--quiet', 'no progress bar')
    .addOption(new Option('--no-hash', 'skip hashing the event stream (speed measurements)'))
    .addOption(new Option('--no-check', 'skip the invariant checkers (speed measurements; violations then read 0)'))
    .action(guarded((file: string | undefined, flags: SimFlags) => simCommand(file, flags)));
  program
    .command('sweep')
    .description('run a scenario at every combination of parameter values; report p99 completion and capacity-weighted utilisation')
    .argument('<scenario>', 'scenario file (JSON or YAML)')
    .option('--vary <path=v1,v2,...>', 'a scenario path and its values, e.g. services.workspace.count=5,10,20 (repeatable)', (v: string, acc: string[]) => [...acc, v], [] as string[])
    .option('--seed <n>', 'seed (overrides the scenario)')
    .option('--policy <name>', 'policy to run (default: the scenario\'s first)')
    .option('--out <dir>', 'where to write sweep.json, report.md and report.html', 'reports/sweep')
    .option('--quiet', 'print only the verdict')
    .action(guarded((file: string, flags: SweepFlags) => sweepCommand(file, flags)));
  program
    .command('validate')
    .description('check a scenario file and print what it resolves to')
    .argument('<scenario>', 'scenario file (JSON or YAML)')
    .action(guarded((file: string) => validateCommand(file)));
  program
    .command('schema')
    .description('print the JSON Schema of scenario files (or write it with --out)')
    .option('--out <file>', 'write the schema to this file')
    .action(guarded((flags: { out?: string }) => schemaCommand(flags)));
}
