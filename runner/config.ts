// The runner's configuration file (YAML or JSON), validated once, here, with messages that name the
// field. Credentials are never written in the file: it names the environment variables to read.
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { isValidSender } from './contacts.ts';

const id = z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'must be 1-64 characters of A-Z a-z 0-9 . _ -');
const positiveInt = z.number().int().positive();
const sender = z.string().refine(isValidSender, 'must be an address such as shop@example.com or Shop <shop@example.com>');
const envName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an environment variable name');

function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

const windowSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('rolling'), limit: positiveInt, periodMs: positiveInt }),
  z.strictObject({
    kind: z.literal('fixed'), limit: positiveInt, periodMs: positiveInt, timeZone: z.string().refine(isTimeZone, 'must be an IANA time zone such as Europe/Paris').optional(),
  }).refine((w) => w.timeZone === undefined || w.periodMs === 3_600_000 || w.periodMs === 86_400_000, {
    message: 'with a timeZone, periodMs must be 3600000 (calendar hour) or 86400000 (calendar day)', path: ['periodMs'],
  }),
]);

const smtpTransport = z.strictObject({
  kind: z.literal('smtp'),
  host: z.string().min(1),
  port: z.number().int().min(1).max(65535),
  secure: z.boolean().default(false),
  /** Plain-text SMTP without STARTTLS: only for a local test server. */
  ignoreTLS: z.boolean().default(false),
  requireTLS: z.boolean().default(false),
  pool: z.boolean().default(false),
  auth: z.strictObject({ userEnv: envName, passEnv: envName }).optional(),
  connectionTimeoutMs: positiveInt.default(10_000),
  greetingTimeoutMs: positiveInt.default(10_000),
  socketTimeoutMs: positiveInt.default(60_000),
});
// Dry runs: nodemailer builds the full message and hands it back instead of sending it.
const jsonTransport = z.strictObject({ kind: z.literal('json') });
const streamTransport = z.strictObject({ kind: z.literal('stream') });

/**
 * Who may use a service: "all", a plain list of user ids, or, as in scenarios
 * (sim/scenario/schema.ts), `{ users, groups }` where a group is every user whose `group` names it.
 */
const accessSchema = z.union(
  [
    z.literal('all'),
    z.array(id),
    z.strictObject({ users: z.array(id).optional(), groups: z.array(id).optional() })
      .refine((a) => (a.users?.length ?? 0) + (a.groups?.length ?? 0) > 0, { error: 'must name at least one user or group' }),
  ],
  { error: 'must be "all", a list of user ids or { users: [...], groups: [...] }' },
);

const serviceSchema = z.strictObject({
  id,
  intervalMs: positiveInt,
  concurrency: positiveInt.default(1),
  windows: z.array(windowSchema).default([]),
  access: accessSchema.default('all'),
  from: sender.optional(),
  transport: z.discriminatedUnion('kind', [smtpTransport, jsonTransport, streamTransport]),
});

const userSchema = z.strictObject({
  id,
  quota: z.number().int().min(0).default(0),
  weight: positiveInt.default(1),
  /** A name that `services[].access.groups` can use for this user and the others that share it. */
  group: id.optional(),
});

export const runnerConfigSchema = z.strictObject({
  /** Default sender (required); a service's `from` or a task's `from` overrides it. */
  from: z.unknown().refine((v) => v !== undefined, { error: 'is required: the address mail is sent from unless a service or task says otherwise, e.g. "Shop <shop@example.com>"' }).pipe(sender),
  /** Right-hand side of the stable Message-ID; defaults to the domain of `from`. */
  messageIdDomain: z.string().regex(/^[A-Za-z0-9.-]+$/).optional(),
  policy: z.enum(['fair', 'round-robin', 'fifo']).default('fair'),
  retry: z.strictObject({
    // The engine's own limits (engine/options.ts), so that a config it would refuse is bad input here.
    maxAttempts: positiveInt.max(100), backoffMs: positiveInt, backoffFactor: z.number().min(1).max(100),
    backoffMaxMs: positiveInt,
  }).optional(),
  servicePause: z.strictObject({
    baseMs: positiveInt, factor: z.number().min(1).max(100), maxMs: positiveInt, disableAfter: positiveInt.max(1000),
  }).optional(),
  quotaWaitMs: positiveInt.optional(),
  chargeFailures: z.boolean().default(false),
  /**
   * What a restart does with sub-tasks that were in flight when the process died:
   * 'resend' (default, at-least-once: at most one duplicate per in-flight slot) or 'assume_sent'
   * (at-most-once: count them as sent without sending again).
   */
  inFlightOnRestart: z.enum(['resend', 'assume_sent']).default('resend'),
  /** How often the runner looks for commands written by the CLI (bounds their latency). */
  commandPollMs: positiveInt.max(1000).default(250),
  services: z.array(serviceSchema).min(1),
  users: z.array(userSchema).default([]),
});

export type RunnerConfig = z.infer<typeof runnerConfigSchema>;
export type ServiceConfig = z.infer<typeof serviceSchema>;
export type TransportConfig = ServiceConfig['transport'];
export type UserConfig = z.infer<typeof userSchema>;

/** A refusal at the edge: the message names the path of every bad field. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((text, key) => (typeof key === 'number' ? `${text}[${key}]` : text === '' ? String(key) : `${text}.${String(key)}`), '');
}

function checkCrossReferences(config: RunnerConfig): string[] {
  const problems: string[] = [];
  const seenServices = new Set<string>();
  config.services.forEach((service, i) => {
    if (seenServices.has(service.id)) problems.push(`services[${i}].id "${service.id}" is used twice`);
    seenServices.add(service.id);
  });
  const users = new Set<string>();
  config.users.forEach((user, i) => {
    if (users.has(user.id)) problems.push(`users[${i}].id "${user.id}" is used twice`);
    users.add(user.id);
  });
  const groups = new Set(config.users.flatMap((u) => (u.group === undefined ? [] : [u.group])));
  config.services.forEach((service, i) => {
    const { access } = service;
    if (access === 'all') return;
    if (Array.isArray(access)) {
      access.forEach((user, j) => {
        if (!users.has(user)) problems.push(`services[${i}].access[${j}] names unknown user "${user}"`);
      });
      return;
    }
    // Worded as the scenario resolver words them (sim/scenario/resolve-scenario.ts).
    for (const user of access.users ?? []) if (!users.has(user)) problems.push(`services[${i}].access.users names unknown user "${user}"`);
    for (const group of access.groups ?? []) if (!groups.has(group)) problems.push(`services[${i}].access.groups names unknown group "${group}"`);
  });
  return problems;
}

/**
 * The user ids a service's access stands for, as the engine takes them. A plain list is kept as
 * written; `{ users, groups }` becomes the config's users (in file order) that it names or that
 * belong to one of its groups, so adding a user to a group in the file gives it access on restart.
 */
export function accessOf(service: ServiceConfig, users: readonly UserConfig[]): 'all' | string[] {
  const { access } = service;
  if (access === 'all' || Array.isArray(access)) return access;
  const named = new Set(access.users ?? []);
  const groups = new Set(access.groups ?? []);
  return users.filter((u) => named.has(u.id) || (u.group !== undefined && groups.has(u.group))).map((u) => u.id);
}

/** Validates an already parsed document. Throws ConfigError listing every problem. */
export function parseRunnerConfig(raw: unknown, source = 'config'): RunnerConfig {
  const parsed = runnerConfigSchema.safeParse(raw);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => {
      const at = formatPath(issue.path);
      return `${source}: ${at === '' ? '(top level)' : at}: ${issue.message}`;
    });
    throw new ConfigError(lines.join('\n'));
  }
  const problems = checkCrossReferences(parsed.data);
  if (problems.length > 0) throw new ConfigError(problems.map((p) => `${source}: ${p}`).join('\n'));
  return parsed.data;
}

/** Reads and validates a YAML or JSON config file. Throws ConfigError for anything wrong. */
export function loadRunnerConfig(file: string): RunnerConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(`${file}: cannot read: ${(err as Error).message}`);
  }
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (err) {
    throw new ConfigError(`${file}: not valid YAML/JSON: ${(err as Error).message}`);
  }
  return parseRunnerConfig(raw, file);
}

/** The sender domain used for Message-IDs. */
export function messageIdDomainOf(config: RunnerConfig): string {
  if (config.messageIdDomain !== undefined) return config.messageIdDomain;
  const match = /@([A-Za-z0-9.-]+)>?\s*$/.exec(config.from);
  return match?.[1] ?? 'fairsend.invalid';
}
