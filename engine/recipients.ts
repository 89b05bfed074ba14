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

export function checkRecipients(input: readonly unknown[]): RecipientCheck {
  const accepted: string[] = [];
  const invalid: InvalidRecipient[] = [];
  const duplicates: DuplicateRecipient[] = [];
  const firstSeen = new Map<string, number>();
  for (let index = 0; index < input.length; index++) {
    const raw = input[index];
    if (typeof raw !== 'string') {
      invalid.push({ index, address: String(raw), reason: 'not a string' });
      continue;
    }
    const address = raw.trim();
    const problem = addressProblem(address);
    if (problem !== null) {
      invalid.push({ index, address: raw, reason: problem });
      continue;
    }
    const key = address.toLowerCase();
    const first = firstSeen.get(key);
    if (first !== undefined) {
      duplicates.push({ index, address: raw, firstIndex: first });
      continue;
    }
    firstSeen.set(key, index);
    accepted.push(address);
  }
  return { accepted, invalid, duplicates };
}
