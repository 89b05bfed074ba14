// `fairsend run | task | service | quota | command | status`: the runner's command line. Exit
// codes: 0 ok, 2 bad input or a refused command (with a message that names what and where), 3 a
// command queued but not applied yet: a runner holds the database and has not picked it up in time;
// it will apply it (once), so a script must not send it again (`fairsend command ID` waits for it).
import { readFileSync, existsSync } from 'node:fs';
import type { Server } from 'node:http';
import { Command, Option } from 'commander';
import { pino } from 'pino';
import { ConfigError, loadRunnerConfig } from './config.ts';
import type { Command as RunnerCommand } from './commands.ts';
import { parseListenAddress, startStatusServer } from './http.ts';
import { statusReport, submitCommand, awaitCommand } from './operator.ts';
import type { LockHolder, StatusReport, Submitted } from './operator.ts';
import { commandRow } from './commands.ts';
import { createRunner, RunnerStartError } from './runner.ts';
import { liveRunnerPid } from './runner-lock.ts';
import type { Runner } from './runner.ts';
import { DatabaseError, openDatabase } from './store.ts';
import { importTask } from './task-import.ts';

const DEFAULT_DB = 'fairsend.db';
/** A command is queued and will be applied, but was not within the wait: not done, not failed. */
export const EXIT_QUEUED = 3;
const SUBMIT_WAIT_MS = 3_000;
const COMMAND_WAIT_MS_MAX = 3_600_000;

const EXIT_CODES_HELP = `
Exit codes: 0 applied; 2 bad input or refused (nothing changed); ${EXIT_QUEUED} queued, not applied yet: a
runner holds the database and has not picked the command up in time (${SUBMIT_WAIT_MS / 1000} s, or --wait). It will
apply it exactly once: do not send it again; \`fairsend command ID\` waits for the result.
With no runner up, this process applies the command itself.`;

class InputError extends Error {}

function dbOption(): Option {
  return new Option('--db <file>', 'SQLite database (or $FAIRSEND_DB)').default(process.env['FAIRSEND_DB'] ?? DEFAULT_DB);
}

function fail(message: string): never {
  process.stderr.write(`fairsend: ${message}\n`);
  process.exit(2);
}

/** Runs an action; expected refusals exit 2 with their message, bugs propagate (and crash). */
function guarded<A extends unknown[]>(action: (...args: A) => Promise<void> | void): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      await action(...args);
    } catch (err) {
      if (err instanceof ConfigError || err instanceof InputError || err instanceof RunnerStartError || err instanceof DatabaseError) fail(err.message);
      throw err;
    }
  };
}

function readText(file: string, option: string): string {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (err) {
    throw new InputError(`${option} ${file}: cannot read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  try {
    // Strict: a Latin-1 export would otherwise be sent with its accents turned into '\uFFFD'.
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new InputError(`${option} ${file}: not UTF-8 text (save it as UTF-8 and try again)`);
  }
}

function openExisting(file: string, readonly = false) {
  if (!existsSync(file)) throw new InputError(`--db ${file}: no such database (start the runner with \`fairsend run --config FILE --db ${file}\`)`);
  return openDatabase(file, { readonly });
}

/** "pid 4242, last heartbeat 12 s ago": enough to tell a busy runner from a stalled one. */
function holderText(holder: LockHolder): string {
  const age = holder.heartbeatAt === null ? 'no heartbeat yet' : `last heartbeat ${Math.max(0, Math.round((Date.now() - holder.heartbeatAt) / 1000))} s ago`;
  return `pid ${holder.pid}, ${age}`;
}

/** Exits 3: the command is queued, neither done nor failed; says who will apply it. */
function exitQueued(what: string, dbFile: string, submitted: Submitted & { state: 'queued' }): never {
  const who = submitted.holder === null
    ? 'no runner answered; the next runner or fairsend command on this database applies it'
    : `the runner holding the database (${holderText(submitted.holder)}) has not picked it up; it will apply it`;
  process.stderr.write(`fairsend: ${what}: queued as command ${submitted.commandId}, not applied yet: after ${submitted.waitedMs} ms ${who}. `
    + `Do not send it again; \`fairsend command ${submitted.commandId} --db ${dbFile}\` waits for its result.\n`);
  process.exit(EXIT_QUEUED);
}

function printSubmitted(what: string, dbFile: string, submitted: Submitted): void {
  if (submitted.state === 'queued') exitQueued(what, dbFile, submitted);
  const { result } = submitted;
  if (!result.ok) fail(`${what} refused: ${result.code}: ${result.message}`);
  process.stdout.write(result.value === null ? `${what}: done\n` : `${what}: done ${JSON.stringify(result.value)}\n`);
}

async function runCommand(what: string, dbFile: string, command: RunnerCommand): Promise<void> {
  const db = openExisting(dbFile);
  try {
    printSubmitted(what, dbFile, await submitCommand(db, command, SUBMIT_WAIT_MS));
  } finally {
    db.close();
  }
}

/** `fairsend command ID`: the outcome of a command sent earlier, waiting for it up to --wait. */
async function showCommand(idText: string, options: { db: string; wait: string }): Promise<void> {
  const id = positiveInt(idText, 'command id');
  const waitMs = nonNegativeInt(options.wait, '--wait', COMMAND_WAIT_MS_MAX);
  const db = openExisting(options.db);
  try {
    const row = commandRow(db, id);
    if (row === null) throw new InputError(`--db ${options.db}: there is no command ${id}`);
    printSubmitted(`command ${id} (${row.kind})`, options.db, await awaitCommand(db, id, waitMs));
  } finally {
    db.close();
  }
}

async function run(options: { config: string; db: string; http?: string }): Promise<void> {
  const config = loadRunnerConfig(options.config);
  const listen = options.http === undefined ? null : parseListenAddress(options.http);
  if (listen !== null && 'error' in listen) throw new InputError(listen.error);
  let runner: Runner | null = null;
  let server: Server | null = null;
  if (listen !== null) {
    try {
      server = await startStatusServer(() => runner, listen.host, listen.port);
    } catch (err) {
      throw new InputError(`--http ${options.http}: cannot listen: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
  }
  const logger = pino({ name: 'fairsend' });
  try {
    runner = createRunner(config, { dbFile: options.db, logger });
  } catch (err) {
    server?.close();
    throw err;
  }
  const started = runner;
  if (server !== null) logger.info({ http: options.http }, 'serving /status and /metrics');
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping: finishing sends in flight');
    server?.close();
    void started.stop().then(() => process.exit(0));
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
  started.start();
}

function positiveInt(text: string, what: string): number {
  if (!/^\d+$/.test(text) || Number(text) <= 0 || !Number.isSafeInteger(Number(text))) throw new InputError(`${what} must be a positive integer, got "${text}"`);
  return Number(text);
}

function nonNegativeInt(text: string, what: string, max: number): number {
  if (!/^\d+$/.test(text) || Number(text) > max) throw new InputError(`${what} must be an integer from 0 to ${max}, got "${text}"`);
  return Number(text);
}

/** Acceptance is printed only once the engine created the task (a refusal exits 2 before). */
function printTaskAdded(id: string, dbFile: string, accepted: number, rejected: number, submitted: Submitted, runnerUp: boolean): void {
  const counts = `${accepted} recipients accepted, ${rejected} rejected`;
  if (submitted.state === 'queued') exitQueued(`task ${id} (${accepted} recipients stored, ${rejected} rejected)`, dbFile, submitted);
  const { result } = submitted;
  if (!result.ok) fail(`task ${id} refused: ${result.code}: ${result.message}`);
  const value = result.value as { reserved: number; estimatedCompletionAt: number | null };
  // The engine estimates from now; with no runner up, nothing sends until one starts.
  const when = runnerUp ? '' : ' if a runner starts now (none is running: `fairsend run`)';
  process.stdout.write(`task ${id}: ${counts}; ${value.reserved} quota reserved, estimated completion ${isoTime(value.estimatedCompletionAt)}${when}\n`);
}

interface TaskAddOptions { db: string; user: string; csv: string; subject: string; text?: string; html?: string; id?: string; from?: string; services?: string }

async function taskAdd(options: TaskAddOptions): Promise<void> {
  if (options.text === undefined && options.html === undefined) throw new InputError('task add needs --text FILE or --html FILE');
  const csvText = readText(options.csv, '--csv');
  const template = {
    subject: options.subject,
    text: options.text === undefined ? undefined : readText(options.text, '--text'),
    html: options.html === undefined ? undefined : readText(options.html, '--html'),
  };
  const id = options.id ?? `t${Date.now().toString(36)}`;
  const db = openExisting(options.db);
  try {
    const services = options.services === undefined ? undefined : options.services.split(',').map((s) => s.trim());
    const imported = importTask(db, Date.now(), { id, user: options.user, csvText, template, from: options.from, services });
    for (const row of imported.rejected) process.stderr.write(`${options.csv}: rejected ${row.message} (${row.reason})\n`);
    if (!imported.ok) fail(`task add: ${imported.code === 'BAD_CSV' ? `${options.csv}: ` : ''}${imported.code}: ${printable(imported.message)}`);
    const submitted = await awaitCommand(db, imported.commandId, SUBMIT_WAIT_MS);
    printTaskAdded(id, options.db, imported.accepted, imported.rejected.length, submitted, liveRunnerPid(db) !== null);
  } finally {
    db.close();
  }
}

interface ServiceLine { id: string; state: string; pauseReason: string | null; pausedUntil: number | null; inFlight: number; sent: number }

/** An engine instant as ISO 8601; `unknown` when there is none (JSON turns Infinity into null). */
function isoTime(ms: number | null): string {
  return ms === null || !Number.isFinite(ms) || Math.abs(ms) > 8.64e15 ? 'unknown' : new Date(ms).toISOString();
}

function serviceLine(s: ServiceLine): string {
  const reason = s.pauseReason === null ? '' : `  reason=${s.pauseReason}`;
  const until = s.state === 'paused' ? `  until=${s.pausedUntil === null ? 'resumed by an operator' : isoTime(s.pausedUntil)}` : '';
  const hint = s.state === 'disabled' ? ` (\`fairsend service resume ${s.id}\` re-enables it)` : '';
  return `  ${s.id}  ${s.state}${hint}${reason}${until}  in_flight=${s.inFlight} sent=${s.sent}`;
}

function printStatus(report: StatusReport): void {
  const engine = report.engine as { is_running: boolean; active_queues: number; active_services: number; total_pending_subtasks: number; in_flight: number; services: ServiceLine[] } | null;
  const lines = [
    `runner: ${report.runner.pid === null ? 'not running' : `running (pid ${report.runner.pid})`}`,
    engine === null ? 'engine: not started yet' : `is_running=${engine.is_running} active_queues=${engine.active_queues} active_services=${engine.active_services} total_pending_subtasks=${engine.total_pending_subtasks} in_flight=${engine.in_flight}`,
    `pending commands: ${report.pendingCommands}`,
    'services:',
    ...(engine === null ? [] : engine.services.map(serviceLine)),
    'tasks:',
    ...report.tasks.map((t) => `  ${t.id}  user=${t.user}  ${t.state}  sent ${t.sent}/${t.total}  failed ${t.failed}`),
    'quota (from the ledger):',
    ...report.ledger.map((u) => `  ${u.user}  balance=${u.balance} reserved=${u.reserved} consumed=${u.consumed} granted=${u.granted}`),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

function registerTaskCommands(program: Command): void {
  const task = program.command('task').description('add and control campaigns');
  task.command('add').description('create a task from a contacts CSV')
    .requiredOption('--user <user>', 'owner').requiredOption('--csv <file>', 'contacts CSV (header with an email column)')
    .requiredOption('--subject <text>', 'subject, may use {{field}}')
    .option('--text <file>', 'plain-text body').option('--html <file>', 'HTML body')
    .option('--id <id>', 'task id (default: generated)').option('--from <address>', 'sender for this task')
    .option('--services <ids>', 'only these services may send it, separated by commas (default: any of the user\'s)')
    .addOption(dbOption()).addHelpText('after', EXIT_CODES_HELP)
    .action(guarded((options: TaskAddOptions) => taskAdd(options)));
  for (const verb of ['pause', 'resume', 'cancel'] as const) {
    task.command(`${verb} <id>`).description(`${verb} a task`).addOption(dbOption()).addHelpText('after', EXIT_CODES_HELP)
      .action(guarded((id: string, options: { db: string }) => runCommand(`task ${verb} ${id}`, options.db, { kind: `${verb}_task`, task: id })));
  }
}

/** Commands that change state through the commands table; each says how it ended by its exit code. */
function registerOperatorCommands(program: Command): void {
  registerTaskCommands(program);
  const service = program.command('service').description('pause or resume a sending service');
  for (const verb of ['pause', 'resume'] as const) {
    service.command(`${verb} <id>`).description(`${verb} a service`).addOption(dbOption()).addHelpText('after', EXIT_CODES_HELP)
      .action(guarded((id: string, options: { db: string }) => runCommand(`service ${verb} ${id}`, options.db, { kind: `${verb}_service`, service: id })));
  }
  program.command('quota').description('user quota').command('grant <user> <amount>').description('add sending credits')
    .addOption(dbOption()).addHelpText('after', EXIT_CODES_HELP)
    .action(guarded((user: string, amount: string, options: { db: string }) =>
      runCommand(`quota grant ${user}`, options.db, { kind: 'grant_quota', user, amount: positiveInt(amount, 'amount') })));
  program.command('command <id>').description('the result of a command sent earlier (e.g. one that exited 3), waiting for it')
    .option('--wait <ms>', `how long to wait for a queued command (0 to ${COMMAND_WAIT_MS_MAX})`, String(SUBMIT_WAIT_MS))
    .addOption(dbOption()).addHelpText('after', EXIT_CODES_HELP)
    .action(guarded((id: string, options: { db: string; wait: string }) => showCommand(id, options)));
}

export function registerRunnerCommands(program: Command): void {
  program.command('run').description('send for real: the engine on the wall clock')
    .requiredOption('--config <file>', 'runner config (YAML or JSON)').addOption(dbOption())
    .option('--http <host:port>', 'serve /status and /metrics, e.g. 127.0.0.1:9090')
    .action(guarded((options: { config: string; db: string; http?: string }) => run(options)));
  registerOperatorCommands(program);
  program.command('status').description('runner, engine, tasks and quota').option('--json', 'print JSON').addOption(dbOption())
    .action(guarded((options: { db: string; json?: boolean }) => {
      // Read-only: looking must never change the file (nor migrate it).
      const db = openExisting(options.db, true);
      try {
        const report = statusReport(db);
        if (options.json === true) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
        else printStatus(report);
      } finally {
        db.close();
      }
    }));
}

/** A message safe for a terminal: control characters (from a binary file, say) shown as '?'. */
function printable(text: string): string {
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, '?');
}
