// The operator CLI in process (commander program + stubbed process.exit): bad input exits 2 with a
// message naming what and where and writes nothing; commands apply without a running runner.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { registerRunnerCommands } from '../../runner/cli.ts';
import { createRunner } from '../../runner/runner.ts';
import { createMemoryTransport } from '../../runner/transport.ts';
import Database from 'better-sqlite3';
import { SCHEMA_VERSION, openDatabase } from '../../runner/store.ts';
import { importTask } from '../../runner/task-import.ts';
import { eventsOf, smtpConfig, tempDir, until } from './fixtures.ts';

class Exit extends Error {
  constructor(readonly code: number) { super(`exit ${code}`); }
}

async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const exit = vi.spyOn(process, 'exit').mockImplementation((code) => { throw new Exit(Number(code ?? 0)); });
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => { stdout += String(chunk); return true; });
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => { stderr += String(chunk); return true; });
  const program = new Command().exitOverride((e) => { throw new Exit(e.exitCode === 0 ? 0 : 2); });
  registerRunnerCommands(program);
  let code = 0;
  try {
    await program.parseAsync(['node', 'fairsend', ...args]);
  } catch (e) {
    if (!(e instanceof Exit)) throw e;
    code = e.code;
  } finally {
    exit.mockRestore();
    out.mockRestore();
    err.mockRestore();
  }
  return { code, stdout, stderr };
}

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => { tmp = tempDir(); });
afterEach(() => { tmp.remove(); });

/** A database a runner has used (users alice 20, bob 20), with no runner up. */
async function usedDatabase(): Promise<string> {
  const dbFile = join(tmp.dir, 'ops.db');
  const runner = createRunner(smtpConfig(2525), { dbFile, logger: pino({ level: 'silent' }), transports: { smtp1: createMemoryTransport() } });
  await runner.stop();
  return dbFile;
}

function file(name: string, text: string): string {
  const path = join(tmp.dir, name);
  writeFileSync(path, text);
  return path;
}

describe('fairsend CLI (runner commands)', () => {
  it('run: a bad config exits 2 naming the field, and creates no database', async () => {
    const config = file('bad.yaml', 'from: a@b.test\nservices:\n  - id: s1\n    intervalMs: -5\n    transport: { kind: smtp, host: 127.0.0.1, port: 2525 }\n');
    const dbFile = join(tmp.dir, 'never.db');
    const result = await cli(['run', '--config', config, '--db', dbFile]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(`fairsend: ${config}: services[0].intervalMs: Too small: expected number to be >0\n`);
    expect(existsSync(dbFile)).toBe(false);
  });

  it('run: a missing credential variable exits 2 naming it, never a value', async () => {
    const config = file('auth.yaml', 'from: a@b.test\nservices:\n  - id: s1\n    intervalMs: 100\n    transport: { kind: smtp, host: 127.0.0.1, port: 2525, auth: { userEnv: FS_TEST_NO_USER, passEnv: FS_TEST_NO_PASS } }\n');
    const result = await cli(['run', '--config', config, '--db', join(tmp.dir, 'x.db')]);
    expect(result).toEqual({ code: 2, stdout: '', stderr: 'fairsend: services[0].transport.auth.userEnv: environment variable FS_TEST_NO_USER is not set\n' });
  });

  it('task add: rejected rows are listed with line numbers; a file with no valid row writes nothing', async () => {
    const dbFile = await usedDatabase();
    const csv = file('bad.csv', 'email,name\nnope,A\nx@example.test,"B\nC"\n');
    const text = file('m.txt', 'Hi {{name}}');
    const result = await cli(['task', 'add', '--db', dbFile, '--user', 'alice', '--csv', csv, '--subject', 'S', '--text', text, '--id', 't1']);
    expect(result).toEqual({
      code: 2, stdout: '',
      stderr: `${csv}: rejected line 2: "nope" is not a valid email address (MALFORMED_ADDRESS)\n${csv}: rejected line 3: field "name" contains a line break (LINE_BREAK_IN_FIELD)\nfairsend: task add: NO_VALID_RECIPIENTS: no row of the CSV is a valid, new recipient\n`,
    });
    const db = openDatabase(dbFile);
    expect(db.prepare('SELECT count(*) AS n FROM tasks').get()).toEqual({ n: 0 });
    expect(db.prepare('SELECT count(*) AS n FROM commands').get()).toEqual({ n: 0 });
    db.close();
  });

  it('task add: missing body, unknown merge field, bad amount and missing database exit 2', async () => {
    const dbFile = await usedDatabase();
    const csv = file('ok.csv', 'email,name\na@example.test,A\n');
    const text = file('m.txt', 'Hi {{nickname}}');
    expect(await cli(['task', 'add', '--db', dbFile, '--user', 'alice', '--csv', csv, '--subject', 'S'])).toEqual({ code: 2, stdout: '', stderr: 'fairsend: task add needs --text FILE or --html FILE\n' });
    expect((await cli(['task', 'add', '--db', dbFile, '--user', 'alice', '--csv', csv, '--subject', 'S', '--text', text])).stderr)
      .toBe('fairsend: task add: INVALID_ARGUMENT: the template uses fields the CSV does not have: nickname\n');
    expect(await cli(['quota', 'grant', 'alice', 'ten', '--db', dbFile])).toEqual({ code: 2, stdout: '', stderr: 'fairsend: amount must be a positive integer, got "ten"\n' });
    const missing = join(tmp.dir, 'missing.db');
    expect((await cli(['status', '--db', missing])).code).toBe(2);
    expect(existsSync(missing)).toBe(false);
  });

  it('task add: a --from that is not an address exits 2 naming the option and writes nothing', async () => {
    const dbFile = await usedDatabase();
    const csv = file('ok.csv', 'email,name\na@example.test,A\n');
    const text = file('m.txt', 'Hi {{name}}');
    const args = ['task', 'add', '--db', dbFile, '--user', 'alice', '--csv', csv, '--subject', 'S', '--text', text, '--id', 'f1'];
    expect(await cli([...args, '--from', 'not an address'])).toEqual({
      code: 2, stdout: '', stderr: 'fairsend: task add: INVALID_ARGUMENT: --from must be an address such as shop@example.com or Shop <shop@example.com>, got "not an address"\n',
    });
    const db = openDatabase(dbFile);
    expect(db.prepare('SELECT count(*) AS n FROM tasks').get()).toEqual({ n: 0 });
    db.close();
    const named = await cli([...args, '--from', 'Shop <shop@example.test>']);
    expect(named.code).toBe(0);
    const after = openDatabase(dbFile);
    expect(after.prepare('SELECT sender FROM tasks').all()).toEqual([{ sender: 'Shop <shop@example.test>' }]);
    after.close();
  });

  it('command: a bad id, an unknown command or a bad --wait exits 2; a known one prints its result', async () => {
    const dbFile = await usedDatabase();
    expect(await cli(['command', 'abc', '--db', dbFile])).toEqual({ code: 2, stdout: '', stderr: 'fairsend: command id must be a positive integer, got "abc"\n' });
    expect(await cli(['command', '1', '--db', dbFile])).toEqual({ code: 2, stdout: '', stderr: `fairsend: --db ${dbFile}: there is no command 1\n` });
    expect(await cli(['command', '1', '--wait', 'soon', '--db', dbFile])).toEqual({ code: 2, stdout: '', stderr: 'fairsend: --wait must be an integer from 0 to 3600000, got "soon"\n' });
    expect(await cli(['quota', 'grant', 'alice', '3', '--db', dbFile])).toEqual({ code: 0, stdout: 'quota grant alice: done {"balance":23}\n', stderr: '' });
    expect(await cli(['command', '1', '--db', dbFile])).toEqual({ code: 0, stdout: 'command 1 (grant_quota): done {"balance":23}\n', stderr: '' });
  });

  it('refuses a contacts file that is not UTF-8, or not CSV, naming the file and keeping nothing', async () => {
    const dbFile = await usedDatabase();
    const text = file('m.txt', 'Hi');
    const latin1 = join(tmp.dir, 'latin1.csv');
    writeFileSync(latin1, Buffer.from('email,name\na@example.test,Chlo\xe9\n', 'latin1'));
    expect(await cli(['task', 'add', '--db', dbFile, '--user', 'alice', '--csv', latin1, '--subject', 'S', '--text', text]))
      .toEqual({ code: 2, stdout: '', stderr: `fairsend: --csv ${latin1}: not UTF-8 text (save it as UTF-8 and try again)\n` });
    const broken = file('broken.csv', 'email,name\na@example.test,"unclosed\u0007\n');
    const refused = await cli(['task', 'add', '--db', dbFile, '--user', 'alice', '--csv', broken, '--subject', 'S', '--text', text]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(new RegExp(`^fairsend: task add: ${broken.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: BAD_CSV: CSV cannot be parsed`));
    expect(refused.stderr).not.toContain('\u0007');
    const db = openDatabase(dbFile);
    expect(db.prepare('SELECT count(*) AS n FROM tasks').get()).toEqual({ n: 0 });
    db.close();
  });

  it('applies commands itself when no runner is up, and reports engine refusals', async () => {
    const dbFile = await usedDatabase();
    const csv = file('ok.csv', 'email,name\na@example.test,A\nb@example.test,B\n');
    const text = file('m.txt', 'Hi {{name}}');
    const added = await cli(['task', 'add', '--db', dbFile, '--user', 'alice', '--csv', csv, '--subject', 'Hi {{name}}', '--text', text, '--id', 'spring']);
    const db = openDatabase(dbFile);
    const stored = JSON.parse((db.prepare("SELECT result FROM commands WHERE kind = 'create_task'").get() as { result: string }).result) as { value: { estimatedCompletionAt: number } };
    db.close();
    const eta = new Date(stored.value.estimatedCompletionAt).toISOString();
    expect(added).toEqual({ code: 0, stdout: `task spring: 2 recipients accepted, 0 rejected; 2 quota reserved, estimated completion ${eta} if a runner starts now (none is running: \`fairsend run\`)\n`, stderr: '' });
    expect(await cli(['task', 'pause', 'spring', '--db', dbFile])).toEqual({ code: 0, stdout: 'task pause spring: done\n', stderr: '' });
    expect(await cli(['task', 'cancel', 'spring', '--db', dbFile])).toEqual({ code: 0, stdout: 'task cancel spring: done {"refunded":2}\n', stderr: '' });
    expect(await cli(['task', 'resume', 'spring', '--db', dbFile])).toEqual({ code: 2, stdout: '', stderr: "fairsend: task resume spring refused: INVALID_STATE: task 'spring' is cancelled, not paused\n" });
    expect(await cli(['task', 'add', '--db', dbFile, '--user', 'nobody', '--csv', csv, '--subject', 'S', '--text', text, '--id', 'lost'])).toEqual({
      code: 2, stdout: '', stderr: "fairsend: task lost refused: UNKNOWN_USER: unknown user 'nobody'\n",
    });
    expect(await cli(['quota', 'grant', 'bob', '5', '--db', dbFile])).toEqual({ code: 0, stdout: 'quota grant bob: done {"balance":25}\n', stderr: '' });
    const big = file('big.csv', ['email,name', ...Array.from({ length: 30 }, (_, i) => `u${i}@example.test,U${i}`)].join('\n'));
    const refused = await cli(['task', 'add', '--db', dbFile, '--user', 'bob', '--csv', big, '--subject', 'S', '--text', text, '--id', 'huge']);
    expect(refused).toEqual({
      code: 2, stdout: '',
      stderr: "fairsend: task huge refused: INSUFFICIENT_USER_QUOTA: user 'bob' has 25 quota left; task 'huge' needs 30\n",
    });
    const status = await cli(['status', '--json', '--db', dbFile]);
    const report = JSON.parse(status.stdout) as { tasks: { id: string; state: string }[]; ledger: unknown[]; runner: { pid: number | null } };
    expect(report.runner.pid).toBe(null);
    expect(report.tasks.map((t) => [t.id, t.state])).toEqual([['spring', 'cancelled']]);
    expect(report.ledger).toEqual([
      { user: 'alice', granted: 20, reserved: 0, consumed: 0, balance: 20 },
      { user: 'bob', granted: 25, reserved: 0, consumed: 0, balance: 25 },
    ]);
  });
});

describe('fairsend run --http', () => {
  it('exits 2 naming the option when the address cannot be used', async () => {
    const config = file('ok.yaml', 'from: a@b.test\nservices:\n  - id: s1\n    intervalMs: 100\n    transport: { kind: json }\n');
    expect(await cli(['run', '--config', config, '--db', join(tmp.dir, 'h.db'), '--http', 'localhost'])).toEqual({
      code: 2, stdout: '', stderr: 'fairsend: --http must be HOST:PORT (e.g. 127.0.0.1:9090), got "localhost"\n',
    });
    const dbFile = join(tmp.dir, 'h.db');
    expect(await cli(['run', '--config', config, '--db', dbFile, '--http', '203.0.113.7:9090'])).toEqual({
      code: 2, stdout: '', stderr: 'fairsend: --http 203.0.113.7:9090: cannot listen: EADDRNOTAVAIL\n',
    });
    expect(existsSync(dbFile)).toBe(false);
  });
});

describe('fairsend run: calendar windows', () => {
  it('exits 2 on an unknown time zone or a zoned period that is not an hour or a day', async () => {
    const config = file('tz.yaml', 'from: a@b.test\nservices:\n  - id: s1\n    intervalMs: 100\n    windows: [{ kind: fixed, limit: 10, periodMs: 86400000, timeZone: Mars/Olympus }]\n    transport: { kind: json }\n');
    const dbFile = join(tmp.dir, 'tz.db');
    expect(await cli(['run', '--config', config, '--db', dbFile])).toEqual({
      code: 2, stdout: '',
      stderr: `fairsend: ${config}: services[0].windows[0].timeZone: must be an IANA time zone such as Europe/Paris\n`,
    });
    const hours = file('tz2.yaml', 'from: a@b.test\nservices:\n  - id: s1\n    intervalMs: 100\n    windows: [{ kind: fixed, limit: 10, periodMs: 7200000, timeZone: Europe/Paris }]\n    transport: { kind: json }\n');
    expect((await cli(['run', '--config', hours, '--db', dbFile])).stderr)
      .toBe(`fairsend: ${hours}: services[0].windows[0].periodMs: with a timeZone, periodMs must be 3600000 (calendar hour) or 86400000 (calendar day)\n`);
    expect(existsSync(dbFile)).toBe(false);
  });
});

describe('fairsend CLI: database files that are not fairsend databases', () => {
  const config = (): string => file('ok.yaml', 'from: a@b.test\nservices:\n  - id: s1\n    intervalMs: 100\n    transport: { kind: json }\n');

  it('a text file or a directory: one line, exit 2, for status, quota grant and run', async () => {
    const text = file('notes.db', 'hello, not sqlite\n');
    const dir = join(tmp.dir, 'dir.db');
    mkdirSync(dir);
    const notDb = `fairsend: ${text}: not a usable database: file is not a database\n`;
    expect(await cli(['status', '--db', text])).toEqual({ code: 2, stdout: '', stderr: notDb });
    expect(await cli(['quota', 'grant', 'alice', '5', '--db', text])).toEqual({ code: 2, stdout: '', stderr: notDb });
    expect(await cli(['run', '--config', config(), '--db', text])).toEqual({ code: 2, stdout: '', stderr: notDb });
    expect(readFileSync(text, 'utf8')).toBe('hello, not sqlite\n');
    const isDir = `fairsend: ${dir}: is a directory, not a database file\n`;
    expect(await cli(['status', '--db', dir])).toEqual({ code: 2, stdout: '', stderr: isDir });
    expect(await cli(['quota', 'grant', 'alice', '5', '--db', dir])).toEqual({ code: 2, stdout: '', stderr: isDir });
    expect(await cli(['run', '--config', config(), '--db', dir])).toEqual({ code: 2, stdout: '', stderr: isDir });
  });

  it('a newer schema: one line, exit 2', async () => {
    const dbFile = await usedDatabase();
    const db = new Database(dbFile);
    db.pragma('user_version = 99');
    db.close();
    const newer = `fairsend: ${dbFile}: database schema version 99 is newer than this fairsend (${SCHEMA_VERSION}); use a newer fairsend\n`;
    expect(await cli(['status', '--db', dbFile])).toEqual({ code: 2, stdout: '', stderr: newer });
    expect(await cli(['quota', 'grant', 'alice', '5', '--db', dbFile])).toEqual({ code: 2, stdout: '', stderr: newer });
    expect(await cli(['run', '--config', config(), '--db', dbFile])).toEqual({ code: 2, stdout: '', stderr: newer });
  });

  it('an unrelated SQLite database is refused and left exactly as it was, even by status', async () => {
    const other = join(tmp.dir, 'crm.db');
    const db = new Database(other);
    db.exec("CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO customers (name) VALUES ('Ann');");
    db.close();
    const before = readFileSync(other);
    const refused = `fairsend: ${other}: not a fairsend database (it holds other tables); refusing to change it\n`;
    expect(await cli(['status', '--db', other])).toEqual({ code: 2, stdout: '', stderr: refused });
    expect(await cli(['quota', 'grant', 'alice', '5', '--db', other])).toEqual({ code: 2, stdout: '', stderr: refused });
    expect(await cli(['run', '--config', config(), '--db', other])).toEqual({ code: 2, stdout: '', stderr: refused });
    expect(readFileSync(other).equals(before)).toBe(true);
    const after = new Database(other, { readonly: true });
    expect(after.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all()).toEqual([{ name: 'customers' }]);
    after.close();
  });

  it('status never writes to the database', async () => {
    const dbFile = await usedDatabase();
    const db = new Database(dbFile);
    db.pragma('journal_mode = DELETE');
    db.close();
    const before = readFileSync(dbFile);
    const status = await cli(['status', '--db', dbFile]);
    expect(status.code).toBe(0);
    expect(readFileSync(dbFile).equals(before)).toBe(true);
    expect(existsSync(`${dbFile}-wal`)).toBe(false);
  });
});

describe('a service the engine stops is visible to the operator', () => {
  it('logs a warn line when it is paused and disabled, and status shows it per service', async () => {
    const dbFile = join(tmp.dir, 'svc.db');
    const logged: { level: number; msg: string; service?: string }[] = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => { logged.push(JSON.parse(line) as { level: number; msg: string }); } });
    const transport = createMemoryTransport();
    transport.failNext('a@example.test', { code: 'ECONNREFUSED', message: 'connect ECONNREFUSED 127.0.0.1:2525' }, 10);
    const config = smtpConfig(2525, { servicePause: { baseMs: 20, factor: 1, maxMs: 20, disableAfter: 2 } });
    const runner = createRunner(config, { dbFile, logger, transports: { smtp1: transport } });
    runner.start();
    expect(importTask(runner.core.db, Date.now(), { id: 'spring', user: 'alice', csvText: 'email\na@example.test\n', template: { subject: 'S', text: 'x' } }).ok).toBe(true);
    runner.wake();
    const state = (): string => (runner.core.db.prepare("SELECT state FROM services WHERE id = 'smtp1'").get() as { state: string }).state;
    await until(() => state() === 'disabled', 5_000, 'smtp1 disabled');
    const paused = eventsOf(runner.core.db, 'service_paused');
    expect(paused.map((e) => e['reason'])).toEqual(['error']);
    expect(eventsOf(runner.core.db, 'service_disabled').map((e) => e['reason'])).toEqual(['error']);
    await runner.stop();
    expect(logged.filter((l) => l.service === 'smtp1' && l.msg.startsWith('service ')).map((l) => [l.level, l.msg])).toEqual([
      [40, `service smtp1 paused (error) until ${new Date(paused[0]?.['resumeAt'] as number).toISOString()}`],
      [40, 'service smtp1 disabled (error); `fairsend service resume smtp1` re-enables it'],
    ]);
    const status = await cli(['status', '--db', dbFile]);
    expect(status.code).toBe(0);
    const lines = status.stdout.split('\n');
    expect(lines.slice(lines.indexOf('services:'), lines.indexOf('tasks:'))).toEqual([
      'services:', '  smtp1  disabled (`fairsend service resume smtp1` re-enables it)  in_flight=0 sent=0',
    ]);
    expect(await cli(['service', 'resume', 'smtp1', '--db', dbFile])).toEqual({ code: 0, stdout: 'service resume smtp1: done\n', stderr: '' });
    expect(await cli(['service', 'pause', 'smtp1', '--db', dbFile])).toEqual({ code: 0, stdout: 'service pause smtp1: done\n', stderr: '' });
    const pausedLines = (await cli(['status', '--db', dbFile])).stdout.split('\n');
    expect(pausedLines.slice(pausedLines.indexOf('services:'), pausedLines.indexOf('tasks:'))).toEqual([
      'services:', '  smtp1  paused  reason=operator  until=resumed by an operator  in_flight=0 sent=0',
    ]);
  });
});
