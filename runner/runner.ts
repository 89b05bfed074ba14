// The real-time shell: the engine on the wall clock with ONE timer, armed at the earlier of the
// engine's next wake-up and the next command check. Each decision is
// committed to SQLite before it is acted on (a sub-task is in flight in the database before its
// SMTP call starts) and each outcome is committed before the next decision.
import { pino } from 'pino';
import type { Logger } from 'pino';
import type { Dispatch, EngineEvent } from '../engine/index.ts';
import { hasPendingCommands } from './commands.ts';
import { ConfigError, messageIdDomainOf } from './config.ts';
import type { RunnerConfig } from './config.ts';
import { syncConfig } from './config-sync.ts';
import { buildMessage } from './message.ts';
import type { OutgoingMessage } from './message.ts';
import { createRunnerMetrics } from './metrics.ts';
import type { RunnerMetrics } from './metrics.ts';
import { engineOptionsOf, isBusy, openRunnerCore } from './runner-core.ts';
import type { RunnerCore } from './runner-core.ts';
import { acquireLock, heartbeat, releaseLock } from './runner-lock.ts';
import { smtpOutcome } from './smtp-outcome.ts';
import { openDatabase } from './store.ts';
import { createNodemailerTransport } from './transport.ts';
import type { MailTransport, SendReport } from './transport.ts';

export interface RunnerOptions {
  /** SQLite file (created if missing). */
  dbFile: string;
  /** Where credentials named in the config are read (default process.env). */
  env?: Readonly<Record<string, string | undefined>>;
  clock?: () => number;
  logger?: Logger;
  /** Replace the transport built from the config for some services (tests, custom transports). */
  transports?: Readonly<Record<string, MailTransport>>;
  /** Called when the runner hits a bug (broken invariant, database error); default: crash. */
  onFatal?: (err: unknown) => void;
}

export interface Runner {
  readonly core: RunnerCore;
  readonly metrics: RunnerMetrics;
  start(): void;
  /** Stops dispatching, waits for sends in flight, persists, releases the database. */
  stop(): Promise<void>;
  status(): RunnerStatus;
  /** Runs a wake-up now (after an in-process change such as a command). */
  wake(): void;
}

export interface RunnerStatus {
  pid: number;
  running: boolean;
  sendsInFlight: number;
  engine: ReturnType<RunnerCore['engine']['status']>;
  tasks: { id: string; user: string; state: string; total: number; sent: number; failed: number }[];
}

export class RunnerStartError extends Error {
  override readonly name = 'RunnerStartError';
}

const HEARTBEAT_EVERY_MS = 1_000;
/** A database time this far ahead of the clock at start is worth a warning (sends wait for it). */
const CLOCK_AHEAD_WARN_MS = 60_000;
const TIMER_MAX_MS = 2_147_483_647;
/** How soon to try again when another process holds the database (each try also waits busy_timeout). */
const BUSY_RETRY_MS = 200;

function buildTransports(config: RunnerConfig, options: RunnerOptions): Map<string, MailTransport> {
  const env = options.env ?? process.env;
  return new Map(config.services.map((service, i) => [
    service.id,
    options.transports?.[service.id] ?? createNodemailerTransport(service.transport, env, `services[${i}]`),
  ]));
}

/**
 * Sub-tasks that were in flight when the previous process died, per the configured policy:
 * 'resend' hands them back to the engine unharmed (`requeue`), which sends them again at each
 * service's pace and counts both starts in the windows (at most one duplicate per in-flight slot);
 * 'assume_sent' records them as sent (at most once).
 */
function recoverInFlight(core: RunnerCore, config: RunnerConfig, log: Logger): void {
  const rows = core.db.prepare("SELECT task, idx FROM recipients WHERE state = 'in_flight' ORDER BY dispatched_at, task, idx")
    .all() as { task: string; idx: number }[];
  if (rows.length === 0) return;
  log.warn({ count: rows.length, policy: config.inFlightOnRestart }, 'sub-tasks were in flight at the last stop');
  core.commit((t) => {
    for (const r of rows) {
      const done = config.inFlightOnRestart === 'assume_sent'
        ? core.engine.report(t, { task: r.task, recipient: r.idx, result: 'sent', detail: 'assumed sent: in flight at a crash' })
        : core.engine.requeue(t, r.task, r.idx);
      if (!done.ok) throw new Error(`cannot recover ${r.task}#${r.idx}: ${done.error.code}: ${done.error.message}`);
    }
  });
}

/** An operator must see when the engine stops a service: one warn line per pause or disable. */
function serviceEventLogger(log: Logger): (events: readonly EngineEvent[]) => void {
  return (events) => {
    for (const e of events) {
      if (e.type === 'service_disabled') {
        log.warn({ service: e.service, reason: e.reason }, `service ${e.service} disabled (${e.reason}); \`fairsend service resume ${e.service}\` re-enables it`);
      } else if (e.type === 'service_paused') {
        const until = e.resumeAt === null ? 'until resumed' : `until ${new Date(e.resumeAt).toISOString()}`;
        log.warn({ service: e.service, reason: e.reason, resumeAt: e.resumeAt }, `service ${e.service} paused (${e.reason}) ${until}`);
      }
    }
  };
}

export function createRunner(config: RunnerConfig, options: RunnerOptions): Runner {
  const log = options.logger ?? pino({ name: 'fairsend' });
  const clock = options.clock ?? Date.now;
  const transports = buildTransports(config, options);
  const db = openDatabase(options.dbFile);
  const lock = acquireLock(db, clock(), process.pid);
  if (!lock.ok) {
    db.close();
    throw new RunnerStartError(`${options.dbFile}: another runner (pid ${lock.pid}) is using this database`);
  }
  const opened = openRunnerCore(db, engineOptionsOf(config), clock, serviceEventLogger(log));
  if (opened === null) throw new RunnerStartError('cannot open the engine');
  const core: RunnerCore = opened;
  if (core.aheadMs > CLOCK_AHEAD_WARN_MS) {
    // The engine's time never goes back, so nothing is sent until this machine's clock catches up.
    log.warn({ aheadMs: core.aheadMs }, `the database's last recorded time is ${Math.round(core.aheadMs / 1000)} s ahead of this machine's clock (was it set back, or did a runner with a clock ahead use this database?): sending waits until the clock catches up`);
  }
  if (core.ignoredOptions.length > 0) {
    log.warn({ fields: core.ignoredOptions }, 'these engine options differ from the ones this database was created with; the database keeps its own');
  }
  const problems = syncConfig(core, config, (path, message) => log.warn({ path }, message));
  if (problems.length > 0) {
    // The engine checks what zod cannot (e.g. a time zone name); a refused config is bad input.
    releaseLock(db, process.pid);
    db.close();
    throw new ConfigError(problems.map((p) => `${p.path}: ${p.message}`).join('\n'));
  }
  const domain = messageIdDomainOf(config);
  const senders = new Map(config.services.map((s) => [s.id, s.from ?? config.from]));
  const metrics = createRunnerMetrics(() => core.engine.status());
  const sends = new Set<Promise<void>>();
  recoverInFlight(core, config, log);
  let timer: NodeJS.Timeout | null = null;
  let timerAt = Number.POSITIVE_INFINITY;
  let stopping = false;
  let started = false;
  let lastHeartbeat = 0;
  const fatal = options.onFatal ?? ((err: unknown) => { setImmediate(() => { throw err; }); });

  const compose = (d: Dispatch): OutgoingMessage => {
    const row = db.prepare('SELECT r.address, r.fields, t.subject, t.text, t.html, t.sender FROM recipients r JOIN tasks t ON t.id = r.task WHERE r.task = ? AND r.idx = ?')
      .get(d.task, d.recipient) as { address: string; fields: string; subject: string; text: string | null; html: string | null; sender: string | null } | undefined;
    if (row === undefined) throw new Error(`recipient ${d.task}#${d.recipient} is not in the database`);
    return buildMessage({
      template: { subject: row.subject, text: row.text ?? undefined, html: row.html ?? undefined },
      from: row.sender ?? senders.get(d.service) ?? config.from, to: row.address,
      fields: JSON.parse(row.fields) as Record<string, string>, task: d.task, recipient: d.recipient, messageIdDomain: domain,
    });
  };

  const finish = async (d: Dispatch, report: SendReport): Promise<void> => {
    const outcome = smtpOutcome(report.ok ? null : report.failure, report.ok ? report.response : '');
    const result = await whenNotBusy(() => core.commit((t) => core.engine.report(t, { task: d.task, recipient: d.recipient, result: outcome.result, detail: outcome.detail })));
    metrics.countSend(d.service, outcome.result);
    const fields = { service: d.service, task: d.task, recipient: d.recipient, attempt: d.attempt, result: outcome.result, rule: outcome.rule, detail: outcome.detail };
    if (!result.ok) log.warn({ ...fields, code: result.error.code }, `engine refused the outcome: ${result.error.message}`);
    else if (outcome.result === 'sent') log.info(fields, 'sent');
    else log.warn(fields, 'not sent');
  };

  const startSend = (d: Dispatch): void => {
    const transport = transports.get(d.service);
    const send = (async () => {
      const report: SendReport = transport === undefined
        ? { ok: false, failure: { code: 'ECONFIG', message: `no transport for service ${d.service}` } }
        : await transport.send(compose(d));
      // Also while stopping: a graceful stop finishes and records what is in flight.
      await finish(d, report);
    })().catch(fatal).finally(() => {
      sends.delete(send);
      if (!stopping) wake();
    });
    sends.add(send);
  };

  const arm = (): void => {
    if (stopping) return;
    const now = core.now();
    let due = now + config.commandPollMs;
    const next = core.engine.nextWakeAt();
    if (next !== null) due = Math.min(due, next);
    if (timer !== null && timerAt <= due) return;
    if (timer !== null) clearTimeout(timer);
    timerAt = due;
    // Node's timers hold at most 2^31 - 1 ms (about 24.8 days); a later wake-up is re-armed on the way.
    timer = setTimeout(onTimer, Math.min(TIMER_MAX_MS, Math.max(0, due - clock())));
  };

  function wake(): void {
    if (stopping) return;
    try {
      const now = core.now();
      if (hasPendingCommands(db)) core.applyPendingCommands();
      const next = core.engine.nextWakeAt();
      if (next !== null && next <= core.now()) {
        const polled = core.commit((t) => core.engine.poll(t));
        // The clock never goes backwards here (core.now clamps), so a refusal is a bug.
        if (!polled.ok) throw new Error(`engine refused poll: ${polled.error.code}: ${polled.error.message}`);
        for (const d of polled.value) startSend(d);
      }
      if (now - lastHeartbeat >= HEARTBEAT_EVERY_MS) {
        heartbeat(db, now, process.pid);
        lastHeartbeat = now;
      }
      arm();
    } catch (err) {
      if (isBusy(err)) {
        // Another process holds the database (a large `task add`): nothing was done; try again soon.
        log.warn({ code: (err as { code: string }).code }, 'database busy (another process is writing); retrying');
        if (timer !== null) clearTimeout(timer);
        timerAt = clock() + BUSY_RETRY_MS;
        timer = setTimeout(onTimer, BUSY_RETRY_MS);
        return;
      }
      stopping = true;
      fatal(err);
    }
  }

  /** Runs a commit, waiting out a busy database: an outcome must be recorded, never dropped. */
  async function whenNotBusy<T>(fn: () => T): Promise<T> {
    for (;;) {
      try {
        return fn();
      } catch (err) {
        if (!isBusy(err)) throw err;
        log.warn({ code: (err as { code: string }).code }, 'database busy (another process is writing); retrying the outcome');
        await new Promise((resolve) => { setTimeout(resolve, BUSY_RETRY_MS); });
      }
    }
  }

  function onTimer(): void {
    timer = null;
    timerAt = Number.POSITIVE_INFINITY;
    wake();
  }

  return {
    core, metrics,
    start() {
      if (started) return;
      started = true;
      log.info({ services: config.services.map((s) => s.id), db: options.dbFile }, 'runner started');
      wake();
    },
    async stop() {
      if (stopping && db.open === false) return;
      stopping = true;
      if (timer !== null) clearTimeout(timer);
      timer = null;
      // Bounded: every send ends by the transport's own timeouts (connection/greeting/socket).
      await Promise.allSettled([...sends]);
      for (const transport of transports.values()) transport.close();
      if (db.open) {
        releaseLock(db, process.pid);
        db.close();
      }
      log.info('runner stopped');
    },
    status() {
      const tasks = db.open
        ? db.prepare('SELECT id, user, state, total, sent, failed FROM tasks ORDER BY created_at, id').all() as RunnerStatus['tasks']
        : [];
      return { pid: process.pid, running: !stopping, sendsInFlight: sends.size, engine: core.engine.status(), tasks };
    },
    wake,
  };
}
