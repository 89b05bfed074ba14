import { describe, expect, it } from 'vitest';
import { isValidAddress, isValidSender, parseContacts } from '../../runner/contacts.ts';

describe('parseContacts', () => {
  it('accepts valid rows and reports bad ones by line, reason and message', () => {
    const csv = [
      'email,name,city',              // line 1
      'ann@example.test,Ann,Paris',   // 2
      'not-an-address,Bob,Rome',      // 3
      'ANN@example.test,Ann2,Lyon',   // 4 duplicate (case-insensitive)
      'cy@example.test,"C',           // 5  field with a line break: starts on 5, ends on 6
      'y",Oslo',                      // 6
      '',                             // 7 blank, skipped
      ' dee@example.test ,Dee,Nice',  // 8 trimmed
      ',Eve,Bern',                    // 9 missing address
    ].join('\n');
    const result = parseContacts(csv);
    expect(result).toEqual({
      ok: true,
      contacts: [
        { address: 'ann@example.test', fields: { email: 'ann@example.test', name: 'Ann', city: 'Paris' }, line: 2 },
        { address: 'dee@example.test', fields: { email: 'dee@example.test', name: 'Dee', city: 'Nice' }, line: 8 },
      ],
      rejected: [
        { line: 3, reason: 'MALFORMED_ADDRESS', message: 'line 3: "not-an-address" is not a valid email address' },
        { line: 4, reason: 'DUPLICATE', message: 'line 4: ANN@example.test duplicates line 2' },
        { line: 5, reason: 'LINE_BREAK_IN_FIELD', message: 'line 5: field "name" contains a line break' },
        { line: 9, reason: 'MISSING_ADDRESS', message: 'line 9: email is empty' },
      ],
    });
  });

  it('rejects a carriage return used for header injection', () => {
    const result = parseContacts('email,name\r\nx@example.test,"Evil\rBcc: victim@example.test"\r\n');
    expect(result).toEqual({ ok: true, contacts: [], rejected: [{ line: 2, reason: 'LINE_BREAK_IN_FIELD', message: 'line 2: field "name" contains a line break' }] });
  });

  it('rejects a row with a field longer than 10,000 characters, keeping the others', () => {
    const long = 'x'.repeat(10_001);
    const result = parseContacts(`email,name\na@example.test,${'y'.repeat(10_000)}\nb@example.test,${long}\n`);
    expect(result).toMatchObject({ ok: true, contacts: [{ address: 'a@example.test' }] });
    if (!result.ok) return;
    expect(result.rejected).toEqual([{ line: 3, reason: 'FIELD_TOO_LONG', message: 'line 3: field "name" is 10001 characters long; at most 10000 are kept' }]);
  });

  it('lower-cases headers and accepts an "Address" column', () => {
    const result = parseContacts('Address,First Name\nz@example.test,Zed\n');
    expect(result).toEqual({ ok: true, contacts: [{ address: 'z@example.test', fields: { address: 'z@example.test', 'first name': 'Zed' }, line: 2 }], rejected: [] });
  });

  it('refuses a file without an address column or without rows', () => {
    expect(parseContacts('name\nAnn\n')).toEqual({ ok: false, message: 'CSV header must have a column named email or address or e-mail' });
    expect(parseContacts('email,name,EMAIL\na@x.test,Ann,b@x.test\n')).toEqual({
      ok: false,
      message: 'CSV cannot be parsed: the header names column "email" twice (columns 1 and 3; names are compared ignoring case)',
    });
    expect(parseContacts('email\n')).toEqual({ ok: false, message: 'CSV has no data rows' });
  });

  it('refuses a file whose rows do not match the header', () => {
    const result = parseContacts('email,name\na@example.test\n');
    expect(result.ok).toBe(false);
    expect(!result.ok && result.message.startsWith('CSV cannot be parsed: Invalid Record Length')).toBe(true);
  });
});

describe('isValidAddress', () => {
  it.each([
    ['a@example.test', true], ['first.last+tag@sub.example.co', true], ["o'hara@example.test", true],
    ['no-at.example.test', false], ['a@b', false], ['a@@example.test', false], ['a b@example.test', false],
    ['.a@example.test', false], ['a..b@example.test', false], ['a@-x.test', false], ['"q"@example.test', false],
    ['a@example.test>', false], [`${'x'.repeat(250)}@e.test`, false],
  ])('%s -> %s', (address, valid) => {
    expect(isValidAddress(address)).toBe(valid);
  });
});

describe('parseContacts at scale', () => {
  it('imports 20,000 rows with their line numbers (one forward scan)', () => {
    const rows = Array.from({ length: 20_000 }, (_, i) => `u${i}@example.test,U${i}`);
    const result = parseContacts(['email,name', ...rows].join('\r\n'));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.contacts.length).toBe(20_000);
    expect(result.rejected).toEqual([]);
    expect(result.contacts[19_999]).toEqual({ address: 'u19999@example.test', fields: { email: 'u19999@example.test', name: 'U19999' }, line: 20_001 });
  });

  it('refuses a file longer than the row limit instead of cutting it short', () => {
    const csv = 'email\na@example.test\nb@example.test\nc@example.test\n';
    expect(parseContacts(csv, 2)).toEqual({ ok: false, message: 'CSV has more than 2 data rows; split it into several tasks' });
    expect(parseContacts(csv, 3).ok).toBe(true);
  });
});

describe('isValidSender', () => {
  it.each([
    ['shop@example.com', true], ['Shop <shop@example.com>', true], ['  Shop News <news@shop.example.co> ', true],
    ['<shop@example.com>', true], ['not an address', false], ['Shop <not an address>', false],
    ['Shop <a@example.com> x', false], ['"Sh<op" <a@example.com>', false], ['', false],
    // A display name that mail software would read as more addresses or a group: refused unquoted.
    ['a@evil.test, ceo@bank.test <shop@example.com>', false], ['Sales; x <shop@example.com>', false],
    ['Group: <shop@example.com>', false], ['"Shop, Inc. (Sales)" <shop@example.com>', true], ['"a\\" <shop@example.com>', false],
  ])('%s -> %s', (sender, valid) => {
    expect(isValidSender(sender)).toBe(valid);
  });
});
