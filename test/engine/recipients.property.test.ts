// The address check has a fast path (one regular expression) and a detailed one (which says why).
// They must agree on every input, or a user could be charged for an address the runner refuses.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addressProblem, checkRecipients } from '../../engine/index.ts';

const DEEP = process.env.FAIRSEND_DEEP === '1';
const chars = fc.constantFrom(...'aZ09.-_+@ \r\n!#~é'.split(''));
const addressLike = fc.oneof(
  fc.string({ unit: chars, maxLength: 30 }),
  fc.tuple(fc.string({ unit: chars, maxLength: 12 }), fc.string({ unit: chars, maxLength: 12 })).map(([a, b]) => `${a}@${b}`),
  fc.emailAddress(),
  // Near misses: dotted domains whose labels mix letters, digits and hyphens (numeric TLDs, edges).
  fc
    .tuple(fc.string({ unit: fc.constantFrom('a', '.', '+', '-'), minLength: 1, maxLength: 4 }), fc.array(fc.string({ unit: fc.constantFrom('a', '0', '-'), maxLength: 3 }), { minLength: 1, maxLength: 3 }))
    .map(([local, labels]) => `${local}@${labels.join('.')}`),
);

describe('recipient address check', () => {
  it('the fast path and the detailed check agree', () => {
    fc.assert(
      fc.property(addressLike, (raw) => {
        const accepted = checkRecipients([raw]).accepted.length === 1;
        expect(accepted).toBe(addressProblem(raw.trim()) === null);
      }),
      { seed: DEEP ? undefined : 20261203, numRuns: DEEP ? 200_000 : 2_000 },
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
});
