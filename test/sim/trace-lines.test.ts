// Trace replay names the file line a row starts on (header = line 1), exactly as the runner's
// contacts import does: the same file, with the same bad row, gets the same line number from
// `fairsend sim` (trace) and `fairsend task add` (contacts), whatever its line endings. The trace
// skips the contacts' `email` column only because the scenario says so (`trace.ignoreColumns`).
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseContacts } from '../../runner/contacts.ts';
import { createRunner } from '../../runner/runner.ts';
import { createMemoryTransport } from '../../runner/transport.ts';
import { parseTrace } from '../../sim/scenario/index.ts';
import { smtpConfig, tempDir } from '../runner/fixtures.ts';

const BIN = resolve(import.meta.dirname, '../../bin/fairsend.js');

/**
 * Both readers take this file: contacts read `email`, the trace reads `at,user,recipients`.
 * Line 1 header, line 3 blank, lines 4-5 one quoted record, line 6 the bad row of both.
 */
function sharedFile(eol: string): string {
  return [
    'email,at,user,recipients',
    'ann@example.test,0,alice,1',
    '',
    `bob@example.test,10,"two${eol}lines",1`,
    'not-an-address,20,alice,-3',
    'cy@example.test,30,alice,1',
    '',
  ].join(eol);
}

function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [BIN, ...args], { timeout: 60_000 });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => { stdout += d; });
    child.stderr.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

function errorsOf(result: ReturnType<typeof parseTrace>): string[] {
  return result.ok ? [] : result.errors;
}

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => { tmp = tempDir(); });
afterEach(() => { tmp.remove(); });

describe('trace messages name the file line', () => {
  for (const [name, eol] of [['LF', '\n'], ['CRLF', '\r\n'], ['CR', '\r']] as const) {
    it(`agrees with the contacts import on the same file (${name} line endings)`, () => {
      const text = sharedFile(eol);
      expect(parseTrace(text, 'csv', 'day.csv', Infinity, ['email'])).toEqual({ ok: false, errors: ['day.csv line 6: recipients must be an integer from 1 to 10000000, got "-3"'] });
      const contacts = parseContacts(text);
      expect(contacts.ok && contacts.rejected.map((r) => r.message)).toEqual([
        'line 4: field "user" contains a line break',
        'line 6: "not-an-address" is not a valid email address',
      ]);
    });
  }

  it('names the line in every row message, CSV and JSON Lines', () => {
    // A header names one of the two time columns (both are refused): `at` here, `time` below.
    const csv = (rows: string[], time = 'at'): string => [`${time},user,recipients,weight`, '', ...rows].join('\n');
    expect(errorsOf(parseTrace(csv(['0,a,1,', ',a,1,']), 'csv', 't.csv'))).toEqual(['t.csv line 4: needs "at" (ms) or "time" (ISO 8601), got ""']);
    expect(errorsOf(parseTrace(csv(['0,,1,']), 'csv', 't.csv'))).toEqual(['t.csv line 3: user is required']);
    expect(errorsOf(parseTrace(csv(['0,a,,']), 'csv', 't.csv'))).toEqual(['t.csv line 3: recipients is required']);
    expect(errorsOf(parseTrace(csv(['0,a,1,0']), 'csv', 't.csv'))).toEqual(['t.csv line 3: weight must be an integer from 1 to 10000, got "0"']);
    expect(errorsOf(parseTrace(csv(['2026-03-02T10:00:00Z,a,1,', '2026-03-01T23:00:00Z,a,1,'], 'time'), 'csv', 't.csv')))
      .toEqual(["t.csv line 4: time is before the first row's day"]);
    expect(errorsOf(parseTrace(csv(['0,a,1,', '"5000",a,1,']), 'csv', 't.csv', 1000)))
      .toEqual(['t.csv line 4: at must be less than durationMs (1000), got 5000']);
    const jsonl = '{"at":0,"user":"a","recipients":1}\n\n{"at":5,"user":"a","recipients":0}\n';
    expect(errorsOf(parseTrace(jsonl, 'jsonl', 't.jsonl'))).toEqual(['t.jsonl line 3: recipients must be an integer from 1 to 10000000, got 0']);
  });
});

describe('the two CLIs name the same line for the same file', () => {
  it('fairsend sim (trace) and fairsend task add (contacts) both point at line 6', { timeout: 60_000 }, async () => {
    const csv = join(tmp.dir, 'day.csv');
    writeFileSync(csv, sharedFile('\r\n'));
    const scenario = join(tmp.dir, 'replay.yaml');
    writeFileSync(scenario, 'durationMs: 3600000\nservices:\n  - { id: s1, intervalMs: 100 }\ntrace: { file: day.csv, ignoreColumns: [email] }\n');
    const body = join(tmp.dir, 'm.txt');
    writeFileSync(body, 'Hello');
    const dbFile = join(tmp.dir, 'ops.db');
    await createRunner(smtpConfig(2525), { dbFile, logger: pino({ level: 'silent' }), transports: { smtp1: createMemoryTransport() } }).stop();
    const [sim, add] = await Promise.all([
      run(['sim', scenario, '--out', join(tmp.dir, 'out'), '--quiet']),
      run(['task', 'add', '--db', dbFile, '--user', 'alice', '--csv', csv, '--subject', 'S', '--text', body, '--id', 'day']),
    ]);
    expect(sim).toEqual({ code: 2, stdout: '', stderr: `error: ${scenario}: ${csv} line 6: recipients must be an integer from 1 to 10000000, got "-3"\n` });
    expect(add.stderr.split('\n').filter((l) => l.includes('rejected'))).toEqual([
      `${csv}: rejected line 4: field "user" contains a line break (LINE_BREAK_IN_FIELD)`,
      `${csv}: rejected line 6: "not-an-address" is not a valid email address (MALFORMED_ADDRESS)`,
    ]);
    expect(add.code).toBe(0);
  });
});
