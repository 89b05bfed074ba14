// The gate's decision, as a pure function of the thresholds kept in the repository and the figures
// of one run. Ratios compare contenders measured in the same run (never absolute times, which vary
// up to 2x between runs on a shared machine); counts and fairness do not depend on the machine.

import { z } from 'zod';
import type { FairnessSummary } from './exact-checks.ts';
import type { Measurement } from './measure.ts';
import { fmt, formatRatio } from './format.ts';

const RatioRule = z.object({
  numerator: z.string().min(1),
  denominator: z.string().min(1),
  min: z.number().positive(),
  why: z.string().optional(),
});
// A count is either exact (`equals`) or a ceiling (`atMost`: doing less work passes).
const CountRule = z.object({
  name: z.string().min(1),
  equals: z.number().optional(),
  atMost: z.number().optional(),
  why: z.string().optional(),
}).refine((rule) => (rule.equals === undefined) !== (rule.atMost === undefined), {
  message: 'give exactly one of equals (an exact count) or atMost (a ceiling)',
});

export const ThresholdsSchema = z.object({
  $comment: z.string().optional(),
  scale: z.enum(['small', 'medium', 'large']),
  windowMs: z.number().int().positive(),
  ratios: z.array(RatioRule).min(1),
  counts: z.array(CountRule),
});
export type Thresholds = z.infer<typeof ThresholdsSchema>;

export type Parsed<T> = { ok: true; value: T } | { ok: false; message: string };

export function parseThresholds(json: unknown, source: string): Parsed<Thresholds> {
  const parsed = ThresholdsSchema.safeParse(json);
  if (parsed.success) return { ok: true, value: parsed.data };
  const lines = parsed.error.issues.map((issue) => `${source}: ${pathText(issue.path)}: ${issue.message}`);
  return { ok: false, message: lines.join('\n') };
}

// ['ratios', 0, 'min'] -> 'ratios[0].min'
function pathText(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(root)';
  return path.map((key, i) => (typeof key === 'number' ? `[${key}]` : `${i === 0 ? '' : '.'}${String(key)}`)).join('');
}

export interface GateFigures {
  readonly measurements: readonly Measurement[];
  readonly counts: Readonly<Record<string, number>>;
  readonly userFairness: FairnessSummary;
  readonly taskFairness: FairnessSummary;
}

export interface GateLine { readonly ok: boolean; readonly text: string }
export interface GateVerdict { readonly ok: boolean; readonly lines: readonly GateLine[] }

function ratioLine(rule: Thresholds['ratios'][number], index: number, byId: ReadonlyMap<string, Measurement>): GateLine {
  const num = byId.get(rule.numerator);
  const den = byId.get(rule.denominator);
  const where = `ratios[${index}]`;
  if (num === undefined || den === undefined) {
    const missing = num === undefined ? rule.numerator : rule.denominator;
    return { ok: false, text: `${where}: no measurement named ${missing} in this run` };
  }
  const ratio = num.unitsPerSec / den.unitsPerSec;
  const text = `${where}: ${rule.numerator} / ${rule.denominator} = ${formatRatio(ratio)} ` +
    `(${fmt(num.unitsPerSec)} vs ${fmt(den.unitsPerSec)} ${num.unit}/s)`;
  return ratio >= rule.min
    ? { ok: true, text: `${text}, threshold ${rule.min}x` }
    : { ok: false, text: `${text} is below the threshold ${rule.min}x` };
}

function countLine(rule: Thresholds['counts'][number], index: number, counts: Readonly<Record<string, number>>): GateLine {
  const where = `counts[${index}]`;
  const actual = counts[rule.name];
  if (actual === undefined) return { ok: false, text: `${where}: no count named "${rule.name}" in this run` };
  if (rule.atMost !== undefined) {
    return actual <= rule.atMost
      ? { ok: true, text: `${where}: ${rule.name} = ${actual}, at most ${rule.atMost}` }
      : { ok: false, text: `${where}: ${rule.name} = ${actual}, above the ceiling ${rule.atMost}` };
  }
  return actual === rule.equals
    ? { ok: true, text: `${where}: ${rule.name} = ${actual}, as required` }
    : { ok: false, text: `${where}: ${rule.name} = ${actual}, required exactly ${rule.equals}` };
}

function fairnessLine(what: string, summary: FairnessSummary): GateLine {
  return summary.ok
    ? { ok: true, text: `fairness between ${what}: ${fmt(summary.pairs)} pairs in ${fmt(summary.groups)} groups within the bound` }
    : { ok: false, text: `fairness between ${what}: ${summary.violation ?? 'violated'}` };
}

export function evaluateGate(thresholds: Thresholds, figures: GateFigures): GateVerdict {
  const byId = new Map(figures.measurements.map((m) => [m.id, m]));
  const lines: GateLine[] = [
    ...thresholds.ratios.map((rule, i) => ratioLine(rule, i, byId)),
    ...thresholds.counts.map((rule, i) => countLine(rule, i, figures.counts)),
    fairnessLine('users with the same services', figures.userFairness),
    fairnessLine("each user's tasks", figures.taskFairness),
  ];
  return { ok: lines.every((line) => line.ok), lines };
}
