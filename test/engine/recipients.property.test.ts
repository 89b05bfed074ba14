// The address check has a fast path (one scan over the characters, which also hashes for the
// de-duplication) and a detailed one (which says why). They must agree on every input, or a user
// could be charged for an address the runner refuses; and the list check must agree with a plain
// model (the detailed check, then a Map of lower-cased addresses).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addressProblem, checkRecipients } from '../../engine/index.ts';
import type { DuplicateRecipient, InvalidRecipient } from '../../engine/index.ts';
import { scanAddress } from '../../engine/recipients.ts';
import type { RecipientCheck } from '../../engine/recipients.ts';

const DEEP = process.env.FAIRSEND_DEEP === '1';
// Besides what addresses are made of, white space and line breaks, and the characters at the edges of
// the scan's tables: '`' is atext but no domain character; '/', ':', '[' and '{' border the digits and
// letters; 0x7f and 0x80 end the ASCII table; and non-ASCII characters whose low seven bits are 'A',
// '@', '.' or 'a' would pass for them in a table read without a range check. U+212A (Kelvin sign)
// lower-cases to 'k' in Unicode, but is no ASCII letter.
const EDGE = '`/:[{\x7f\x80\u00c1\u00c0\u00ae\u00e1\u212a\t';
const chars = fc.constantFrom(...`aZ09.-_+@ \r\n!#~é${EDGE}`.split(''));

/** A dotted domain of `length` characters (labels of at most 63), ending in '.com'. */
function domainOfLength(length: number): string {
  const labels: string[] = [];
  let rest = length - 4;
  while (rest > 63) {
    labels.push('d'.repeat(62));
    rest -= 63;
  }
  if (rest > 0) labels.push('d'.repeat(rest));
  return [...labels, 'com'].join('.');
}

const addressLike = fc.oneof(
  fc.string({ unit: chars, maxLength: 30 }),
  fc.tuple(fc.string({ unit: chars, maxLength: 12 }), fc.string({ unit: chars, maxLength: 12 })).map(([a, b]) => `${a}@${b}`),
  fc.emailAddress(),
  // Near misses: dotted domains whose labels mix letters, digits and hyphens (numeric TLDs, edges).
  fc
    .tuple(fc.string({ unit: fc.constantFrom('a', '.', '+', '-'), minLength: 1, maxLength: 4 }), fc.array(fc.string({ unit: fc.constantFrom('a', 'A', '0', '-'), maxLength: 3 }), { minLength: 1, maxLength: 3 }))
    .map(([local, labels]) => `${local}@${labels.join('.')}`),
  // A valid address with one character replaced by an edge character, anywhere (local part, label, TLD).
  fc.tuple(fc.emailAddress(), fc.nat(), fc.constantFrom(...`@.-${EDGE}`.split(''))).map(([a, at, ch]) => {
    const i = at % a.length;
    return a.slice(0, i) + ch + a.slice(i + 1);
  }),
  // Sizes at the RFC limits: local parts of up to 66 characters, labels of 62 and 63, totals around 254.
  fc.tuple(fc.oneof(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 62, max: 66 })), fc.integer({ min: 248, max: 258 })).map(([local, total]) => `${'u'.repeat(local)}@${domainOfLength(total - local - 1)}`),
  fc.tuple(fc.integer({ min: 60, max: 66 }), fc.integer({ min: 60, max: 66 })).map(([local, label]) => `${'U'.repeat(local)}@${'D'.repeat(label)}.Com`),
);

/** The list check as a plain model: the detailed check per entry, then a Map by lower-cased address. */
function modelCheck(list: readonly unknown[]): RecipientCheck {
  const accepted: string[] = [];
  const invalid: InvalidRecipient[] = [];
  const duplicates: DuplicateRecipient[] = [];
  const first = new Map<string, number>();
  list.forEach((raw, index) => {
    // A non-string is named by its value when it has a plain one, else by its kind (an object may have no toString).
    if (typeof raw !== 'string') return void invalid.push({ index, address: typeof raw === 'object' && raw !== null ? 'object' : String(raw), reason: 'not a string' });
    const address = raw.trim();
    const problem = addressProblem(address);
    if (problem !== null) return void invalid.push({ index, address: raw, reason: problem });
    const key = address.toLowerCase(); // a valid address is ASCII, so this is the ASCII fold
    const seen = first.get(key);
    if (seen !== undefined) return void duplicates.push({ index, address: raw, firstIndex: seen });
    first.set(key, index);
    accepted.push(address);
  });
  return { accepted, invalid, duplicates };
}

// Entries that often repeat: a few addresses in random case, some padded with white space.
const repeated = fc
  .tuple(fc.constantFrom('a@x.com', 'b.c@Y-1.org', 'x+y@mail.example.net', 'q@x.co', "o'k@[x].com"), fc.array(fc.boolean(), { maxLength: 24 }), fc.constantFrom('', ' ', '\t', '\u00a0', '\n', '\u3000'))
  .map(([a, upper, pad]) => pad + [...a].map((ch, i) => (upper[i] ? ch.toUpperCase() : ch)).join('') + pad);
const entry = fc.oneof(repeated, addressLike, fc.constantFrom(null, undefined, 42, {}));

describe('recipient address check', () => {
  it('the fast path and the detailed check agree', () => {
    fc.assert(
      fc.property(addressLike, (raw) => {
        const accepted = checkRecipients([raw]).accepted.length === 1;
        expect(accepted).toBe(addressProblem(raw.trim()) === null);
      }),
      { seed: DEEP ? undefined : 20261203, numRuns: DEEP ? 200_000 : 4_000 },
    );
  });

  it('de-duplicates case-insensitively and reports each duplicate with its first position', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom('a@x.com', 'A@X.com', ' b@y.org', 'c@z.net', 'bad'), { maxLength: 20 }), (list) => {
        const r = checkRecipients(list);
        const keys = r.accepted.map((a) => a.toLowerCase());
        expect(new Set(keys).size).toBe(keys.length);
        expect(r.accepted.length + r.invalid.length + r.duplicates.length).toBe(list.length);
        for (const d of r.duplicates) {
          expect(d.firstIndex).toBeLessThan(d.index);
          expect((list[d.firstIndex] as string).trim().toLowerCase()).toBe((list[d.index] as string).trim().toLowerCase());
        }
      }),
      { seed: DEEP ? undefined : 20261203, numRuns: DEEP ? 100_000 : 1_000 },
    );
  });

  it('checks a list exactly as the plain model does (accepted, invalid with reasons, duplicates)', () => {
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 30 }), (list) => {
        expect(checkRecipients(list)).toEqual(modelCheck(list));
      }),
      { seed: DEEP ? undefined : 20261204, numRuns: DEEP ? 50_000 : 1_000 },
    );
  });

  it('keeps two different addresses whose hashes collide, and still finds their duplicates', () => {
    // A birthday search over pseudo-random local parts: among 300,000 addresses, about 20 pairs of
    // 31-bit hashes are expected to agree, so the compare after equal hashes is exercised for certain.
    // (Sequential names such as user1, user2, ... collide far less often under FNV-1a.)
    let seed = 20261204;
    const next = (): string => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0).toString(36);
    const byHash = new Map<number, string>();
    let pair: [string, string] | null = null;
    for (let i = 0; i < 300_000 && pair === null; i++) {
      const address = `${next()}${next()}@example.com`;
      const hash = scanAddress(address);
      const other = byHash.get(hash);
      if (other === undefined) byHash.set(hash, address);
      else if (other !== address) pair = [other, address];
    }
    expect(pair).not.toBeNull();
    const [a, b] = pair as [string, string];
    expect(scanAddress(b.toUpperCase())).toBe(scanAddress(a));
    const list = [a, ` ${b}`, b.toUpperCase(), a.toUpperCase(), 'x@y.com', b];
    expect(checkRecipients(list)).toEqual({
      accepted: [a, b, 'x@y.com'],
      invalid: [],
      duplicates: [
        { index: 2, address: b.toUpperCase(), firstIndex: 1 },
        { index: 3, address: a.toUpperCase(), firstIndex: 0 },
        { index: 5, address: b, firstIndex: 1 },
      ],
    });
    expect(checkRecipients(list)).toEqual(modelCheck(list));
  });
});
