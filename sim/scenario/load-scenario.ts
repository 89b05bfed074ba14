// Reading a scenario file: parse JSON or YAML, validate against the schema, and turn every problem
// into one line that names the file, the field's path and the bad value. Bad input is an expected
// refusal here, so it is a value (`{ ok: false, errors }`), never an exception.
import { readFileSync } from 'node:fs';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import type { z } from 'zod';
import { scenarioSchema } from './schema.ts';
import type { Scenario } from './schema.ts';

export type Checked<T> = { ok: true; value: T } | { ok: false; errors: string[] };

/** `['services', 3, 'intervalMs']` → `services[3].intervalMs`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out === '' ? '(root)' : out;
}

function showValue(value: unknown): string {
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  const text = JSON.stringify(value);
  if (text === undefined) return String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** One message per zod issue, phrased "<path> <message>, got <value>". */
export function formatIssues(issues: readonly z.core.$ZodIssue[]): string[] {
  return issues.slice(0, 20).map((issue) => {
    const path = formatPath(issue.path);
    if (issue.path.length === 0 && issue.code === 'invalid_type') return `the file must hold a scenario (a mapping of fields), got ${showValue(issue.input)}`;
    if (issue.code === 'unrecognized_keys') return `${path}: unknown field(s) ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
    if (issue.input === undefined) return `${path} is required (${issue.message})`;
    return `${path} ${issue.message}, got ${showValue(issue.input)}`;
  });
}

/** Validates an already-parsed document. */
export function validateScenario(doc: unknown): Checked<Scenario> {
  const parsed = scenarioSchema.safeParse(doc, { reportInput: true });
  if (parsed.success) return { ok: true, value: parsed.data };
  return { ok: false, errors: formatIssues(parsed.error.issues) };
}

/** Parses scenario text; YAML is a superset of JSON, but JSON files get JSON's sharper errors. */
export function parseScenarioText(text: string, fileName: string): Checked<unknown> {
  try {
    if (/\.json$/i.test(fileName)) return { ok: true, value: JSON.parse(text) };
    return { ok: true, value: parseYaml(text, { maxAliasCount: 100 }) };
  } catch (err) {
    if (err instanceof YAMLParseError) {
      const line = err.linePos?.[0];
      const where = line ? `line ${line.line}, column ${line.col}` : 'unknown position';
      return { ok: false, errors: [`${fileName}: ${where}: ${err.message.split('\n')[0]}`] };
    }
    if (err instanceof SyntaxError) return { ok: false, errors: [`${fileName}: malformed JSON: ${err.message}`] };
    throw err;
  }
}

/** Reads, parses and validates a scenario file. */
export function readScenarioDocument(file: string): Checked<unknown> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    return { ok: false, errors: [`${file}: cannot read: ${(err as Error).message}`] };
  }
  if (text.length > 50_000_000) return { ok: false, errors: [`${file}: larger than 50 MB; use a trace file for long task lists`] };
  return parseScenarioText(text, file);
}
