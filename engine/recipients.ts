// Recipient lists as the runner gives them: addresses are trimmed, checked and de-duplicated
// (compared case-insensitively) before anything is reserved, so a user is never charged for an
// address that will not be tried. The simulator passes a plain count instead.
import { describe } from './validate.ts';

export interface InvalidRecipient {
  readonly index: number;
  readonly address: string;
  readonly reason: string;
}

export interface DuplicateRecipient {
  readonly index: number;
  readonly address: string;
  readonly firstIndex: number;
}

export interface RecipientCheck {
  readonly accepted: string[];
  readonly invalid: InvalidRecipient[];
  readonly duplicates: DuplicateRecipient[];
}

// A practical address check (RFC 5321 sizes, a dot-atom local part, a dotted domain of LDH labels):
// it refuses what would bounce or inject headers, without claiming to implement RFC 5322 fully.
const LOCAL_PART = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;
const DOMAIN_LABEL = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;

/** Why `address` is not a usable recipient address, or null when it is. */
export function addressProblem(address: string): string | null {
  if (address.length === 0) return 'empty address';
  if (/[\r\n]/.test(address)) return 'contains a line break';
  if (address.length > 254) return 'longer than 254 characters';
  const at = address.lastIndexOf('@');
  if (at <= 0 || at === address.length - 1) return "missing '@' with text on both sides";
  const local = address.slice(0, at);
  const domain = address.slice(at + 1);
  if (local.length > 64) return 'local part longer than 64 characters';
  if (!LOCAL_PART.test(local)) return 'invalid characters in the local part';
  const labels = domain.split('.');
  if (labels.length < 2) return 'domain has no dot';
  if (!labels.every((l) => DOMAIN_LABEL.test(l))) return 'invalid domain';
  if (/^[0-9]+$/.test(labels[labels.length - 1] as string)) return 'top-level domain is numeric';
  return null;
}

// The check above as one scan over the characters, for the common case of a valid address (the
// detailed reason is only worked out for addresses that fail it). A property test keeps the two in
// agreement. ASCII only, like the patterns above.
//
// One table per part maps each ASCII character to the code that is hashed: its lower-cased code for
// the characters the part allows, INVALID for every other one, and a code below every printable
// character for the two separators, so that one comparison (k <= DOT_CODE) tells an ordinary
// character from one that needs a closer look.
const INVALID = 0;
const AT_CODE = 1; // '@' in the local part: where the domain starts (invalid in the domain)
const DOT_CODE = 2; // '.' in either part; the largest of the special codes
const LOCAL_CODES = codeTable("!#$%&'*+/=?^_`{|}~-0123456789abcdefghijklmnopqrstuvwxyz", AT_CODE);
const DOMAIN_CODES = codeTable('-0123456789abcdefghijklmnopqrstuvwxyz', INVALID);

function codeTable(allowed: string, at: number): Uint8Array {
  const table = new Uint8Array(128); // all INVALID
  for (const ch of allowed) table[ch.charCodeAt(0)] = ch.charCodeAt(0);
  for (let c = 65; c <= 90; c++) if (table[c + 32] !== INVALID) table[c] = c + 32; // 'A'-'Z' fold
  table[46] = DOT_CODE; // '.'
  table[64] = at; // '@'
  return table;
}

/**
 * The check above as one forward scan that also hashes the address (FNV-1a over the table codes, so
 * ASCII letters are folded to lower case) for de-duplication: returns the hash (31 bits, >= 0) of a
 * valid address, or -1. A valid address has exactly one '@' ('@' is no atext), so scanning forward
 * to the first one finds the local part; dots and hyphens are checked where a part or label ends.
 * Two details matter to V8 (measured on a million addresses): the hash starts from a value that fits
 * an int32, else it is kept as a double (~40% slower), and the tables are read through locals, else
 * every character reloads and rechecks them (~10% slower). Exported for the tests only (index.ts
 * leaves it out), which need two addresses whose hashes collide.
 */
export function scanAddress(s: string): number {
  const n = s.length;
  if (n > 254) return -1;
  const local = LOCAL_CODES;
  const domain = DOMAIN_CODES;
  const prime = 0x01000193;
  let h = 0x811c9dc5 | 0;
  let i = 0;
  let lastDot = -1; // the local part may neither start nor end with a dot, nor have two in a row
  for (; i < n; i++) {
    const c = s.charCodeAt(i);
    const k = c < 128 ? (local[c] as number) : INVALID;
    if (k <= DOT_CODE) {
      if (k === AT_CODE) break;
      if (k === INVALID || i === lastDot + 1) return -1;
      lastDot = i;
    }
    h = Math.imul(h ^ k, prime);
  }
  if (i === 0 || i > 64 || i >= n - 1 || lastDot === i - 1) return -1; // no '@', a part empty or too long
  h = Math.imul(h ^ AT_CODE, prime);
  const domainStart = i + 1;
  let labelStart = domainStart;
  for (i = domainStart; i < n; i++) {
    const c = s.charCodeAt(i);
    const k = c < 128 ? (domain[c] as number) : INVALID;
    if (k <= DOT_CODE) {
      if (k === INVALID || !isLabel(s, labelStart, i)) return -1;
      labelStart = i + 1;
    }
    h = Math.imul(h ^ k, prime);
  }
  // The end closes the last label like a dot: a dotted domain whose top-level label is not numeric.
  if (labelStart === domainStart || !isLabel(s, labelStart, n)) return -1;
  for (i = labelStart; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return h & 0x7fffffff;
  }
  return -1;
}

/** Whether s[start, end) of a domain made of letters, digits, '-' and '.' is a label (the LDH rule). */
function isLabel(s: string, start: number, end: number): boolean {
  return end > start && end - start <= 63 && s.charCodeAt(start) !== 45 && s.charCodeAt(end - 1) !== 45; // '-'
}

function equalFolded(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x >= 65 && x <= 90) x += 32;
    if (y >= 65 && y <= 90) y += 32;
    if (x !== y) return false;
  }
  return true;
}

/**
 * Checks, trims and de-duplicates a recipient list. De-duplication uses an open addressing table
 * sized once for the whole list (no rehashing, no lower-cased copies, a string compare only when
 * the hashes agree), and the accepted list is copied in one go when nothing was dropped or trimmed:
 * a list of a million addresses costs about one pass over its characters.
 */
export function checkRecipients(input: readonly unknown[]): RecipientCheck {
  const n = input.length;
  // The scan first, then the table: each loop stays small, so the processor overlaps the table's
  // cache misses (a million scattered slots) instead of waiting out each one in the middle of a scan.
  // A valid address has no white space, so the scan of the raw string settles the common case.
  const hashes = new Int32Array(n); // per input index: the hash of the address, -1 if not (yet) valid
  for (let index = 0; index < n; index++) {
    const raw = input[index];
    hashes[index] = typeof raw === 'string' ? scanAddress(raw) : -1;
  }
  const invalid: InvalidRecipient[] = [];
  const duplicates: DuplicateRecipient[] = [];
  // Null while every address so far was accepted as given: the accepted list is then a prefix of the input.
  let accepted: string[] | null = null;
  let count = 0;
  let size = 16;
  while (size < n * 2) size *= 2;
  const mask = size - 1;
  // Per slot: 0 = empty, else the input index + 1 of an accepted address, negated when the address
  // is the input trimmed (so the common compare needs no trim call).
  const table = new Int32Array(size);
  for (let index = 0; index < n; index++) {
    let hash = hashes[index] as number;
    let trimmed: string | null = null;
    if (hash < 0) {
      // Only a string the scan refused can still be a valid address once trimmed.
      const raw = input[index];
      const retry = recheck(raw);
      if (typeof retry === 'string') {
        accepted ??= (input as readonly string[]).slice(0, count);
        invalid.push({ index, address: typeof raw === 'string' ? raw : describe(raw), reason: retry });
        continue;
      }
      trimmed = retry.address;
      hash = retry.hash;
      hashes[index] = hash;
    }
    const address = trimmed ?? (input[index] as string);
    let slot = hash & mask;
    let first = -1;
    for (let entry = table[slot] as number; entry !== 0; entry = table[slot] as number) {
      const j = (entry > 0 ? entry : -entry) - 1;
      if (hashes[j] === hash && equalFolded(entry > 0 ? (input[j] as string) : (input[j] as string).trim(), address)) {
        first = j;
        break;
      }
      slot = (slot + 1) & mask;
    }
    if (first >= 0) {
      accepted ??= (input as readonly string[]).slice(0, count);
      duplicates.push({ index, address: input[index] as string, firstIndex: first });
      continue;
    }
    table[slot] = trimmed === null ? index + 1 : -(index + 1);
    if (trimmed !== null) accepted ??= (input as readonly string[]).slice(0, count);
    if (accepted !== null) accepted.push(address);
    count++;
  }
  return { accepted: accepted ?? (input as readonly string[]).slice(), invalid, duplicates };
}

/** For an entry the scan refused: why it is invalid, or the trimmed address and its hash. */
function recheck(raw: unknown): string | { address: string; hash: number } {
  if (typeof raw !== 'string') return 'not a string';
  const address = raw.trim();
  const hash = address === raw ? -1 : scanAddress(address);
  if (hash < 0) return addressProblem(address) ?? 'invalid address';
  return { address, hash };
}
