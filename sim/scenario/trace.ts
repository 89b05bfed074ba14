// Trace replay: task creations exported from a real platform, as CSV (with a header row) or JSON
// Lines. Each row is `at` (ms from the start of the run) or `time` (ISO 8601, made relative to
// midnight UTC of the first row's day; a file with both is refused), `user`, `recipients`, and
// optionally `id` (unique), `startAt`, `maxLatenessMs`, `weight`, `services` (the services the
// task is restricted to: a JSON list, or in CSV ids separated by spaces, semicolons or commas). Any other column or key is refused, as unknown
// scenario fields are (a misspelt `service` column would otherwise replay campaigns unrestricted),
// unless the scenario lists it in `trace.ignoreColumns`. Messages name the file line a row starts on
// (header = line 1), as the runner's contacts import does.
import { parse as parseCsv } from 'csv-parse/sync';
import type { Checked } from './load-scenario.ts';
import { NESTING_MESSAGE, nestedTooDeep } from './nesting-depth.ts';

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

function optionalInt(row: Record<string, unknown>, key: string, min: number, where: string): Checked<number | undefined> {
  const raw = row[key];
  if (raw === undefined || raw === '') return { ok: true, value: undefined };
  const n = typeof raw === 'number' ? raw : Number(raw);
  if (!Number.isSafeInteger(n) || n < min) {
    return { ok: false, errors: [`${where}: ${key} must be an integer of at least ${min}, got ${JSON.stringify(raw)}`] };
  }
  return { ok: true, value: n };
}

function timeOf(row: Record<string, unknown>, where: string, originMs: number | null): Checked<number> {
  if (row.at !== undefined && row.at !== '') {
    const at = optionalInt(row, 'at', 0, where);
    return at.ok ? { ok: true, value: at.value! } : at;
  }
  const parsed = typeof row.time === 'string' ? Date.parse(row.time) : NaN;
  if (!Number.isFinite(parsed)) return { ok: false, errors: [`${where}: needs "at" (ms) or "time" (ISO 8601), got ${JSON.stringify(row.time ?? row.at)}`] };
  const origin = originMs ?? Math.floor(parsed / DAY_MS) * DAY_MS;
  if (parsed < origin) return { ok: false, errors: [`${where}: time is before the first row's day`] };
  return { ok: true, value: parsed - origin };
}

function rowOf(row: Record<string, unknown>, where: string, originMs: number | null): Checked<TraceRow> {
  const at = timeOf(row, where, originMs);
  if (!at.ok) return at;
  // An empty CSV cell is a missing user, not a user whose id is "".
  if ((typeof row.user !== 'string' && typeof row.user !== 'number') || row.user === '') return { ok: false, errors: [`${where}: user is required`] };
  const recipients = optionalInt(row, 'recipients', 1, where);
  if (!recipients.ok) return recipients;
  if (recipients.value === undefined) return { ok: false, errors: [`${where}: recipients is required`] };
  const out: TraceRow = { at: at.value, user: String(row.user), recipients: recipients.value };
  if (row.id !== undefined && row.id !== '') out.id = String(row.id);
  for (const key of ['startAt', 'maxLatenessMs', 'weight'] as const) {
    const v = optionalInt(row, key, key === 'weight' ? 1 : 0, where);
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
  if (parsed.value.length > MAX_ROWS) return { ok: false, errors: [`${file}: more than ${MAX_ROWS} rows`] };
  const out: TraceRow[] = [];
  /** Lines of the rows with an explicit id, by id: a repeated one names both lines. */
  const idLines = new Map<string, number>();
  let originMs: number | null = null;
  for (let i = 0; i < parsed.value.length; i++) {
    const { row: raw, line } = parsed.value[i]!;
    if (originMs === null && typeof raw.time === 'string' && (raw.at === undefined || raw.at === '')) {
      const t = Date.parse(raw.time);
      if (Number.isFinite(t)) originMs = Math.floor(t / DAY_MS) * DAY_MS;
    }
    const row = rowOf(raw, `${file} line ${line}`, originMs);
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
