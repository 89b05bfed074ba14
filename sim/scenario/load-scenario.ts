// Reading a scenario file: parse JSON or YAML, validate against the schema, and turn every problem
// into one line that names the file, the field's path and the bad value. Bad input is an expected
// refusal here, so it is a value (`{ ok: false, errors }`), never an exception.
import { readFileSync } from 'node:fs';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import type { z } from 'zod';
import { NESTING_MESSAGE, nestedTooDeep } from './nesting-depth.ts';
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

/** How a type zod expected reads in a message about a scenario file. */
const EXPECTED: Readonly<Record<string, string>> = {
  array: 'a list', object: 'a mapping of fields', string: 'a string', number: 'a number', boolean: 'true or false',
};

/**
 * One message per zod issue, phrased "<path> <message>, got <value>"; each message once (1e20 for
 * an integer up to N fails both "integer" and "at most N", which share one wording).
 */
export function formatIssues(issues: readonly z.core.$ZodIssue[]): string[] {
  return [...new Set(issues.slice(0, 20).map((issue) => {
    const path = formatPath(issue.path);
    if (issue.path.length === 0 && issue.code === 'invalid_type') return `the file must hold a scenario (a mapping of fields), got ${showValue(issue.input)}`;
    if (issue.code === 'unrecognized_keys') return `${path}: unknown field(s) ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
    // zod's own wording ("Invalid input: expected array, received null") where no field has its own.
    if (issue.code === 'invalid_type' && issue.input !== undefined && issue.message.startsWith('Invalid input') && issue.expected in EXPECTED) {
      return `${path} must be ${EXPECTED[issue.expected]}, got ${showValue(issue.input)}`;
    }
    if (issue.input === undefined) return `${path} is required (${issue.message})`;
    return `${path} ${issue.message}, got ${showValue(issue.input)}`;
  }))];
}

/** Validates an already-parsed document. */
export function validateScenario(doc: unknown): Checked<Scenario> {
  const parsed = scenarioSchema.safeParse(doc, { reportInput: true });
  if (parsed.success) return { ok: true, value: parsed.data };
  return { ok: false, errors: formatIssues(parsed.error.issues) };
}

/** Parses JSON, or YAML with a bound on alias expansion (a few lines can otherwise expand to gigabytes). */
function parseText(text: string, fileName: string): unknown {
  if (/\.json$/i.test(fileName)) return JSON.parse(text);
  // Warnings (an unresolved tag) would go to stderr as Node warnings; what they leave is validated anyway.
  return parseYaml(text, { maxAliasCount: MAX_ALIAS_COUNT, logLevel: 'error' });
}

const MAX_ALIAS_COUNT = 100;

/** "line L, column C: " for the character offset V8 puts in a JSON syntax error, as YAML errors say. */
function jsonPosition(text: string, message: string): string {
  const m = /at position (\d+)/.exec(message);
  if (m === null) return '';
  const offset = Math.min(Number(m[1]), text.length);
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return `line ${line}, column ${offset - before.lastIndexOf('\n')}: `;
}

/**
 * Parses scenario text; YAML is a superset of JSON, but JSON files get JSON's sharper errors.
 * Every failure of hostile input is a refusal naming the file: the yaml package throws a
 * ReferenceError for an alias bomb and reports a stack overflow on deep nesting as a parse error.
 */
export function parseScenarioText(text: string, fileName: string): Checked<unknown> {
  let value: unknown;
  try {
    value = parseText(text, fileName);
  } catch (err) {
    if (err instanceof YAMLParseError) {
      const line = err.linePos?.[0];
      const where = line ? `line ${line.line}, column ${line.col}` : 'unknown position';
      // The package appends " at line L, column C:" and an excerpt; the position is already in front.
      const message = err.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
      return { ok: false, errors: [`${fileName}: ${where}: ${/call stack/i.test(message) ? NESTING_MESSAGE : message}`] };
    }
    if (err instanceof SyntaxError) return { ok: false, errors: [`${fileName}: ${jsonPosition(text, err.message)}malformed JSON: ${err.message}`] };
    // The yaml package reports alias problems (a bomb, an alias before its anchor) as ReferenceErrors.
    if (err instanceof ReferenceError && /alias/i.test(err.message)) {
      const bomb = /excessive alias count/i.test(err.message) ? `YAML aliases expand too much (more than ${MAX_ALIAS_COUNT} alias uses): ` : '';
      return { ok: false, errors: [`${fileName}: ${bomb}${err.message}`] };
    }
    throw err;
  }
  if (nestedTooDeep(value)) return { ok: false, errors: [`${fileName}: ${NESTING_MESSAGE}`] };
  return { ok: true, value };
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
