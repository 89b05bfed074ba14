// The mail transport port: `send` never throws, it answers with the server's acceptance or the
// failure fields that smtp-outcome.ts maps. One real adapter (nodemailer: SMTP, JSON, stream) and
// one in-memory double; test/runner/transport-contract.test.ts runs the same suite against both.
import nodemailer from 'nodemailer';
import { ConfigError } from './config.ts';
import type { TransportConfig } from './config.ts';
import type { OutgoingMessage } from './message.ts';
import type { TransportFailure } from './smtp-outcome.ts';

export type SendReport = { ok: true; response: string } | { ok: false; failure: TransportFailure };

export interface MailTransport {
  readonly name: string;
  send(message: OutgoingMessage): Promise<SendReport>;
  close(): void;
}

type Env = Readonly<Record<string, string | undefined>>;

/** Replaces every secret value in a text (defence in depth: details end up in logs and the DB). */
export function redact(text: string, secrets: readonly string[]): string {
  return secrets.reduce((out, secret) => (secret.length >= 3 ? out.split(secret).join('[redacted]') : out), text);
}

function readAuth(config: TransportConfig, env: Env, where: string): { user: string; pass: string } | undefined {
  if (config.kind !== 'smtp' || config.auth === undefined) return undefined;
  const user = env[config.auth.userEnv];
  const pass = env[config.auth.passEnv];
  // Name the variable, never its value.
  if (user === undefined || user === '') throw new ConfigError(`${where}.auth.userEnv: environment variable ${config.auth.userEnv} is not set`);
  if (pass === undefined || pass === '') throw new ConfigError(`${where}.auth.passEnv: environment variable ${config.auth.passEnv} is not set`);
  return { user, pass };
}

function nodemailerOptions(config: TransportConfig, auth: { user: string; pass: string } | undefined): Parameters<typeof nodemailer.createTransport>[0] {
  if (config.kind === 'json') return { jsonTransport: true };
  if (config.kind === 'stream') return { streamTransport: true, buffer: true };
  return {
    host: config.host, port: config.port, secure: config.secure, ignoreTLS: config.ignoreTLS,
    requireTLS: config.requireTLS, ...(config.pool ? { pool: true as const } : {}),
    ...(auth === undefined ? {} : { auth }),
    connectionTimeout: config.connectionTimeoutMs, greetingTimeout: config.greetingTimeoutMs,
    socketTimeout: config.socketTimeoutMs, disableFileAccess: true, disableUrlAccess: true,
  } as Parameters<typeof nodemailer.createTransport>[0];
}

function failureOf(err: unknown, secrets: readonly string[]): TransportFailure {
  const e = (err ?? {}) as Record<string, unknown>;
  const text = (v: unknown): string | undefined => (typeof v === 'string' ? redact(v, secrets) : undefined);
  return {
    code: text(e['code']),
    responseCode: typeof e['responseCode'] === 'number' ? e['responseCode'] : undefined,
    response: text(e['response']),
    command: text(e['command']),
    statusCode: typeof e['statusCode'] === 'number' ? e['statusCode'] : undefined,
    name: text(e['name']),
    message: text(e['message']),
  };
}

/** A nodemailer transport for one service. `where` names the config path for error messages. */
export function createNodemailerTransport(config: TransportConfig, env: Env, where: string): MailTransport {
  const auth = readAuth(config, env, `${where}.transport`);
  const secrets = auth === undefined ? [] : [auth.pass];
  const transporter = nodemailer.createTransport(nodemailerOptions(config, auth));
  return {
    name: config.kind,
    async send(message) {
      try {
        const info = (await transporter.sendMail(message)) as { response?: unknown; messageId?: string };
        const response = typeof info.response === 'string' ? info.response : `accepted ${info.messageId ?? ''}`;
        return { ok: true, response: redact(response, secrets) };
      } catch (err) {
        return { ok: false, failure: failureOf(err, secrets) };
      }
    },
    close() {
      transporter.close();
    },
  };
}

export interface MemoryTransport extends MailTransport {
  readonly sent: OutgoingMessage[];
  /** Next send to this address fails with these fields (consumed once); `times` repeats it. */
  failNext(address: string, failure: TransportFailure, times?: number): void;
}

/** The in-memory double: accepts everything unless told otherwise, records what it accepted. */
export function createMemoryTransport(): MemoryTransport {
  const sent: OutgoingMessage[] = [];
  const failures = new Map<string, { failure: TransportFailure; times: number }>();
  return {
    name: 'memory',
    sent,
    failNext(address, failure, times = 1) {
      failures.set(address.toLowerCase(), { failure, times });
    },
    send(message) {
      const key = message.to.toLowerCase();
      const scripted = failures.get(key);
      if (scripted !== undefined) {
        if (scripted.times <= 1) failures.delete(key);
        else scripted.times -= 1;
        return Promise.resolve({ ok: false, failure: scripted.failure });
      }
      sent.push(message);
      return Promise.resolve({ ok: true, response: `250 OK: message queued ${message.messageId}` });
    },
    close() {},
  };
}
