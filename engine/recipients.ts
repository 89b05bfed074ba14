// Recipient lists as the runner gives them: addresses are trimmed, checked and de-duplicated
// (compared case-insensitively) before anything is reserved, so a user is never charged for an
// address that will not be tried. The simulator passes a plain count instead.
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
const ATEXT = new Uint8Array(128);
for (const ch of "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789!#$%&'*+/=?^_`{|}~-") ATEXT[ch.charCodeAt(0)] = 1;
const DOT = 46;
const AT = 64;
const HYPHEN = 45;

/**
 * The check above as one forward scan that also hashes the address (FNV-1a, ASCII letters folded to
 * lower case) for de-duplication: returns the hash (>= 0) of a valid address, or -1. A valid address
 * has exactly one '@' ('@' is no atext), so scanning forward to the first one finds the local part.
 */
function scanAddress(s: string): number {
  const n = s.length;
  if (n === 0 || n > 254) return -1;
  let h = 0x811c9dc5;
  let i = 0;
  let afterDot = true; // the local part may neither start nor end with a dot, nor have two in a row
  for (; i < n; i++) {
    let c = s.charCodeAt(i);
    if (c === AT) break;
    if (c === DOT) {
      if (afterDot) return -1;
      afterDot = true;
    } else if (c < 128 && ATEXT[c] === 1) {
      afterDot = false;
      if (c >= 65 && c <= 90) c += 32;
    } else {
      return -1;
    }
    h = Math.imul(h ^ c, 0x01000193);
  }
  if (afterDot || i > 64 || i >= n - 1) return -1; // empty or long local part, no '@', empty domain
  h = Math.imul(h ^ AT, 0x01000193);
  let labels = 0;
  let labelLength = 0;
  let lastHyphen = false;
  let allDigits = true;
  for (i++; i < n; i++) {
    let c = s.charCodeAt(i);
    if (c === DOT) {
      if (labelLength === 0 || labelLength > 63 || lastHyphen) return -1;
      labels++;
      labelLength = 0;
      allDigits = true;
    } else if (c <= 57 ? c >= 48 : c >= 97 ? c <= 122 : c >= 65 && c <= 90) {
      if (c > 57) {
        allDigits = false;
        if (c <= 90) c += 32;
      }
      labelLength++;
      lastHyphen = false;
    } else if (c === HYPHEN && labelLength > 0) {
      allDigits = false;
      labelLength++;
      lastHyphen = true;
    } else {
      return -1;
    }
    h = Math.imul(h ^ c, 0x01000193);
  }
  // The end closes the last label like a dot: a dotted domain whose top-level label is not numeric.
  if (labelLength === 0 || labelLength > 63 || lastHyphen || labels < 1 || allDigits) return -1;
  return h >>> 0;
}

function isSpace(c: number): boolean {
  return c <= 32 || c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff;
}

/** `s.trim()`, without the call when neither end is white space (the common case). */
function trimmed(s: string): string {
  return s.length > 0 && !isSpace(s.charCodeAt(0)) && !isSpace(s.charCodeAt(s.length - 1)) ? s : s.trim();
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
 * Checks, trims and de-duplicates a recipient list in one pass. De-duplication uses an open
 * addressing table sized once for the whole list, holding each entry's hash next to it (no
 * rehashing, no lower-cased copies, a string compare only when the hashes agree), and the accepted
 * list is copied in one go when nothing was dropped or trimmed: a list of a million addresses costs
 * about one pass over its characters.
 */
export function checkRecipients(input: readonly unknown[]): RecipientCheck {
  const invalid: InvalidRecipient[] = [];
  const duplicates: DuplicateRecipient[] = [];
  // Null while every address so far was accepted as given: accepted index j is then input index j.
  let accepted: string[] | null = null;
  let count = 0;
  let size = 16;
  while (size < input.length * 2) size *= 2;
  const mask = size - 1;
  const table = new Int32Array(2 * size); // per slot: accepted index + 1 (0 = empty), hash
  const firstIndex = new Int32Array(input.length); // accepted index -> index in the input
  for (let index = 0; index < input.length; index++) {
    const raw = input[index];
    if (typeof raw !== 'string') {
      accepted ??= (input as readonly string[]).slice(0, count);
      invalid.push({ index, address: String(raw), reason: 'not a string' });
      continue;
    }
    const address = trimmed(raw);
    const hash = scanAddress(address);
    if (hash < 0) {
      accepted ??= (input as readonly string[]).slice(0, count);
      invalid.push({ index, address: raw, reason: addressProblem(address) ?? 'invalid address' });
      continue;
    }
    let slot = hash & mask;
    let duplicateOf = -1;
    for (let entry = table[2 * slot] as number; entry !== 0; entry = table[2 * slot] as number) {
      if ((table[2 * slot + 1] as number) === (hash | 0)) {
        const j = entry - 1;
        if (equalFolded(accepted === null ? (input[j] as string) : (accepted[j] as string), address)) {
          duplicateOf = firstIndex[j] as number;
          break;
        }
      }
      slot = (slot + 1) & mask;
    }
    if (duplicateOf >= 0) {
      accepted ??= (input as readonly string[]).slice(0, count);
      duplicates.push({ index, address: raw, firstIndex: duplicateOf });
      continue;
    }
    if (accepted === null && address !== raw) accepted = (input as readonly string[]).slice(0, count);
    table[2 * slot] = count + 1;
    table[2 * slot + 1] = hash;
    firstIndex[count] = index;
    if (accepted !== null) accepted.push(address);
    count++;
  }
  return { accepted: accepted ?? (input as readonly string[]).slice(), invalid, duplicates };
}
