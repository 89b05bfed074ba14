// Trace files refuse what they cannot read, as scenario files do: an unknown CSV column or JSONL key
// (a typo such as `service` would otherwise run the campaign unrestricted) and a duplicated header.
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseTrace } from '../../sim/scenario/index.ts';
import { fairsend, tempDirForFile } from './cli-child.ts';

const ALLOWED = 'allowed: at, time, user, recipients, id, startAt, maxLatenessMs, weight, services';

describe('trace columns and keys', () => {
  it('refuses an unknown CSV column, naming the file, the header line and the allowed names', () => {
    expect(parseTrace('at,user,recipients,service\n0,a,5,ses\n', 'csv', 'day.csv')).toEqual({ ok: false, errors: [`day.csv line 1: unknown column "service"; ${ALLOWED}`] });
    // The header is on the first line that is not blank.
    expect(parseTrace('\n\nat,user,recipients,Weight\n0,a,5,2\n', 'csv', 'day.csv')).toEqual({ ok: false, errors: [`day.csv line 3: unknown column "Weight"; ${ALLOWED}`] });
  });

  it('refuses a duplicated CSV header', () => {
    expect(parseTrace('at,user,recipients,recipients\n0,a,5,7\n', 'csv', 'day.csv')).toEqual({ ok: false, errors: [`day.csv line 1: column "recipients" appears more than once; ${ALLOWED}`] });
  });

  it('refuses an unknown JSONL key on the line it appears', () => {
    const text = '{"at":0,"user":"a","recipients":1}\n\n{"at":5,"user":"a","recipients":2,"servics":["ses"]}\n';
    expect(parseTrace(text, 'jsonl', 't.jsonl')).toEqual({ ok: false, errors: [`t.jsonl line 3: unknown key "servics"; ${ALLOWED}`] });
  });

  it('skips the columns and keys the scenario says to ignore', () => {
    expect(parseTrace('email,at,user,recipients\nx@y.test,0,a,5\n', 'csv', 'day.csv', Infinity, ['email'])).toEqual({ ok: true, value: [{ at: 0, user: 'a', recipients: 5 }] });
    expect(parseTrace('{"at":0,"user":"a","recipients":1,"subject":"Hi"}\n', 'jsonl', 't.jsonl', Infinity, ['subject'])).toEqual({ ok: true, value: [{ at: 0, user: 'a', recipients: 1 }] });
  });

  it('accepts commas inside a quoted services cell', () => {
    expect(parseTrace('at,user,recipients,services\n0,a,5,"ws-1, priv;ses"\n', 'csv', 'day.csv')).toEqual({ ok: true, value: [{ at: 0, user: 'a', recipients: 5, services: ['ws-1', 'priv', 'ses'], line: 2 }] });
  });

  it('hints at quoting when an unquoted services list splits a row', () => {
    expect(parseTrace('at,user,recipients,services\n0,a,5,ws-1, priv\n', 'csv', 'day.csv'))
      .toEqual({ ok: false, errors: ['day.csv: malformed CSV: Invalid Record Length: columns length is 4, got 5 on line 2 (a services cell with commas must be quoted: "ws-1, priv")'] });
  });

  it('refuses a JSONL line that is not an object', () => {
    for (const line of ['null', '5', '[1]', '"x"']) {
      expect(parseTrace(`${line}\n`, 'jsonl', 't.jsonl')).toEqual({ ok: false, errors: [`t.jsonl line 1: each line must be a JSON object, got ${line}`] });
    }
  });
});

const dir = tempDirForFile('fairsend-trace-');

describe.concurrent('fairsend sim with a misspelt trace column', () => {
  const scenario = (name: string, trace: string, body: string): string => {
    writeFileSync(join(dir, trace), body);
    const file = join(dir, name);
    writeFileSync(file, `durationMs: 3600000\npolicies: [fair]\nservices: [{ id: ses, intervalMs: 100 }, { id: priv, intervalMs: 100 }]\ntrace: { file: ${trace} }\n`);
    return file;
  };

  it('CSV column "service": exit 2, nothing written', async () => {
    const file = scenario('csv.yaml', 'day.csv', 'at,user,recipients,service\n0,a,5,ses\n');
    const out = join(dir, 'out-csv');
    const r = await fairsend('sim', file, '--out', out, '--quiet');
    expect(r).toEqual({ code: 2, stdout: '', stderr: `error: ${file}: ${join(dir, 'day.csv')} line 1: unknown column "service"; ${ALLOWED}\n` });
    expect(existsSync(out)).toBe(false);
  });

  it('JSONL key "servics": exit 2', async () => {
    const file = scenario('jsonl.yaml', 'day.jsonl', '{"at":0,"user":"a","recipients":5,"servics":["ses"]}\n');
    const r = await fairsend('validate', file);
    expect(r).toEqual({ code: 2, stdout: '', stderr: `error: ${file}: ${join(dir, 'day.jsonl')} line 1: unknown key "servics"; ${ALLOWED}\n` });
  });
});
