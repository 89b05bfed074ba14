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

// The whole check above as one expression, for the common case of a valid address; the detailed
// reason is only worked out for addresses that fail it.
const VALID_ADDRESS =
  /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z0-9-]*[A-Za-z-][A-Za-z0-9-]*$/;

function isValidFast(address: string): boolean {
  if (address.length > 254 || !VALID_ADDRESS.test(address)) return false;
  const at = address.lastIndexOf('@');
  if (at > 64) return false;
  const tld = address.slice(address.lastIndexOf('.') + 1);
  return tld.length <= 63 && tld[0] !== '-' && tld[tld.length - 1] !== '-';
}

export function checkRecipients(input: readonly unknown[]): RecipientCheck {
  const accepted: string[] = [];
  const invalid: InvalidRecipient[] = [];
  // A set is enough on the hot path; first positions are looked up only for the duplicates found.
  const seen = new Set<string>();
  const duplicateAt: number[] = [];
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
    const key = address.toLowerCase();
    if (seen.has(key)) {
      duplicateAt.push(index);
      continue;
    }
    seen.add(key);
    accepted.push(address);
  }
  return { accepted, invalid, duplicates: describeDuplicates(input as readonly string[], duplicateAt) };
}

function describeDuplicates(input: readonly string[], duplicateAt: readonly number[]): DuplicateRecipient[] {
  if (duplicateAt.length === 0) return [];
  const keys = new Set(duplicateAt.map((i) => (input[i] as string).trim().toLowerCase()));
  const first = new Map<string, number>();
  for (let i = 0; i < input.length && first.size < keys.size; i++) {
    const v = input[i];
    if (typeof v !== 'string') continue;
    const key = v.trim().toLowerCase();
    if (keys.has(key) && !first.has(key)) first.set(key, i);
  }
  return duplicateAt.map((index) => {
    const address = input[index] as string;
    return { index, address, firstIndex: first.get(address.trim().toLowerCase()) as number };
  });
}
