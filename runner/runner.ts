// The real-time shell: the engine on the wall clock with ONE timer, armed at the earliest of the
// engine's next wake-up, the next command check and any pending crash resend. Each decision is
// committed to SQLite before it is acted on (a sub-task is in flight in the database before its
// SMTP call starts) and each outcome is committed before the next decision.
import { pino } from 'pino';
import type { Logger } from 'pino';
import type { Dispatch } from '../engine/index.ts';
import { hasPendingCommands } from './commands.ts';
import { ConfigError, messageIdDomainOf } from './config.ts';
import type { RunnerConfig } from './config.ts';
import { syncConfig } from './config-sync.ts';
import { buildMessage } from './message.ts';
import type { OutgoingMessage } from './message.ts';
import { createRunnerMetrics } from './metrics.ts';
import type { RunnerMetrics } from './metrics.ts';
import { engineOptionsOf, openRunnerCore } from './runner-core.ts';
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

interface Resend { dispatch: Dispatch; dueAt: number }

function buildTransports(config: RunnerConfig, options: RunnerOptions): Map<string, MailTransport> {
  const env = options.env ?? process.env;
  return new Map(config.services.map((service, i) => [
    service.id,
    options.transports?.[service.id] ?? createNodemailerTransport(service.transport, env, `services[${i}]`),
  ]));
}

/** Sub-tasks that were in flight when the previous process died, per the configured policy. */
function recoverInFlight(core: RunnerCore, config: RunnerConfig, log: Logger): Resend[] {
  const rows = core.db.prepare("SELECT r.task, r.idx, r.attempt, r.service, r.dispatched_at, t.user FROM recipients r JOIN tasks t ON t.id = r.task WHERE r.state = 'in_flight' ORDER BY r.dispatched_at, r.task, r.idx")
    .all() as { task: string; idx: number; attempt: number; service: string; dispatched_at: number; user: string }[];
  if (rows.length === 0) return [];
  log.warn({ count: rows.length, policy: config.inFlightOnRestart }, 'sub-tasks were in flight at the last stop');
  if (config.inFlightOnRestart === 'assume_sent') {
    core.commit((t) => rows.forEach((r) => {
      core.engine.report(t, { task: r.task, recipient: r.idx, result: 'sent', detail: 'assumed sent: in flight at a crash' });
    }));
    return [];
  }
  const interval = new Map(config.services.map((s) => [s.id, s.intervalMs]));
  // A resend is a start the engine does not know about: space the resends of one service by its
  // interval, after the start that was cut off.
  const lastStart = new Map<string, number>();
  return rows.map((r) => {
    const gap = interval.get(r.service) ?? 0;
    const dueAt = Math.max(r.dispatched_at, lastStart.get(r.service) ?? r.dispatched_at) + gap;
    lastStart.set(r.service, dueAt);
    return { dispatch: { t: r.dispatched_at, service: r.service, user: r.user, task: r.task, recipient: r.idx, attempt: r.attempt }, dueAt };
  });
}

/**
 * The engine may not start anything before this time: one interval after the last resend, so
 * the resends (unknown to the engine's start history) keep every service's interval. Windows may
 * count up to one extra start per resend; that is the documented price of at-least-once.
 */
function engineHoldUntil(resends: readonly Resend[], config: RunnerConfig): number {
  const interval = new Map(config.services.map((s) => [s.id, s.intervalMs]));
  return resends.reduce((until, r) => Math.max(until, r.dueAt + (interval.get(r.dispatch.service) ?? 0)), 0);
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
  const opened = openRunnerCore(db, engineOptionsOf(config), clock);
  if (opened === null) throw new RunnerStartError('cannot open the engine');
  const core: RunnerCore = opened;
  if (core.ignoredOptions.length > 0) {
    log.warn({ fields: core.ignoredOptions }, 'these engine options differ from the ones this database was created with; the database keeps its own');
  }
  const problems = syncConfig(core, config);
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
  let resends = recoverInFlight(core, config, log);
  let holdUntil = engineHoldUntil(resends, config);
  const intervalOf = new Map(config.services.map((s) => [s.id, s.intervalMs]));
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

  const finish = (d: Dispatch, report: SendReport): void => {
    const outcome = smtpOutcome(report.ok ? null : report.failure, report.ok ? report.response : '');
    const result = core.commit((t) => core.engine.report(t, { task: d.task, recipient: d.recipient, result: outcome.result, detail: outcome.detail }));
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
      finish(d, report);
    })().catch(fatal).finally(() => {
      sends.delete(send);
      if (!stopping) wake();
    });
    sends.add(send);
  };

  const fireResends = (now: number): void => {
    const due = resends.filter((r) => r.dueAt <= now);
    if (due.length === 0) return;
    resends = resends.filter((r) => r.dueAt > now);
    for (const r of due) {
      // The timer may fire late: keep the engine one interval behind the resend's actual start.
      holdUntil = Math.max(holdUntil, now + (intervalOf.get(r.dispatch.service) ?? 0));
      // Not an engine event, but on the log for audit: who got a second copy, and when.
      db.transaction(() => {
        db.prepare('UPDATE recipients SET sends = sends + 1 WHERE task = ? AND idx = ?').run(r.dispatch.task, r.dispatch.recipient);
        db.prepare('INSERT INTO events (t, type, body) VALUES (?, ?, ?)')
          .run(now, 'runner_resend', JSON.stringify({ t: now, type: 'runner_resend', service: r.dispatch.service, task: r.dispatch.task, recipient: r.dispatch.recipient, attempt: r.dispatch.attempt }));
      })();
      log.info({ service: r.dispatch.service, task: r.dispatch.task, recipient: r.dispatch.recipient }, 'resending a sub-task that was in flight at a crash');
      startSend(r.dispatch);
    }
  };

  const arm = (): void => {
    if (stopping) return;
    const now = core.now();
    let due = now + config.commandPollMs;
    const next = core.engine.nextWakeAt();
    if (next !== null) due = Math.min(due, Math.max(next, holdUntil));
    for (const r of resends) due = Math.min(due, r.dueAt);
    if (timer !== null && timerAt <= due) return;
    if (timer !== null) clearTimeout(timer);
    timerAt = due;
    timer = setTimeout(onTimer, Math.max(0, due - clock()));
  };

  function wake(): void {
    if (stopping) return;
    try {
      const now = core.now();
      if (hasPendingCommands(db)) core.applyPendingCommands();
      const next = core.engine.nextWakeAt();
      if (next !== null && next <= core.now() && core.now() >= holdUntil) {
        const polled = core.commit((t) => core.engine.poll(t));
        // The clock never goes backwards here (core.now clamps), so a refusal is a bug.
        if (!polled.ok) throw new Error(`engine refused poll: ${polled.error.code}: ${polled.error.message}`);
        for (const d of polled.value) startSend(d);
      }
      fireResends(now);
      if (now - lastHeartbeat >= HEARTBEAT_EVERY_MS) {
        heartbeat(db, now, process.pid);
        lastHeartbeat = now;
      }
      arm();
    } catch (err) {
      stopping = true;
      fatal(err);
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
