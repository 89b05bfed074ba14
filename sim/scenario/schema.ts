// The scenario file format (JSON or YAML), as one zod schema. Every refinement carries a message
// phrased to follow the field's path ("services[3].intervalMs must be a positive integer"), so that
// `load-scenario.ts` can print "<path> <message>, got <value>" without rewording anything.
import { z } from 'zod';
import { MAX_WEIGHT } from '../../engine/index.ts';
import { PRESET_NAMES } from './presets.ts';

const DAY_MS = 86_400_000;
/** Upper bounds that refuse absurd sizes before anything is generated (see also `limits.ts`). */
export const MAX_DURATION_MS = 366 * DAY_MS;
export const MAX_SERVICES = 10_000;
export const MAX_USERS = 100_000;

/** A user's quota and a grant: the engine's own bound (engine/engine.ts), named here with the field. */
export const MAX_QUOTA = 1e12;
/** The largest weight of a user or a task: the engine's own bound, so that the message names the field. */
export { MAX_WEIGHT };
/** The largest campaign the simulator generates or accepts. */
export const MAX_TASK_RECIPIENTS = 10_000_000;

/**
 * An integer in [min, max]. Too large a value says so: "must be a non-negative integer" would be
 * wrong about 1e20, which is one (zod reports it as too big for both checks: one message serves).
 */
const int = (min: number, max: number, what: string) => {
  const tooBig = max === Number.MAX_SAFE_INTEGER ? `must be at most ${max}` : `must be ${what}`;
  return z
    .number({ error: `must be ${what}` })
    .int({ error: (issue) => (issue.code === 'too_big' ? tooBig : `must be ${what}`) })
    .min(min, { error: `must be ${what}` })
    .max(max, { error: tooBig });
};

const posInt = (max = Number.MAX_SAFE_INTEGER) =>
  int(1, max, max === Number.MAX_SAFE_INTEGER ? 'a positive integer' : `an integer from 1 to ${max}`);
const nonNegInt = (max = Number.MAX_SAFE_INTEGER) =>
  int(0, max, max === Number.MAX_SAFE_INTEGER ? 'a non-negative integer' : `an integer from 0 to ${max}`);
const durationMs = () => int(0, MAX_DURATION_MS, `a whole number of milliseconds from 0 to ${MAX_DURATION_MS}`);
const positiveNumber = () =>
  z.number({ error: 'must be a finite positive number' }).positive({ error: 'must be a finite positive number' })
    .max(1e15, { error: 'must be a finite positive number' });
const rate = () =>
  z.number({ error: 'must be a number from 0 to 1' }).min(0, { error: 'must be a number from 0 to 1' })
    .max(1, { error: 'must be a number from 0 to 1' });
const id = () =>
  z.string({ error: 'must be a non-empty string' }).min(1, { error: 'must be a non-empty string' })
    .max(200, { error: 'must be at most 200 characters' });

/** Real-valued distributions; a plain number means `{ kind: 'fixed', value }`. */
export const distributionSchema = z.union(
  [
    z.number({ error: 'must be a number' }).min(0, { error: 'must not be negative' }).max(1e15, { error: 'is too large' })
      .transform((value) => ({ kind: 'fixed' as const, value })),
    z.discriminatedUnion(
      'kind',
      [
        z.strictObject({ kind: z.literal('fixed'), value: z.number().min(0).max(1e15) }),
        z.strictObject({ kind: z.literal('uniform'), min: z.number().min(0).max(1e15), max: z.number().min(0).max(1e15) })
          .refine((d) => d.min <= d.max, { error: 'max must be at least min' }),
        z.strictObject({ kind: z.literal('exponential'), mean: positiveNumber() }),
        z.strictObject({ kind: z.literal('lognormal'), median: positiveNumber(), sigma: z.number().min(0).max(10), max: positiveNumber().optional() }),
        z.strictObject({ kind: z.literal('pareto'), min: positiveNumber(), alpha: positiveNumber(), max: positiveNumber().optional() }),
      ],
      { error: 'must be a number or a distribution with kind fixed, uniform, exponential, lognormal or pareto' },
    ),
  ],
  { error: 'must be a number or a distribution object' },
);

/** The engine's own bound (engine/rate-window.ts): checked here too, so the message names the field and file. */
const MAX_WINDOW_LIMIT = 1_000_000_000;
const HOUR_MS = 3_600_000;

/** Whether this runtime knows the IANA zone, tested the way the engine's calendar does (Intl). */
function isKnownTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return true;
  } catch {
    return false;
  }
}

// The engine refuses these windows too, but its message cannot name the scenario file or field.
const windowSchema = z.strictObject({
  kind: z.enum(['rolling', 'fixed'], { error: 'must be "rolling" or "fixed"' }),
  limit: posInt(MAX_WINDOW_LIMIT),
  periodMs: posInt(MAX_DURATION_MS),
  timeZone: z.string().min(1).refine(isKnownTimeZone, { error: 'must be an IANA time zone such as Europe/Paris' }).optional(),
}).superRefine((w, ctx) => {
  if (w.timeZone === undefined || !isKnownTimeZone(w.timeZone)) return;
  if (w.kind !== 'fixed') ctx.addIssue({ code: 'custom', path: ['timeZone'], input: w.timeZone, message: 'applies to fixed windows only' });
  else if (w.periodMs !== HOUR_MS && w.periodMs !== DAY_MS) {
    ctx.addIssue({ code: 'custom', path: ['periodMs'], input: w.periodMs, message: `must be ${HOUR_MS} (an hour) or ${DAY_MS} (a day) with a timeZone` });
  }
}).meta({
  // The refinement above, for editors (refinements do not export to JSON Schema by themselves).
  allOf: [{ if: { required: ['timeZone'] }, then: { properties: { kind: { const: 'fixed' }, periodMs: { enum: [HOUR_MS, DAY_MS] } } } }],
});

const accessSchema = z.union(
  [
    z.literal('all'),
    z.strictObject({ users: z.array(id()).optional(), groups: z.array(id()).optional() })
      .refine((a) => (a.users?.length ?? 0) + (a.groups?.length ?? 0) > 0, { error: 'must name at least one user or group' }),
  ],
  { error: 'must be "all" or { users: [...], groups: [...] }' },
);

const serviceSchema = z
  .strictObject({
    id: id(),
    preset: z.enum(PRESET_NAMES, { error: `must be one of ${PRESET_NAMES.join(', ')}` }).optional(),
    /**
     * Several identical services: ids become `${id}-1` … `${id}-${count}`. 0 leaves the service out,
     * so that a sweep can ask whether it is needed at all (`--vary services.ses.count=0,1,2`).
     */
    count: nonNegInt(MAX_SERVICES).default(1),
    intervalMs: posInt(DAY_MS).optional(),
    concurrency: posInt(1000).optional(),
    windows: z.array(windowSchema).max(8).optional(),
    access: accessSchema.default('all'),
    /** SMTP latency on this service; overrides `faults.latencyMs`. */
    latencyMs: distributionSchema.optional(),
  })
  .refine((s) => s.preset !== undefined || s.intervalMs !== undefined, {
    error: 'needs either a preset or an intervalMs',
  })
  .meta({ anyOf: [{ required: ['preset'] }, { required: ['intervalMs'] }] });

const userSchema = z.strictObject({
  id: id(),
  quota: nonNegInt(MAX_QUOTA).default(1_000_000),
  weight: posInt(MAX_WEIGHT).default(1),
  group: id().optional(),
});

const arrivalsSchema = z.discriminatedUnion(
  'kind',
  [
    /** Poisson arrivals at a constant rate of `perDay` campaigns per user per day. */
    z.strictObject({ kind: z.literal('poisson'), perDay: positiveNumber() }),
    /** Poisson arrivals whose rate follows a 24-hour curve of relative weights (hour 0 = 00:00 UTC). */
    z.strictObject({
      kind: z.literal('curve'),
      perDay: positiveNumber(),
      hourly: z.array(z.number().min(0).max(1e6)).length(24, { error: 'must list 24 hourly weights' })
        .refine((h) => h.some((w) => w > 0), { error: 'must have at least one positive weight' })
        .meta({ contains: { type: 'number', exclusiveMinimum: 0 } }),
    }),
  ],
  { error: 'must be { kind: "poisson", perDay } or { kind: "curve", perDay, hourly }' },
);

/**
 * A group's per-user quota, weight and campaign size may be drawn from a distribution (draws are
 * rounded to integers and kept within the field's range); a fixed value must already be a whole
 * number in that range, so that nothing the file says is silently changed.
 */
const GROUP_INTEGERS = [
  { field: 'quota', min: 0, max: MAX_QUOTA },
  { field: 'weight', min: 1, max: MAX_WEIGHT },
  { field: 'recipients', min: 1, max: MAX_TASK_RECIPIENTS },
] as const;

const userGroupSchema = z.strictObject({
  name: id(),
  count: posInt(MAX_USERS),
  quota: distributionSchema.default({ kind: 'fixed', value: 1_000_000 }),
  weight: distributionSchema.default({ kind: 'fixed', value: 1 }),
  arrivals: arrivalsSchema,
  recipients: distributionSchema,
  maxLatenessMs: durationMs().optional(),
}).superRefine((g, ctx) => {
  for (const { field, min, max } of GROUP_INTEGERS) {
    const d = g[field];
    if (d.kind !== 'fixed' || (Number.isInteger(d.value) && d.value >= min && d.value <= max)) continue;
    ctx.addIssue({ code: 'custom', path: [field], input: d.value, message: `must be an integer from ${min} to ${max} (or a distribution)` });
  }
});

const taskSchema = z.strictObject({
  id: id().optional(),
  at: durationMs(),
  user: id(),
  recipients: posInt(MAX_TASK_RECIPIENTS),
  startAt: durationMs().optional(),
  maxLatenessMs: durationMs().optional(),
  weight: posInt(MAX_WEIGHT).optional(),
  /** Only these services may send it (ids; a counted service's base id covers all its copies). */
  services: z.array(id()).min(1, { error: 'must name at least one service' }).max(1000).optional(),
});

const traceSchema = z.strictObject({
  /** Relative to the scenario file. */
  file: z.string().min(1),
  format: z.enum(['csv', 'jsonl']).optional(),
  /** Quota for trace users that the scenario does not declare; default: exactly their demand. */
  defaultQuota: nonNegInt(MAX_QUOTA).optional(),
  /** Columns (CSV) or keys (JSONL) of a platform's export to skip; any other unknown one is refused. */
  ignoreColumns: z.array(z.string().min(1).max(200)).max(100).optional(),
});

const domainSchema = z.strictObject({
  name: id(),
  share: positiveNumber(),
  deferralRate: rate().optional(),
  bounceRate: rate().optional(),
});

const outageSchema = z.strictObject({
  /** Service ids (a counted service's base id covers all its copies), or "all". */
  services: z.union([z.literal('all'), z.array(id()).min(1)]).default('all'),
  meanBetweenMs: posInt(MAX_DURATION_MS),
  durationMs: distributionSchema,
});

const faultsSchema = z.strictObject({
  latencyMs: distributionSchema.default({ kind: 'fixed', value: 0 }),
  deferralRate: rate().default(0),
  bounceRate: rate().default(0),
  domains: z.array(domainSchema).max(1000).default([]),
  /** Chance that a send meets a throttling reply (421 4.7.0): a service error, not a bounce. */
  throttleRate: rate().default(0),
  outages: z.array(outageSchema).max(100).default([]),
});

const at = durationMs();
const actionSchema = z.discriminatedUnion(
  'kind',
  [
    z.strictObject({ at, kind: z.enum(['pauseTask', 'resumeTask', 'cancelTask']), task: id() }),
    // The engine refuses a resume time that is not after the pause: refused here, naming the field.
    z.strictObject({ at, kind: z.literal('pauseService'), service: id(), resumeAt: durationMs().optional() })
      .superRefine((a, ctx) => {
        if (a.resumeAt !== undefined && a.resumeAt <= a.at) ctx.addIssue({ code: 'custom', path: ['resumeAt'], input: a.resumeAt, message: `must be after the action's at (${a.at})` });
      }),
    z.strictObject({ at, kind: z.enum(['resumeService', 'disableService']), service: id() }),
    z.strictObject({ at, kind: z.literal('grantQuota'), user: id(), amount: posInt(MAX_QUOTA) }),
    z.strictObject({ at, kind: z.enum(['suspendUser', 'resumeUser']), user: id() }),
  ],
  { error: 'must have a kind among pauseTask, resumeTask, cancelTask, pauseService, resumeService, disableService, grantQuota, suspendUser, resumeUser' },
);

const expectationsSchema = z.strictObject({
  p50CompletionMs: nonNegInt().optional(),
  p90CompletionMs: nonNegInt().optional(),
  p99CompletionMs: nonNegInt().optional(),
  maxCompletionMs: nonNegInt().optional(),
  p99FirstSendMs: nonNegInt().optional(),
  minJainIndex: rate().optional(),
  /** Campaigns still unfinished when the run ends. */
  maxUnfinished: nonNegInt().optional(),
  /** Campaigns the engine refused at creation (quota exhausted, no usable service, …). */
  maxRefused: nonNegInt().optional(),
  maxViolations: nonNegInt().default(0),
});

export const POLICIES = ['fair', 'round-robin', 'fifo'] as const;
export type PolicyName = (typeof POLICIES)[number];

const engineSchema = z.strictObject({
  retry: z.strictObject({
    maxAttempts: posInt(100), backoffMs: posInt(DAY_MS), backoffFactor: positiveNumber(), backoffMaxMs: posInt(MAX_DURATION_MS),
  }).partial().optional(),
  servicePause: z.strictObject({
    baseMs: posInt(DAY_MS), factor: positiveNumber(), maxMs: posInt(MAX_DURATION_MS), disableAfter: posInt(1000),
  }).partial().optional(),
  quotaWaitMs: posInt(MAX_DURATION_MS).optional(),
  chargeFailures: z.boolean().optional(),
});

export const scenarioSchema = z.strictObject({
  $schema: z.string().optional(),
  name: id().default('scenario'),
  description: z.string().max(10_000).optional(),
  seed: nonNegInt(2 ** 32 - 1).default(1),
  /** Arrivals happen in [0, durationMs); the run then drains for up to `drainMs` more. */
  durationMs: posInt(MAX_DURATION_MS),
  drainMs: durationMs().optional(),
  // A policy listed twice would run twice and write one event log over the other.
  policies: z.array(z.enum(POLICIES, { error: `must be one of ${POLICIES.join(', ')}` })).min(1, { error: `must name at least one policy (${POLICIES.join(', ')})` })
    .refine((p) => new Set(p).size === p.length, { error: 'must not name a policy twice' })
    .default(['fair', 'round-robin', 'fifo']),
  engine: engineSchema.optional(),
  services: z.array(serviceSchema).min(1, { error: 'must list at least one service' }).max(MAX_SERVICES),
  users: z.array(userSchema).max(MAX_USERS).default([]),
  userGroups: z.array(userGroupSchema).max(1000).default([]),
  tasks: z.array(taskSchema).max(1_000_000).default([]),
  trace: traceSchema.optional(),
  faults: faultsSchema.prefault({}),
  actions: z.array(actionSchema).max(100_000).default([]),
  expectations: expectationsSchema.optional(),
});

/** A scenario as written in a file (before defaults). */
export type ScenarioInput = z.input<typeof scenarioSchema>;
/** A scenario after validation and defaults, before generation. */
export type Scenario = z.output<typeof scenarioSchema>;
export type ServiceSpec = Scenario['services'][number];
export type UserGroupSpec = Scenario['userGroups'][number];
export type ActionSpec = Scenario['actions'][number];
export type Expectations = z.output<typeof expectationsSchema>;
export type Faults = Scenario['faults'];
export type EngineSettings = NonNullable<Scenario['engine']>;
export type TaskInput = Scenario['tasks'][number];

/** The JSON Schema of scenario files, for editors (`fairsend schema`). */
export function scenarioJsonSchema(): unknown {
  return z.toJSONSchema(scenarioSchema, { io: 'input', unrepresentable: 'any' });
}
