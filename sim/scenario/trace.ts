// Trace replay: task creations exported from a real platform, as CSV (with a header row) or JSON
// Lines. Each row is `at` (ms from the start of the run) or `time` (ISO 8601, UTC unless it has an
// offset, made relative to midnight UTC of the first row's day; a file with both is refused),
// `user`, `recipients`, and optionally `id` (unique), `startAt`, `maxLatenessMs`, `weight`, `services` (the services the
// task is restricted to: a JSON list, or in CSV ids separated by spaces, semicolons or commas). Any other column or key is refused, as unknown
// scenario fields are (a misspelt `service` column would otherwise replay campaigns unrestricted),
// unless the scenario lists it in `trace.ignoreColumns`. Messages name the file line a row starts on
// (header = line 1), as the runner's contacts import does.
import { parse as parseCsv } from 'csv-parse/sync';
import type { Checked } from './load-scenario.ts';
import { NESTING_MESSAGE, nestedTooDeep } from './nesting-depth.ts';
import { MAX_TASK_RECIPIENTS, MAX_WEIGHT } from './schema.ts';

export interface TraceRow {
  at: number;
  user: string;
  recipients: number;
  id?: string;
  startAt?: number;
  maxLatenessMs?: number;
  weight?: number;
  /** Service names the task is restricted to (resolved against the scenario's services later). */
  services?: string[];
  /** The file line the row starts on, for messages about it (header = line 1). */
  line?: number;
}

const MAX_ROWS = 5_000_000;
/** Every column (CSV) or key (JSONL) a trace row may have. */
const TRACE_COLUMNS = ['at', 'time', 'user', 'recipients', 'id', 'startAt', 'maxLatenessMs', 'weight', 'services'] as const;
const ALLOWED = `allowed: ${TRACE_COLUMNS.join(', ')}`;
const KNOWN: ReadonlySet<string> = new Set(TRACE_COLUMNS);
const DAY_MS = 86_400_000;

/** Each record with the (1-based) file line it starts on (header = line 1), so messages can point at it. */
interface Numbered { row: Record<string, unknown>; line: number }

interface CsvRecord { record: Record<string, unknown>; info: { bytes: number }; raw: string }

/**
 * Start lines counted the way the runner's contacts import counts them (runner/contacts.ts), so a
 * trace and a contacts file exported by the same platform name the same line for the same row:
 * csv-parse's own `lines` is where a record ends and counts \r, \n and \r\n differently. `bytes`
 * is where a record ends and `raw` what it consumed (with skipped empty lines in front); only the
 * bytes since the previous record are counted, so the file is scanned once.
 */
function startLines(file: Buffer): (record: CsvRecord) => number {
  let offset = 0;
  let line = 1;
  return (record) => {
    let start = record.info.bytes - Buffer.byteLength(record.raw, 'utf8');
    while (start < record.info.bytes && (file[start] === 0x0a || file[start] === 0x0d)) start += 1;
    // A record starts after its line break, so a \r\n pair is never split between two segments.
    line += (file.subarray(offset, start).toString('utf8').match(/\r\n|\r|\n/g) ?? []).length;
    offset = start;
    return line;
  };
}

/** The line the header is on: the first one that is not blank (csv-parse skips blank lines). */
function headerLine(text: string): number {
  const blank = /^(?:[ \t]*(?:\r\n|\r|\n))*/.exec(text)![0];
  return 1 + (blank.match(/\r\n|\r|\n/g) ?? []).length;
}

/** Both time columns would leave one silently unused (`at` would win): a file says when in one way. */
const BOTH_TIMES = 'has both "at" (ms) and "time" (ISO 8601); keep one (or list the other in trace.ignoreColumns)';

/** Refuses duplicated and unknown header names; csv-parse would silently keep the last duplicate. */
function checkHeader(header: readonly string[], ignored: ReadonlySet<string>, where: string): string | null {
  const seen = new Set<string>();
  for (const name of header) {
    if (seen.has(name)) return `${where}: column ${JSON.stringify(name)} appears more than once; ${ALLOWED}`;
    seen.add(name);
    if (!KNOWN.has(name) && !ignored.has(name)) return `${where}: unknown column ${JSON.stringify(name)}; ${ALLOWED}`;
  }
  if (seen.has('at') && seen.has('time') && !ignored.has('at') && !ignored.has('time')) return `${where}: the header ${BOTH_TIMES}`;
  return null;
}

/**
 * csv-parse's message for a row whose cell count differs from the header's. Only a row with more
 * cells gets the likeliest cause, a services list with commas left unquoted; a short row has none.
 */
function inconsistentRow(err: { record?: unknown[]; columns?: unknown[] }): string {
  const more = (err.record?.length ?? 0) > (err.columns?.length ?? Infinity);
  return more ? ' (a services cell with commas must be quoted: "ws-1, priv")' : '';
}

function csvRecords(text: string, file: string, ignored: ReadonlySet<string>): Checked<Numbered[]> {
  let parsed: CsvRecord[];
  let header: string[] = [];
  try {
    const columns = (names: string[]): string[] => { header = names; return names; };
    parsed = parseCsv(text, { columns, skip_empty_lines: true, trim: true, info: true, raw: true }) as unknown as CsvRecord[];
  } catch (err) {
    const hint = (err as { code?: string }).code === 'CSV_RECORD_INCONSISTENT_COLUMNS' ? inconsistentRow(err as { record?: unknown[]; columns?: unknown[] }) : '';
    return { ok: false, errors: [`${file}: malformed CSV: ${(err as Error).message}${hint}`] };
  }
  const problem = checkHeader(header, ignored, `${file} line ${headerLine(text)}`);
  if (problem !== null) return { ok: false, errors: [problem] };
  const lineOf = startLines(Buffer.from(text, 'utf8'));
  return { ok: true, value: parsed.map((p) => ({ row: withoutIgnored(p.record, ignored), line: lineOf(p) })) };
}

function withoutIgnored(row: Record<string, unknown>, ignored: ReadonlySet<string>): Record<string, unknown> {
  if (ignored.size === 0) return row;
  return Object.fromEntries(Object.entries(row).filter(([k]) => !ignored.has(k)));
}

function jsonRow(text: string, ignored: ReadonlySet<string>, file: string, line: number): Checked<Record<string, unknown>> {
  const where = `${file} line ${line}`;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, errors: [`${file}: line ${line}: malformed JSON`] };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, errors: [`${where}: each line must be a JSON object, got ${text.length > 60 ? `${text.slice(0, 57)}...` : text}`] };
  }
  if (nestedTooDeep(value)) return { ok: false, errors: [`${where}: ${NESTING_MESSAGE}`] };
  const unknown = Object.keys(value).find((k) => !KNOWN.has(k) && !ignored.has(k));
  if (unknown !== undefined) return { ok: false, errors: [`${where}: unknown key ${JSON.stringify(unknown)}; ${ALLOWED}`] };
  if ('at' in value && 'time' in value && !ignored.has('at') && !ignored.has('time')) return { ok: false, errors: [`${where}: the line ${BOTH_TIMES}`] };
  return { ok: true, value: withoutIgnored(value as Record<string, unknown>, ignored) };
}

function records(text: string, format: 'csv' | 'jsonl', file: string, ignored: ReadonlySet<string>): Checked<Numbered[]> {
  if (format === 'csv') return csvRecords(text, file, ignored);
  const rows: Numbered[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '') continue;
    const row = jsonRow(line, ignored, file, i + 1);
    if (!row.ok) return row;
    rows.push({ row: row.value, line: i + 1 });
  }
  return { ok: true, value: rows };
}

/**
 * A CSV cell of an integer column: decimal digits only, with an optional sign and an optional
 * all-zero fraction (a data-frame export writes a float column's whole numbers as "1500.0").
 * Number() would also read "0x10", "0b11", "1e3" and "Infinity".
 */
const DECIMAL_INTEGER = /^[+-]?\d+(?:\.0*)?$/;

/** Where a row came from: CSV cells are all strings, JSON Lines values are typed. */
type Format = 'csv' | 'jsonl';

/** Upper bounds of the integer columns that have one: the same as a scenario's tasks. */
const MAX_OF: Readonly<Record<string, number>> = { recipients: MAX_TASK_RECIPIENTS, weight: MAX_WEIGHT };

function optionalInt(row: Record<string, unknown>, key: string, min: number, where: string, format: Format): Checked<number | undefined> {
  const raw = row[key];
  if (raw === undefined) return { ok: true, value: undefined };
  let n: number;
  if (format === 'csv' && typeof raw === 'string') {
    // csv-parse trims cells; an empty one is a missing value.
    const cell = raw.trim();
    if (cell === '') return { ok: true, value: undefined };
    if (!DECIMAL_INTEGER.test(cell)) return { ok: false, errors: [`${where}: ${key} must be a decimal integer, got ${JSON.stringify(raw)}`] };
    n = Number(cell);
  } else if (typeof raw === 'number') {
    n = raw;
  } else {
    // JSON Lines: a number, as the scenario file's checker requires (it refuses "5", true and null).
    return { ok: false, errors: [`${where}: ${key} must be a JSON number, got ${JSON.stringify(raw)}`] };
  }
  const max = MAX_OF[key];
  if (!Number.isSafeInteger(n) || n < min || (max !== undefined && n > max)) {
    const range = max === undefined ? `of at least ${min}` : `from ${min} to ${max}`;
    return { ok: false, errors: [`${where}: ${key} must be an integer ${range}, got ${JSON.stringify(raw)}`] };
  }
  return { ok: true, value: n + 0 }; // + 0 turns -0 into 0
}

/**
 * ISO 8601 / RFC 3339: a date alone (UTC midnight, as Date.parse reads it), or a date and a time
 * (`T`, `t` or one space between) with an optional fraction of a second and an optional offset
 * (`Z`, `±HH:MM` or `±HHMM`). A time without an offset is UTC: Date.parse would read it in the
 * machine's time zone, so the same trace would replay differently under another TZ.
 */
const ISO_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?(?:([Zz])|([+-])(\d{2}):?(\d{2}))?)?$/;
const TIME_EXAMPLE = 'e.g. 2026-03-29T09:30:00Z';

/** Days from 1970-01-01 to a proleptic Gregorian date (H. Hinnant's days_from_civil), without Date. */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * ((month + 9) % 12) + 2) / 5) + day - 1;
  return era * 146_097 + yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy - 719_468;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** The instant (ms since the epoch, UTC) of an ISO 8601 time, or why it is not one. Independent of TZ. */
function parseIsoTime(text: string): { ms: number } | { problem: 'syntax' | 'impossible' } {
  const m = ISO_TIME.exec(text);
  if (m === null) return { problem: 'syntax' };
  const [year, month, day, hour, minute, second, offH, offM] = [1, 2, 3, 4, 5, 6, 10, 11].map((i) => Number(m[i] ?? 0)) as [number, number, number, number, number, number, number, number];
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month) || hour > 23 || minute > 59 || second > 59 || offH > 23 || offM > 59) return { problem: 'impossible' };
  // Digits beyond the millisecond are dropped, as Date.parse drops them.
  const millis = m[7] === undefined ? 0 : Number(m[7].slice(0, 3).padEnd(3, '0'));
  const offsetMinutes = (m[9] === '-' ? -1 : 1) * (offH * 60 + offM);
  return { ms: daysFromCivil(year, month, day) * DAY_MS + ((hour * 60 + minute - offsetMinutes) * 60 + second) * 1000 + millis };
}

/** A row's `time` as an instant (ms since the epoch); the caller has checked that the row has no `at`. */
function instantOf(row: Record<string, unknown>, where: string): Checked<number> {
  if (typeof row.time !== 'string' || row.time === '') return { ok: false, errors: [`${where}: needs "at" (ms) or "time" (ISO 8601), got ${JSON.stringify(row.time ?? row.at)}`] };
  const parsed = parseIsoTime(row.time);
  if ('ms' in parsed) return { ok: true, value: parsed.ms };
  const value = JSON.stringify(row.time);
  return {
    ok: false,
    errors: [parsed.problem === 'impossible'
      ? `${where}: time ${value} is not a real date and time (ISO 8601, ${TIME_EXAMPLE})`
      : `${where}: time ${value} is not an ISO 8601 date and time (${TIME_EXAMPLE}; without an offset it is UTC)`],
  };
}

/**
 * `at`, or `time` made relative to `origin.ms`: the UTC midnight of the first timed row's day,
 * which that row sets.
 */
function timeOf(row: Record<string, unknown>, where: string, format: Format, origin: { ms: number | null }): Checked<number> {
  if (row.at !== undefined && row.at !== '') {
    const at = optionalInt(row, 'at', 0, where, format);
    if (!at.ok) return at;
    if (at.value === undefined) return { ok: false, errors: [`${where}: needs "at" (ms) or "time" (ISO 8601), got ${JSON.stringify(row.at)}`] };
    return { ok: true, value: at.value };
  }
  const instant = instantOf(row, where);
  if (!instant.ok) return instant;
  origin.ms ??= Math.floor(instant.value / DAY_MS) * DAY_MS;
  if (instant.value < origin.ms) return { ok: false, errors: [`${where}: time is before the first row's day`] };
  return { ok: true, value: instant.value - origin.ms };
}

function rowOf(row: Record<string, unknown>, where: string, format: Format, origin: { ms: number | null }): Checked<TraceRow> {
  const at = timeOf(row, where, format, origin);
  if (!at.ok) return at;
  // An empty CSV cell is a missing user, not a user whose id is "".
  if ((typeof row.user !== 'string' && typeof row.user !== 'number') || row.user === '') return { ok: false, errors: [`${where}: user is required`] };
  const recipients = optionalInt(row, 'recipients', 1, where, format);
  if (!recipients.ok) return recipients;
  if (recipients.value === undefined) return { ok: false, errors: [`${where}: recipients is required`] };
  const out: TraceRow = { at: at.value, user: String(row.user), recipients: recipients.value };
  if (row.id !== undefined && row.id !== '') out.id = String(row.id);
  for (const key of ['startAt', 'maxLatenessMs', 'weight'] as const) {
    const v = optionalInt(row, key, key === 'weight' ? 1 : 0, where, format);
    if (!v.ok) return v;
    if (v.value !== undefined) out[key] = v.value;
  }
  const services = servicesOf(row.services, where);
  if (!services.ok) return services;
  if (services.value !== undefined) out.services = services.value;
  return { ok: true, value: out };
}

function servicesOf(value: unknown, where: string): Checked<string[] | undefined> {
  if (value === undefined || value === '' || value === null) return { ok: true, value: undefined };
  const list = typeof value === 'string' ? value.split(/[\s;,]+/).filter((s) => s !== '') : value;
  if (!Array.isArray(list) || list.length === 0 || !list.every((s) => typeof s === 'string' && s !== '')) {
    return { ok: false, errors: [`${where}: services must list service ids (in CSV separated by spaces, semicolons or commas), got ${JSON.stringify(value)}`] };
  }
  return { ok: true, value: list as string[] };
}

/**
 * Parses a trace; rows need not be sorted (the resolver sorts arrivals by time). Rows at or after
 * `durationMs` (when given) are refused: arrivals happen in [0, durationMs) and would be dropped.
 * Columns (CSV) or keys (JSONL) named in `ignoreColumns` are skipped; any other unknown one is refused.
 */
export function parseTrace(text: string, format: 'csv' | 'jsonl', file: string, durationMs = Infinity, ignoreColumns: readonly string[] = []): Checked<TraceRow[]> {
  const parsed = records(text, format, file, new Set(ignoreColumns));
  if (!parsed.ok) return parsed;
  // Refused here, naming the file: the resolver would only say "the scenario has no users" (or
  // replay nothing, next to declared users).
  if (parsed.value.length === 0) return { ok: false, errors: [`${file}: no rows`] };
  if (parsed.value.length > MAX_ROWS) return { ok: false, errors: [`${file}: more than ${MAX_ROWS} rows`] };
  const out: TraceRow[] = [];
  /** Lines of the rows with an explicit id, by id: a repeated one names both lines. */
  const idLines = new Map<string, number>();
  const origin: { ms: number | null } = { ms: null };
  for (let i = 0; i < parsed.value.length; i++) {
    const { row: raw, line } = parsed.value[i]!;
    const row = rowOf(raw, `${file} line ${line}`, format, origin);
    if (!row.ok) return row;
    if (row.value.at >= durationMs) return { ok: false, errors: [`${file} line ${line}: at must be less than durationMs (${durationMs}), got ${row.value.at}`] };
    if (row.value.id !== undefined) {
      const first = idLines.get(row.value.id);
      if (first !== undefined) return { ok: false, errors: [`${file} line ${line}: id ${JSON.stringify(row.value.id)} is also the id of line ${first}; campaign ids must be unique`] };
      idLines.set(row.value.id, line);
    }
    // The line stays on rows that later checks may name (their id or services); not on every row of a large trace.
    out.push(row.value.services === undefined && row.value.id === undefined ? row.value : { ...row.value, line });
  }
  return { ok: true, value: out };
}

export function traceFormatOf(file: string, format: 'csv' | 'jsonl' | undefined): 'csv' | 'jsonl' {
  return format ?? (/\.csv$/i.test(file) ? 'csv' : 'jsonl');
}
