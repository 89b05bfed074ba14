// Writes the benchmark report: reports/bench/latest.json (everything, for tools) and latest.md
// (the tables a person reads). Files are written to a temporary name and renamed, so a failed run
// never leaves a half-written report.

import { cpus, totalmem, loadavg, platform, arch } from 'node:os';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { ExactChecks } from './exact-checks.ts';
import { fmt, formatRatio } from './format.ts';
import type { Measurement } from './measure.ts';
import type { MemoryFigures } from './memory.ts';

export interface MachineInfo {
  readonly cpuModel: string;
  readonly cores: number;
  readonly node: string;
  readonly platform: string;
  readonly totalMemoryGiB: number;
  readonly loadAverage1m: number;
}

export interface Ratio { readonly numerator: string; readonly denominator: string; readonly ratio: number }
export interface Target { readonly name: string; readonly target: string; readonly measured: string; readonly met: boolean | null }
export type SimulatorFigure =
  | { readonly status: 'pending'; readonly reason: string }
  | { readonly status: 'measured'; readonly scenario: string; readonly sends: number; readonly wallMs: number; readonly sendsPerSec: number; readonly simulatorSendsPerSec?: number; readonly eventsPerSend?: number };

export interface BenchReport {
  readonly kind: 'fairsend-bench';
  readonly mode: 'full' | 'gate';
  readonly generatedAt: string;
  readonly command: string;
  readonly machine: MachineInfo;
  readonly measurements: readonly Measurement[];
  readonly ratios: readonly Ratio[];
  readonly checks: readonly ExactChecks[];
  readonly memory: MemoryFigures | null;
  readonly simulator: SimulatorFigure;
  readonly targets: readonly Target[];
}

export function machineInfo(): MachineInfo {
  const list = cpus();
  return {
    cpuModel: list[0]?.model.trim() ?? 'unknown',
    cores: list.length,
    node: process.version,
    platform: `${platform()} ${arch()}`,
    totalMemoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    loadAverage1m: Math.round(loadavg()[0]! * 100) / 100,
  };
}

export function ratio(measurements: readonly Measurement[], numerator: string, denominator: string): Ratio | null {
  const num = measurements.find((m) => m.id === numerator);
  const den = measurements.find((m) => m.id === denominator);
  if (num === undefined || den === undefined) return null;
  return { numerator, denominator, ratio: num.unitsPerSec / den.unitsPerSec };
}

export function commandLine(script: string): string {
  const args = process.argv.slice(2);
  return args.length === 0 ? script : `${script} -- ${args.join(' ')}`;
}

function ms(value: number): string {
  return value >= 100 ? value.toFixed(0) : value >= 1 ? value.toFixed(2) : value.toFixed(4);
}

function measurementTable(rows: readonly Measurement[], headline: string | null): string[] {
  const lead = headline === null ? undefined : rows.find((m) => m.id === headline);
  const lines = [
    '| case | units/s (median) | median ms / iter | p99 ms / iter | iter/s | units / iter | setup ms | ' + (lead ? 'engine-fair ÷ this |' : ''),
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: |' + (lead ? ' ---: |' : ''),
  ];
  for (const m of rows) {
    const cells = [m.id, `${fmt(m.unitsPerSec)} ${m.unit}/s`, ms(m.medianMs), ms(m.p99Ms), fmt(m.opsPerSec), fmt(m.unitsPerIteration), fmt(m.setupMs)];
    if (lead) cells.push(m.id === lead.id ? '1' : formatRatio(lead.unitsPerSec / m.unitsPerSec));
    if (m.inexactIterations > 0) cells[0] += ` (**${m.inexactIterations} inexact iterations**)`;
    lines.push(`| ${cells.join(' | ')} |`);
  }
  return lines;
}

function checksSection(checks: readonly ExactChecks[]): string[] {
  if (checks.length === 0) return [];
  const lines = ['## Exact checks (machine-independent)', '',
    '| scale / policy | window ms | decisions (expected) | last poll ms (expected) | events in window | queue ops / decision | entry moves / decision | user fairness | task fairness |',
    '| --- | ---: | ---: | ---: | --- | ---: | ---: | --- | --- |'];
  for (const c of checks) {
    const events = Object.entries(c.eventCounts).map(([type, n]) => `${type} ${fmt(n)}`).join(', ');
    const fair = (f: ExactChecks['userFairness']): string => (f.ok ? `ok (${fmt(f.pairs)} pairs)` : `**FAIL**: ${f.violation}`);
    lines.push(`| ${c.scale} / ${c.policy} | ${c.windowMs} | ${fmt(c.decisions)} (${fmt(c.expectedDecisions)}) | ` +
      `${c.lastPollAtMs} (${c.expectedLastPollAtMs}) | ${events} | ${(c.heapWork.operations / c.decisions).toFixed(3)} | ` +
      `${(c.heapWork.moves / c.decisions).toFixed(3)} | ${fair(c.userFairness)} | ${fair(c.taskFairness)} |`);
  }
  return [...lines, ''];
}

export function renderMarkdown(report: BenchReport): string {
  const groups = [...new Set(report.measurements.map((m) => m.group))];
  const out: string[] = [`# fairsend benchmark (${report.mode})`, '',
    `Generated ${report.generatedAt} by \`${report.command}\` on ${report.machine.cpuModel}, ${report.machine.cores} cores, ` +
    `node ${report.machine.node}, ${report.machine.platform}, load average ${report.machine.loadAverage1m}.`, ''];
  if (report.targets.length > 0) {
    out.push('## Targets', '', '| target | floor | measured | met |', '| --- | --- | --- | --- |');
    for (const t of report.targets) out.push(`| ${t.name} | ${t.target} | ${t.measured} | ${t.met === null ? 'n/a' : t.met ? 'yes' : '**no**'} |`);
    out.push('');
  }
  for (const group of groups) {
    const rows = report.measurements.filter((m) => m.group === group);
    const headline = rows.some((m) => m.id === `${group}/engine-fair`) ? `${group}/engine-fair` : null;
    out.push(`## ${group}`, '', ...measurementTable(rows, headline), '');
  }
  out.push(...checksSection(report.checks));
  if (report.memory !== null) {
    const m = report.memory;
    out.push('## Memory (forced GC before and after)', '', '| figure | bytes |', '| --- | ---: |',
      `| heap per active task (${fmt(m.sizes.activeTasks)} tasks) | ${m.bytesPerActiveTask.toFixed(0)} |`,
      `| heap per pending recipient, count form (${fmt(m.sizes.countTasks)} tasks x ${fmt(m.sizes.bigRecipients)}) | ${m.bytesPerPendingRecipientCountForm.toFixed(4)} |`,
      `| heap per pending recipient beyond the input, address form (${fmt(m.sizes.addressRecipients)}) | ${m.bytesPerPendingRecipientAddressForm.toFixed(4)} |`, '');
  }
  out.push('## Simulator end to end', '');
  const sim = report.simulator;
  out.push(sim.status === 'pending' ? `Pending: ${sim.reason}` :
    `${sim.scenario}: ${fmt(sim.sends)} sends in ${fmt(sim.wallMs)} ms of wall time = **${fmt(sim.sendsPerSec)} sends/s**` +
    (sim.simulatorSendsPerSec === undefined ? '' : ` (the simulator's own figure: ${fmt(sim.simulatorSendsPerSec)} sends/s)`) +
    (sim.eventsPerSend === undefined ? '' : `; engine events per simulated send on the small seeded scenario: ${sim.eventsPerSend}`), '');
  return out.join('\n');
}

function writeAtomically(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, text);
  renameSync(temp, path);
}

export function writeReport(report: BenchReport, jsonPath: string, markdownPath: string): void {
  const markdown = renderMarkdown(report);
  writeAtomically(jsonPath, `${JSON.stringify(report, null, 2)}\n`);
  writeAtomically(markdownPath, `${markdown}\n`);
}
