// Trace replay: task creations exported from a real platform, as CSV (with a header row) or JSON
// Lines. Each row is `at` (ms from the start of the run) or `time` (ISO 8601, made relative to
// midnight UTC of the first row's day), `user`, `recipients`, and optionally `id`, `startAt`,
// `maxLatenessMs`, `weight`.
import { parse as parseCsv } from 'csv-parse/sync';
import type { Checked } from './load-scenario.ts';

export interface TraceRow {
  at: number;
  user: string;
  recipients: number;
  id?: string;
  startAt?: number;
  maxLatenessMs?: number;
  weight?: number;
}

const MAX_ROWS = 5_000_000;
const DAY_MS = 86_400_000;

/** Each record with the (1-based) file line it ends on, so that messages can point at it. */
interface Numbered { row: Record<string, unknown>; line: number }

function records(text: string, format: 'csv' | 'jsonl', file: string): Checked<Numbered[]> {
  if (format === 'csv') {
    try {
      const parsed = parseCsv(text, { columns: true, skip_empty_lines: true, trim: true, info: true }) as { record: Record<string, unknown>; info: { lines: number } }[];
      return { ok: true, value: parsed.map((p) => ({ row: p.record, line: p.info.lines })) };
    } catch (err) {
      return { ok: false, errors: [`${file}: malformed CSV: ${(err as Error).message}`] };
    }
  }
  const rows: Numbered[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '') continue;
    try {
      rows.push({ row: JSON.parse(line), line: i + 1 });
    } catch {
      return { ok: false, errors: [`${file}: line ${i + 1}: malformed JSON`] };
    }
  }
  return { ok: true, value: rows };
}

function optionalInt(row: Record<string, unknown>, key: string, min: number, where: string): Checked<number | undefined> {
  const raw = row[key];
  if (raw === undefined || raw === '') return { ok: true, value: undefined };
  const n = typeof raw === 'number' ? raw : Number(raw);
  if (!Number.isSafeInteger(n) || n < min) {
    return { ok: false, errors: [`${where}.${key} must be an integer of at least ${min}, got ${JSON.stringify(raw)}`] };
  }
  return { ok: true, value: n };
}

function timeOf(row: Record<string, unknown>, where: string, originMs: number | null): Checked<number> {
  if (row.at !== undefined && row.at !== '') {
    const at = optionalInt(row, 'at', 0, where);
    return at.ok ? { ok: true, value: at.value! } : at;
  }
  const parsed = typeof row.time === 'string' ? Date.parse(row.time) : NaN;
  if (!Number.isFinite(parsed)) return { ok: false, errors: [`${where} needs "at" (ms) or "time" (ISO 8601), got ${JSON.stringify(row.time)}`] };
  const origin = originMs ?? Math.floor(parsed / DAY_MS) * DAY_MS;
  if (parsed < origin) return { ok: false, errors: [`${where}.time is before the first row's day`] };
  return { ok: true, value: parsed - origin };
}

function rowOf(row: Record<string, unknown>, where: string, originMs: number | null): Checked<TraceRow> {
  const at = timeOf(row, where, originMs);
  if (!at.ok) return at;
  if (typeof row.user !== 'string' && typeof row.user !== 'number') return { ok: false, errors: [`${where}.user is required`] };
  const recipients = optionalInt(row, 'recipients', 1, where);
  if (!recipients.ok) return recipients;
  if (recipients.value === undefined) return { ok: false, errors: [`${where}.recipients is required`] };
  const out: TraceRow = { at: at.value, user: String(row.user), recipients: recipients.value };
  if (row.id !== undefined && row.id !== '') out.id = String(row.id);
  for (const key of ['startAt', 'maxLatenessMs', 'weight'] as const) {
    const v = optionalInt(row, key, key === 'weight' ? 1 : 0, where);
    if (!v.ok) return v;
    if (v.value !== undefined) out[key] = v.value;
  }
  return { ok: true, value: out };
}

/**
 * Parses a trace; rows need not be sorted (the resolver sorts arrivals by time). Rows at or after
 * `durationMs` (when given) are refused: arrivals happen in [0, durationMs) and would be dropped.
 */
export function parseTrace(text: string, format: 'csv' | 'jsonl', file: string, durationMs = Infinity): Checked<TraceRow[]> {
  const parsed = records(text, format, file);
  if (!parsed.ok) return parsed;
  if (parsed.value.length > MAX_ROWS) return { ok: false, errors: [`${file}: more than ${MAX_ROWS} rows`] };
  const out: TraceRow[] = [];
  let originMs: number | null = null;
  for (let i = 0; i < parsed.value.length; i++) {
    const { row: raw, line } = parsed.value[i]!;
    if (originMs === null && typeof raw.time === 'string' && (raw.at === undefined || raw.at === '')) {
      const t = Date.parse(raw.time);
      if (Number.isFinite(t)) originMs = Math.floor(t / DAY_MS) * DAY_MS;
    }
    const row = rowOf(raw, `${file} row ${i + 1}`, originMs);
    if (!row.ok) return row;
    if (row.value.at >= durationMs) return { ok: false, errors: [`${file} line ${line}: at must be less than durationMs (${durationMs}), got ${row.value.at}`] };
    out.push(row.value);
  }
  return { ok: true, value: out };
}

export function traceFormatOf(file: string, format: 'csv' | 'jsonl' | undefined): 'csv' | 'jsonl' {
  return format ?? (/\.csv$/i.test(file) ? 'csv' : 'jsonl');
}
