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
const HYPHEN = 45;

function isAlnum(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

function isValidFast(s: string): boolean {
  const n = s.length;
  if (n === 0 || n > 254) return false;
  const at = s.lastIndexOf('@');
  if (at <= 0 || at === n - 1 || at > 64) return false;
  let afterDot = true; // the local part may neither start nor end with a dot, nor have two in a row
  for (let i = 0; i < at; i++) {
    const c = s.charCodeAt(i);
    if (c === DOT) {
      if (afterDot) return false;
      afterDot = true;
    } else if (c < 128 && ATEXT[c] === 1) {
      afterDot = false;
    } else {
      return false;
    }
  }
  if (afterDot) return false;
  let labels = 0;
  let labelLength = 0;
  let lastHyphen = false;
  let allDigits = true;
  for (let i = at + 1; i <= n; i++) {
    const c = i === n ? DOT : s.charCodeAt(i); // the end closes the last label like a dot
    if (c === DOT) {
      if (labelLength === 0 || labelLength > 63 || lastHyphen) return false;
      labels++;
      if (i === n) break;
      labelLength = 0;
      allDigits = true;
    } else if (isAlnum(c)) {
      if (c > 57) allDigits = false;
      labelLength++;
      lastHyphen = false;
    } else if (c === HYPHEN && labelLength > 0) {
      allDigits = false;
      labelLength++;
      lastHyphen = true;
    } else {
      return false;
    }
  }
  return labels >= 2 && !allDigits; // a dotted domain whose top-level label is not numeric
}

/** FNV-1a over the address with ASCII letters folded to lower case. */
function foldedHash(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    let c = s.charCodeAt(i);
    if (c >= 65 && c <= 90) c += 32;
    h = Math.imul(h ^ c, 0x01000193);
  }
  return h >>> 0;
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
 * addressing table sized once for the whole list (no rehashing, no lower-cased copies), so a list of
 * a million addresses costs no more than a few passes over its characters.
 */
export function checkRecipients(input: readonly unknown[]): RecipientCheck {
  const accepted: string[] = [];
  const invalid: InvalidRecipient[] = [];
  const duplicates: DuplicateRecipient[] = [];
  let size = 16;
  while (size < input.length * 2) size *= 2;
  const mask = size - 1;
  const table = new Int32Array(size); // accepted index + 1; 0 = empty
  const firstIndex = new Int32Array(input.length); // accepted index -> index in the input
  for (let index = 0; index < input.length; index++) {
    const raw = input[index];
    if (typeof raw !== 'string') {
      invalid.push({ index, address: String(raw), reason: 'not a string' });
      continue;
    }
    const address = raw.trim();
    if (!isValidFast(address)) {
      invalid.push({ index, address: raw, reason: addressProblem(address) ?? 'invalid address' });
      continue;
    }
    let slot = foldedHash(address) & mask;
    let duplicateOf = -1;
    for (let probes = 0; probes < size; probes++) {
      const entry = table[slot] as number;
      if (entry === 0) break;
      if (equalFolded(accepted[entry - 1] as string, address)) {
        duplicateOf = firstIndex[entry - 1] as number;
        break;
      }
      slot = (slot + 1) & mask;
    }
    if (duplicateOf >= 0) {
      duplicates.push({ index, address: raw, firstIndex: duplicateOf });
      continue;
    }
    table[slot] = accepted.length + 1;
    firstIndex[accepted.length] = index;
    accepted.push(address);
  }
  return { accepted, invalid, duplicates };
}
