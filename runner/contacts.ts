// Contacts CSV import: one row per recipient, an `email` column plus any merge fields. Bad rows are
// refused with their line number and the good rows are kept, so a typo in row 9,000 does not sink
// a campaign, and nothing is reserved for a refused row (only accepted rows reach the engine).
import { parse } from 'csv-parse/sync';

export interface Contact {
  address: string;
  /** Every CSV column of the row (merge fields), including the address column. */
  fields: Record<string, string>;
  /** 1-based line of the file where the row starts. */
  line: number;
}

export interface RejectedRow {
  line: number;
  reason: 'MALFORMED_ADDRESS' | 'DUPLICATE' | 'LINE_BREAK_IN_FIELD' | 'MISSING_ADDRESS' | 'FIELD_TOO_LONG';
  message: string;
}

export type ContactsResult =
  | { ok: true; contacts: Contact[]; rejected: RejectedRow[] }
  | { ok: false; message: string };

export const CONTACTS_ROWS_MAX = 1_000_000;
/**
 * The longest merge field kept, in characters: a name, a coupon code or a short paragraph fits; a
 * 50 MB cell (an export gone wrong) would be merged into every message and slow the database.
 */
export const CONTACT_FIELD_MAX = 10_000;
const ADDRESS_COLUMNS = ['email', 'address', 'e-mail'];

// Deliberately plain: one @, a dot-atom-ish local part, a domain of LDH labels with a dot. Quoted
// local parts and IP literals are legal but rare and are exactly what header injection hides in.
const ADDRESS = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z0-9-]{2,63}$/;

export function isValidAddress(address: string): boolean {
  return address.length <= 254 && ADDRESS.test(address);
}

/**
 * A sender: a bare address or `Display Name <address>`. The display name may not hold <, >, " or a
 * line break (no quoting rules, nothing for header injection to hide in).
 */
export function isValidSender(sender: string): boolean {
  // A display name is plain words or one quoted string: unquoted, a comma, '@' or ':' would make
  // mail software read a list of addresses or a group (`a@evil.test, ceo <shop@example.com>` is two
  // senders), so it is refused; quoted, anything but a quote, backslash, angle bracket or line break.
  const named = /^(?:"[^"\\\r\n<>]*"|[^<>"\r\n,;:@()[\]\\]*)\s*<([^<>]*)>$/.exec(sender.trim());
  return named === null ? isValidAddress(sender.trim()) : isValidAddress(named[1] ?? '');
}

interface ParsedRow { record: Record<string, string>; info: { bytes: number; raw?: string } }

/** Header names, trimmed and lower-cased; two columns with the same name would hide one of them. */
function headerColumns(header: string[]): string[] {
  const names = header.map((h) => h.trim().toLowerCase());
  names.forEach((name, i) => {
    const first = names.indexOf(name);
    if (first < i) throw new Error(`the header names column "${name}" twice (columns ${first + 1} and ${i + 1}; names are compared ignoring case)`);
  });
  return names;
}

function parseRows(text: string, rowsMax: number): { ok: true; rows: ParsedRow[] } | { ok: false; message: string } {
  try {
    // One row past the limit, so a longer file is refused instead of silently cut short.
    const rows = parse(text, {
      columns: headerColumns,
      info: true, raw: true, skip_empty_lines: true, bom: true, trim: false,
      relax_column_count: false, to: rowsMax + 1,
    }) as unknown as ParsedRow[];
    if (rows.length > rowsMax) return { ok: false, message: `CSV has more than ${rowsMax} data rows; split it into several tasks` };
    return { ok: true, rows };
  } catch (err) {
    return { ok: false, message: `CSV cannot be parsed: ${(err as Error).message}` };
  }
}

/**
 * Line numbers in one forward scan. csv-parse's own `lines` counts differently for \r, \n and
 * \r\n endings, so count from each record's byte offset instead: `bytes` is where the record ends
 * and `raw` is what it consumed (with any skipped empty lines in front). Only the bytes since the
 * previous record are counted, so the whole file is scanned once.
 */
function lineCounter(file: Buffer): (row: ParsedRow) => number {
  let offset = 0;
  let line = 1;
  return (row) => {
    let start = row.info.bytes - Buffer.byteLength(row.info.raw ?? '', 'utf8');
    while (start < row.info.bytes && (file[start] === 0x0a || file[start] === 0x0d)) start += 1;
    // A record starts after its line break, so a \r\n pair is never split between two segments.
    line += (file.subarray(offset, start).toString('utf8').match(/\r\n|\r|\n/g) ?? []).length;
    offset = start;
    return line;
  };
}

function checkRow(record: Record<string, string>, column: string, line: number, seen: Map<string, number>): RejectedRow | Contact {
  for (const [key, value] of Object.entries(record)) {
    if (value.length > CONTACT_FIELD_MAX) {
      return { line, reason: 'FIELD_TOO_LONG', message: `line ${line}: field "${key}" is ${value.length} characters long; at most ${CONTACT_FIELD_MAX} are kept` };
    }
    if (/[\r\n]/.test(value)) {
      return { line, reason: 'LINE_BREAK_IN_FIELD', message: `line ${line}: field "${key}" contains a line break` };
    }
  }
  const address = (record[column] ?? '').trim();
  if (address === '') return { line, reason: 'MISSING_ADDRESS', message: `line ${line}: ${column} is empty` };
  if (!isValidAddress(address)) {
    return { line, reason: 'MALFORMED_ADDRESS', message: `line ${line}: "${address}" is not a valid email address` };
  }
  const key = address.toLowerCase();
  const first = seen.get(key);
  if (first !== undefined) {
    return { line, reason: 'DUPLICATE', message: `line ${line}: ${address} duplicates line ${first}` };
  }
  seen.set(key, line);
  return { address, fields: { ...record, [column]: address }, line };
}

/** Parses a contacts CSV (header row required, one address column named email/address/e-mail). */
export function parseContacts(text: string, rowsMax = CONTACTS_ROWS_MAX): ContactsResult {
  const parsed = parseRows(text, rowsMax);
  if (!parsed.ok) return parsed;
  const first = parsed.rows[0];
  if (first === undefined) return { ok: false, message: 'CSV has no data rows' };
  const column = ADDRESS_COLUMNS.find((c) => c in first.record);
  if (column === undefined) {
    return { ok: false, message: `CSV header must have a column named ${ADDRESS_COLUMNS.join(' or ')}` };
  }
  const contacts: Contact[] = [];
  const rejected: RejectedRow[] = [];
  const seen = new Map<string, number>();
  const startLine = lineCounter(Buffer.from(text, 'utf8'));
  for (const row of parsed.rows) {
    const checked = checkRow(row.record, column, startLine(row), seen);
    if ('reason' in checked) rejected.push(checked);
    else contacts.push(checked);
  }
  return { ok: true, contacts, rejected };
}
