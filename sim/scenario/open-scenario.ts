// The imperative edge of scenario handling: read the file (and its trace), validate, resolve.
// Everything below it is pure; everything it returns is either a resolved scenario or the list of
// messages to print before exiting with code 2.
import { readFileSync } from 'node:fs';
import { dirname, resolve as resolvePath } from 'node:path';
import { readScenarioDocument, validateScenario } from './load-scenario.ts';
import type { Checked } from './load-scenario.ts';
import { resolveScenario } from './resolve-scenario.ts';
import type { ResolvedScenario } from './resolve-scenario.ts';
import type { Scenario } from './schema.ts';
import { parseTrace, traceFormatOf } from './trace.ts';
import type { TraceRow } from './trace.ts';

export interface OpenedScenario {
  scenario: Scenario;
  resolved: ResolvedScenario;
  /** Campaigns replayed from the trace (0 without one), which `fairsend validate` shows apart. */
  traceRows: number;
}

function readTrace(scenario: Scenario, baseDir: string): Checked<TraceRow[]> {
  if (!scenario.trace) return { ok: true, value: [] };
  const file = resolvePath(baseDir, scenario.trace.file);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    return { ok: false, errors: [`trace.file: cannot read ${file}: ${(err as Error).message}`] };
  }
  return parseTrace(text, traceFormatOf(file, scenario.trace.format), file, scenario.durationMs, scenario.trace.ignoreColumns);
}

/**
 * Validates and resolves a parsed document; `baseDir` anchors a relative trace path. `sweepPoint`
 * is for sweeps (see ResolveOptions).
 */
export function openScenarioDocument(doc: unknown, baseDir: string, seed?: number, options: { sweepPoint?: boolean } = {}): Checked<OpenedScenario> {
  const valid = validateScenario(doc);
  if (!valid.ok) return valid;
  const rows = readTrace(valid.value, baseDir);
  if (!rows.ok) return rows;
  const resolved = resolveScenario(valid.value, { traceRows: rows.value, ...(seed === undefined ? {} : { seed }), ...options });
  if (!resolved.ok) return resolved;
  return { ok: true, value: { scenario: valid.value, resolved: resolved.value, traceRows: rows.value.length } };
}

export function openScenarioFile(file: string, seed?: number): Checked<OpenedScenario> {
  const doc = readScenarioDocument(file);
  if (!doc.ok) return doc;
  const opened = openScenarioDocument(doc.value, dirname(resolvePath(file)), seed);
  return opened.ok ? opened : { ok: false, errors: opened.errors.map((e) => `${file}: ${e}`) };
}
