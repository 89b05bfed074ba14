// The values of a trace row are read the same way on every machine: a `time` without a UTC offset is
// UTC (not the machine's local time, which Date.parse would use), impossible dates are refused, the
// integer columns take plain decimal integers only (CSV) or JSON numbers (JSON Lines), and a trace
// without rows is refused naming the file, not later as "the scenario has no users".
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseTrace } from '../../sim/scenario/index.ts';
import { fairsend, ROOT, tempDirForFile } from './cli-child.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;

function errorsOf(result: ReturnType<typeof parseTrace>): string[] {
  return result.ok ? [] : result.errors;
}

/** The `at` of each row of a CSV trace with a `time` column (the first row's UTC day is t = 0). */
function timesOf(times: string[]): number[] | string[] {
  const r = parseTrace(['time,user,recipients', ...times.map((t) => `${t.includes(',') ? `"${t}"` : t},a,1`)].join('\n'), 'csv', 't.csv');
  return r.ok ? r.value.map((row) => row.at) : r.errors;
}

describe('trace time', () => {
  it('is UTC when it has no offset', () => {
    expect(timesOf(['2026-03-29T00:30:00'])).toEqual([30 * MIN]);
    expect(timesOf(['2026-03-29T00:30:00Z', '2026-03-29T00:10:00', '2026-03-29 23:59'])).toEqual([30 * MIN, 10 * MIN, 23 * HOUR + 59 * MIN]);
    const jsonl = '{"time":"2026-03-29T09:30:00Z","user":"a","recipients":1}\n{"time":"2026-03-29T09:00:00","user":"a","recipients":1}\n';
    expect(parseTrace(jsonl, 'jsonl', 't.jsonl')).toEqual({ ok: true, value: [{ at: 9.5 * HOUR, user: 'a', recipients: 1 }, { at: 9 * HOUR, user: 'a', recipients: 1 }] });
  });

  it('accepts the ISO 8601 / RFC 3339 forms Date.parse accepted, with the same instant', () => {
    const forms: [string, number][] = [
      ['2026-03-29', 0],
      ['2026-03-29T09:30', 9.5 * HOUR],
      ['2026-03-29T09:30Z', 9.5 * HOUR],
      ['2026-03-29 09:30:00Z', 9.5 * HOUR],
      ['2026-03-29t09:30:00z', 9.5 * HOUR],
      ['2026-03-29T09:30:00.5Z', 9.5 * HOUR + 500],
      ['2026-03-29T09:30:00.123456Z', 9.5 * HOUR + 123],
      ['2026-03-29T09:30:00.9999', 9.5 * HOUR + 999],
      ['2026-03-29T10:30:00+01:00', 9.5 * HOUR],
      ['2026-03-29T15:00:00.5+0530', 9.5 * HOUR + 500],
      ['2026-03-29T09:30:00-00:00', 9.5 * HOUR],
      ['2026-03-29T01:30:00-08:00', 9.5 * HOUR],
      ['2026-03-30T09:29:00+23:59', 9.5 * HOUR],
      ['2026-03-30T00:00:00Z', 24 * HOUR],
    ];
    for (const [time, at] of forms) {
      expect(timesOf(['2026-03-29T00:00:00Z', time]), time).toEqual([0, at]);
      // Where Date.parse is exact (an explicit offset, or a date alone), the instant is the same.
      if (/(?:[Zz]|[+-]\d\d:?\d\d)$|^\d{4}-\d\d-\d\d$/.test(time)) expect(Date.UTC(2026, 2, 29) + at, time).toBe(Date.parse(time));
    }
    // Leap days, years before 1970 and the first row's day in another offset.
    expect(timesOf(['2024-02-29T12:00:00Z'])).toEqual([12 * HOUR]);
    expect(timesOf(['2000-02-29T12:00:00Z'])).toEqual([12 * HOUR]);
    expect(timesOf(['1969-12-31T23:00:00Z', '1970-01-01T00:30:00Z'])).toEqual([23 * HOUR, 24.5 * HOUR]);
    expect(timesOf(['2026-03-29T00:30:00+01:00', '2026-03-29T00:00:00Z'])).toEqual([23.5 * HOUR, 24 * HOUR]);
  });

  it('refuses an impossible date or time, naming the file, the line and the value', () => {
    for (const time of ['2026-02-30T00:30:00Z', '2025-02-29T00:00:00Z', '1900-02-29T00:00:00Z', '2026-04-31T00:00:00Z', '2026-13-01T00:00:00Z', '2026-00-10T00:00:00Z',
      '2026-03-00T00:00:00Z', '2026-03-29T24:00:00Z', '2026-03-29T24:00', '2026-03-29T25:00:00Z', '2026-03-29T00:60:00Z', '2026-03-29T00:00:60Z',
      '2026-03-29T00:00:00+24:00', '2026-03-29T00:00:00+01:60', '2026-02-30']) {
      expect(timesOf(['2026-03-29T00:00:00Z', time]), time).toEqual([`t.csv line 3: time ${JSON.stringify(time)} is not a real date and time (ISO 8601, e.g. 2026-03-29T09:30:00Z)`]);
    }
    expect(timesOf(['2026-02-30T00:30:00Z'])).toEqual(['t.csv line 2: time "2026-02-30T00:30:00Z" is not a real date and time (ISO 8601, e.g. 2026-03-29T09:30:00Z)']);
  });

  it('refuses what is not an ISO 8601 date and time, such as the local-time forms Date.parse guessed at', () => {
    for (const time of ['2026/03/29 09:30:00', 'March 29 2026', '29.03.2026 09:30', '2026-03-29T09', '2026-03-29T09:30:00+01', '2026-3-29T09:30:00Z',
      '2026-03-29T09:30:00 Z', '2026-03-29T09:30:00,5Z', '2026-03-29T09:30:00.Z', '20260329T093000Z', '+002026-03-29T09:30:00Z', '1711704600000']) {
      expect(timesOf([time]), time).toEqual([`t.csv line 2: time ${JSON.stringify(time)} is not an ISO 8601 date and time (e.g. 2026-03-29T09:30:00Z; without an offset it is UTC)`]);
    }
    const jsonl = '{"time":" 2026-03-29T09:30:00Z","user":"a","recipients":1}\n';
    expect(errorsOf(parseTrace(jsonl, 'jsonl', 't.jsonl'))).toEqual(['t.jsonl line 1: time " 2026-03-29T09:30:00Z" is not an ISO 8601 date and time (e.g. 2026-03-29T09:30:00Z; without an offset it is UTC)']);
    expect(errorsOf(parseTrace('{"time":1711704600000,"user":"a","recipients":1}\n', 'jsonl', 't.jsonl'))).toEqual(['t.jsonl line 1: needs "at" (ms) or "time" (ISO 8601), got 1711704600000']);
  });

  /** Parses a trace in a child process whose TZ is `tz`; returns the result and the zone's offset that day. */
  function parseUnder(tz: string, text: string): Promise<{ offset: number; result: unknown }> {
    const code = [
      "import { parseTrace } from './sim/scenario/index.ts';",
      `const result = parseTrace(${JSON.stringify(text)}, 'csv', 't.csv');`,
      'console.log(JSON.stringify({ offset: new Date(2026, 2, 29).getTimezoneOffset(), result }));',
    ].join('\n');
    return new Promise((done, fail) => {
      const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { cwd: ROOT, env: { ...process.env, TZ: tz }, timeout: 60_000 });
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (d: string) => { stdout += d; });
      child.stderr.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
      child.on('close', (status) => (status === 0 ? done(JSON.parse(stdout) as { offset: number; result: unknown }) : fail(new Error(`exit ${status}: ${stderr}`))));
    });
  }

  it('gives the same rows whatever the process time zone (TZ)', async () => {
    // Mixed rows: one with Z, one without; and a first row without an offset.
    const text = 'time,user,recipients\n2026-03-29T00:30:00Z,a,1\n2026-03-29T00:10:00,a,1\n2026-03-29 23:30,b,2\n';
    const expected = { ok: true, value: [{ at: 30 * MIN, user: 'a', recipients: 1 }, { at: 10 * MIN, user: 'a', recipients: 1 }, { at: 23.5 * HOUR, user: 'b', recipients: 2 }] };
    expect(parseTrace(text, 'csv', 't.csv')).toEqual(expected);
    const runs = await Promise.all(['UTC', 'Asia/Tokyo', 'America/Los_Angeles'].map((tz) => parseUnder(tz, text)));
    // The zones were in effect (so the test would see a local-time parse), and none changed the rows.
    expect(runs.map((r) => r.offset)).toEqual([0, -540, 420]);
    for (const r of runs) expect(r.result).toEqual(expected);
  });
});

describe('trace integer columns', () => {
  const csv = (column: string, value: string): string => `at,user,recipients,startAt,maxLatenessMs,weight\n${{ at: `${value},a,1,,,`, recipients: `0,a,${value},,,`, startAt: `0,a,1,${value},,`, maxLatenessMs: `0,a,1,,${value},`, weight: `0,a,1,,,${value}` }[column]}\n`;

  it('take plain decimal integers in CSV, not hexadecimal, binary, octal or exponent forms', () => {
    for (const column of ['at', 'recipients', 'startAt', 'maxLatenessMs', 'weight']) {
      for (const value of ['0x10', '0b11', '0o7', '1e3', '1E3', '1_000', '16.5', 'Infinity', '1,000', '12abc', '--1', '.5']) {
        const cell = value.includes(',') ? `"${value}"` : value;
        expect(errorsOf(parseTrace(csv(column, cell), 'csv', 't.csv')), `${column} ${value}`).toEqual([`t.csv line 2: ${column} must be a decimal integer, got ${JSON.stringify(value)}`]);
      }
    }
  });

  it('keep the decimal forms that were accepted, and their ranges', () => {
    const row = (cells: string): unknown => parseTrace(`at,user,recipients,startAt,maxLatenessMs,weight\n${cells}\n`, 'csv', 't.csv');
    expect(row(' 16 ,a, 007 ,+5,0,2')).toEqual({ ok: true, value: [{ at: 16, user: 'a', recipients: 7, startAt: 5, maxLatenessMs: 0, weight: 2 }] });
    // A float column of a data-frame export writes whole numbers with ".0".
    expect(row('1500.0,a,3.00,,,')).toEqual({ ok: true, value: [{ at: 1500, user: 'a', recipients: 3 }] });
    expect(row('-0,a,1,,,')).toEqual({ ok: true, value: [{ at: 0, user: 'a', recipients: 1 }] });
    expect(errorsOf(parseTrace(csv('recipients', '0'), 'csv', 't.csv'))).toEqual(['t.csv line 2: recipients must be an integer from 1 to 10000000, got "0"']);
    expect(errorsOf(parseTrace(csv('at', '-1'), 'csv', 't.csv'))).toEqual(['t.csv line 2: at must be an integer of at least 0, got "-1"']);
    expect(errorsOf(parseTrace(csv('weight', '0'), 'csv', 't.csv'))).toEqual(['t.csv line 2: weight must be an integer from 1 to 10000, got "0"']);
    expect(errorsOf(parseTrace(csv('startAt', '99999999999999999999'), 'csv', 't.csv'))).toEqual(['t.csv line 2: startAt must be an integer of at least 0, got "99999999999999999999"']);
  });

  it('hold recipients and weight to the bounds of a scenario\'s tasks (the engine would refuse the campaign silently)', () => {
    expect(errorsOf(parseTrace(csv('recipients', '10000001'), 'csv', 't.csv'))).toEqual(['t.csv line 2: recipients must be an integer from 1 to 10000000, got "10000001"']);
    expect(errorsOf(parseTrace(csv('weight', '10001'), 'csv', 't.csv'))).toEqual(['t.csv line 2: weight must be an integer from 1 to 10000, got "10001"']);
    expect(parseTrace(csv('weight', '10000'), 'csv', 't.csv')).toEqual({ ok: true, value: [{ at: 0, user: 'a', recipients: 1, weight: 10_000 }] });
  });

  it('must be JSON numbers in JSON Lines, as in a scenario file', () => {
    for (const [key, value] of [['recipients', '"5"'], ['at', '"0"'], ['startAt', '"10"'], ['maxLatenessMs', '"0x10"'], ['weight', '"2"'], ['recipients', 'true'], ['weight', 'null'], ['at', '[0]']] as const) {
      const line = `{${Object.entries({ at: '0', user: '"a"', recipients: '1', [key]: value }).map(([k, v]) => `"${k}":${v}`).join(',')}}`;
      expect(errorsOf(parseTrace(`${line}\n`, 'jsonl', 't.jsonl')), line).toEqual([`t.jsonl line 1: ${key} must be a JSON number, got ${value}`]);
    }
    expect(parseTrace('{"at":1e3,"user":"a","recipients":5,"weight":2.0}\n', 'jsonl', 't.jsonl')).toEqual({ ok: true, value: [{ at: 1000, user: 'a', recipients: 5, weight: 2 }] });
    expect(errorsOf(parseTrace('{"at":0,"user":"a","recipients":1.5}\n', 'jsonl', 't.jsonl'))).toEqual(['t.jsonl line 1: recipients must be an integer from 1 to 10000000, got 1.5']);
  });
});

describe('a trace without rows', () => {
  it('is refused, naming the file', () => {
    for (const [text, format, file] of [['', 'csv', 'trace.csv'], ['at,user,recipients\n', 'csv', 'trace.csv'], ['\n\ntime,user,recipients\r\n\r\n', 'csv', 'trace.csv'], ['', 'jsonl', 't.jsonl'], ['\n \n', 'jsonl', 't.jsonl']] as const) {
      expect(parseTrace(text, format, file), JSON.stringify(text)).toEqual({ ok: false, errors: [`${file}: no rows`] });
    }
  });

  const dir = tempDirForFile('fairsend-trace-values-');

  it('is refused by fairsend validate, naming the trace file rather than "no users"', async () => {
    writeFileSync(join(dir, 'day.csv'), 'at,user,recipients\n');
    const file = join(dir, 'replay.yaml');
    writeFileSync(file, 'durationMs: 3600000\npolicies: [fair]\nservices: [{ id: s, intervalMs: 100 }]\ntrace: { file: day.csv }\n');
    expect(await fairsend('validate', file)).toEqual({ code: 2, stdout: '', stderr: `error: ${file}: ${join(dir, 'day.csv')}: no rows\n` });
  });
});
