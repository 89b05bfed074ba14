// From a validated scenario to the exact workload the simulator runs: presets applied, counted
// services expanded, generated users and arrivals drawn from seeded streams, trace rows merged,
// access sets expanded to user ids, outages drawn. Pure: the same scenario, trace and seed give the
// same resolved scenario. Cross-references (a task's user, an action's target, a user with no
// service) are checked here, since the schema sees one field at a time.
import { meanOf, sampleInt } from '../distribution.ts';
import type { Distribution } from '../distribution.ts';
import { stream } from '../rng.ts';
import type { Uniform } from '../rng.ts';
import { SERVICE_PRESETS } from './presets.ts';
import type { PresetWindow } from './presets.ts';
import { MAX_QUOTA, MAX_SERVICES, MAX_TASK_RECIPIENTS, MAX_USERS, MAX_WEIGHT } from './schema.ts';
import type { ActionSpec, EngineSettings, Expectations, Faults, PolicyName, Scenario, ServiceSpec, UserGroupSpec } from './schema.ts';
import type { Checked } from './load-scenario.ts';
import type { TraceRow } from './trace.ts';

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
/** Refuse workloads that would not fit in memory or finish in reasonable time. */
export const MAX_TASKS = 5_000_000;
export const MAX_SENDS = 200_000_000;

export type AccessSpec = 'all' | { users?: string[]; groups?: string[] };

export interface ResolvedService {
  id: string;
  preset?: string;
  intervalMs: number;
  concurrency: number;
  windows: PresetWindow[];
  /** As written (groups and users) — what the summary shows. */
  accessSpec: AccessSpec;
  /** Expanded to user ids; shared between services with the same spec. */
  access: 'all' | readonly string[];
  latencyMs: Distribution;
  /** Outage intervals as flat [start0, end0, start1, end1, …], sorted, non-overlapping. */
  outages: number[];
}

export interface ResolvedUser {
  id: string;
  quota: number;
  weight: number;
  group?: string;
}

export interface Arrival {
  at: number;
  id: string;
  user: string;
  recipients: number;
  startAt?: number;
  maxLatenessMs?: number;
  weight?: number;
  /**
   * The services it is restricted to (resolved ids), if any. Empty only in a sweep point that left
   * out every service it names: no service can send it, and the simulator refuses it as the engine
   * refuses a campaign no service can take (NO_AVAILABLE_SERVICE).
   */
  services?: string[];
}

export interface ResolvedScenario {
  name: string;
  description?: string;
  seed: number;
  durationMs: number;
  /** The run stops here even if work remains (`durationMs + drainMs`). */
  endAt: number;
  policies: PolicyName[];
  engine: EngineSettings;
  services: ResolvedService[];
  users: ResolvedUser[];
  /** Sorted by (at, order of generation). */
  arrivals: Arrival[];
  totalRecipients: number;
  faults: Faults;
  actions: ActionSpec[];
  expectations?: Expectations;
}

function fail<T>(...errors: string[]): Checked<T> {
  return { ok: false, errors };
}

function expandServices(specs: ServiceSpec[], faults: Faults): Checked<{ spec: ServiceSpec; service: Omit<ResolvedService, 'access' | 'outages'> }[]> {
  const out: { spec: ServiceSpec; service: Omit<ResolvedService, 'access' | 'outages'> }[] = [];
  const total = specs.reduce((n, s) => n + s.count, 0);
  if (total > MAX_SERVICES) return fail(`services expand to ${total} services; at most ${MAX_SERVICES} are allowed`);
  for (const spec of specs) {
    const preset = spec.preset === undefined ? undefined : SERVICE_PRESETS[spec.preset];
    for (let i = 1; i <= spec.count; i++) {
      out.push({
        spec,
        service: {
          id: spec.count === 1 ? spec.id : `${spec.id}-${i}`,
          ...(spec.preset === undefined ? {} : { preset: spec.preset }),
          intervalMs: spec.intervalMs ?? preset!.intervalMs,
          concurrency: spec.concurrency ?? preset?.concurrency ?? 1,
          windows: (spec.windows ?? preset?.windows ?? []).map((w) => ({ ...w })),
          accessSpec: spec.access,
          latencyMs: spec.latencyMs ?? faults.latencyMs,
        },
      });
    }
  }
  const seen = new Set<string>();
  for (const { service } of out) {
    if (seen.has(service.id)) return fail(`services: duplicate service id "${service.id}"`);
    seen.add(service.id);
  }
  return { ok: true, value: out };
}

function generateUsers(scenario: Scenario, seed: number): ResolvedUser[] {
  const users: ResolvedUser[] = scenario.users.map((u) => ({ ...u }));
  for (const group of scenario.userGroups) {
    const rand = stream(seed, `population:${group.name}`);
    for (let i = 1; i <= group.count; i++) {
      users.push({
        id: `${group.name}-${i}`,
        quota: sampleInt(group.quota, rand, 0),
        weight: Math.min(MAX_WEIGHT, sampleInt(group.weight, rand, 1)),
        group: group.name,
      });
    }
  }
  return users;
}

/** A group's quota distribution may draw more than the engine holds: name the group, not the user. */
function checkDrawnQuotas(scenario: Scenario, users: readonly ResolvedUser[]): string | null {
  const over = users.findIndex((u, k) => k >= scenario.users.length && u.quota > MAX_QUOTA);
  if (over < 0) return null;
  const u = users[over]!;
  const g = scenario.userGroups.findIndex((x) => x.name === u.group);
  return `userGroups[${g}].quota: user "${u.id}" drew ${u.quota}; a quota is at most ${MAX_QUOTA}: lower the distribution or give it a max`;
}

/** Poisson arrivals in [0, durationMs), with a daily curve by thinning (accept with rate/peak). */
function arrivalTimes(group: UserGroupSpec, durationMs: number, rand: Uniform): number[] {
  const a = group.arrivals;
  const meanRatePerMs = a.perDay / DAY_MS;
  const hourly = a.kind === 'curve' ? a.hourly : null;
  const meanWeight = hourly ? hourly.reduce((s, w) => s + w, 0) / 24 : 1;
  const peak = hourly ? Math.max(...hourly) / meanWeight : 1;
  const out: number[] = [];
  let t = 0;
  // Bounded: the expected count was checked against MAX_TASKS before generating.
  for (let guard = 0; guard < 4 * MAX_TASKS; guard++) {
    t += -Math.log(1 - rand()) / (meanRatePerMs * peak);
    if (t >= durationMs) break;
    if (hourly && rand() * peak > hourly[Math.floor(t / HOUR_MS) % 24]! / meanWeight) continue;
    out.push(Math.floor(t));
  }
  return out;
}

/** The workload's expected size, by where it comes from (`tasks`, the trace, `userGroups[i]`). */
function expectedCounts(scenario: Scenario, traceRows: readonly TraceRow[]): { where: string; tasks: number; sends: number }[] {
  const parts = [
    { where: 'tasks', tasks: scenario.tasks.length, sends: scenario.tasks.reduce((n, t) => n + t.recipients, 0) },
    { where: `trace.file (${scenario.trace?.file ?? ''})`, tasks: traceRows.length, sends: traceRows.reduce((n, r) => n + r.recipients, 0) },
  ];
  scenario.userGroups.forEach((g, i) => {
    const n = (g.count * g.arrivals.perDay * scenario.durationMs) / DAY_MS;
    parts.push({ where: `userGroups[${i}]`, tasks: n, sends: n * meanOf(g.recipients as Distribution) });
  });
  return parts;
}

/**
 * Refuses a workload too large to run, naming the part that contributes most: the total alone
 * would not say which group's count or rate to lower.
 */
function checkWorkloadSize(scenario: Scenario, traceRows: readonly TraceRow[]): string[] {
  const parts = expectedCounts(scenario, traceRows);
  const limits = [['tasks', MAX_TASKS, 'create', 'campaigns'], ['sends', MAX_SENDS, 'send', 'recipients']] as const;
  for (const [key, limit, verb, noun] of limits) {
    const total = parts.reduce((n, p) => n + p[key], 0);
    if (total <= limit) continue;
    const top = parts.reduce((a, b) => (b[key] > a[key] ? b : a));
    const from = top.where === 'tasks' ? 'from tasks' : top.where.startsWith('trace') ? 'from the trace' : 'from this group';
    return [`${top.where}: the workload would ${verb} about ${Math.round(total)} ${noun} (about ${Math.round(top[key])} ${from}); at most ${limit} are allowed`];
  }
  return [];
}

/** Explicit tasks, then trace rows, then each group's campaigns: the order `campaignOrigins` names them in. */
function generateArrivals(scenario: Scenario, seed: number, traceRows: readonly TraceRow[]): Arrival[] {
  const arrivals: Arrival[] = scenario.tasks.map((t, i) => ({ ...t, id: t.id ?? `task-${i + 1}` }));
  traceRows.forEach(({ line: _line, ...r }, i) => arrivals.push({ ...r, id: r.id ?? `trace-${i + 1}` }));
  for (const group of scenario.userGroups) {
    const times = stream(seed, `arrivals:${group.name}`);
    const sizes = stream(seed, `sizes:${group.name}`);
    for (let i = 1; i <= group.count; i++) {
      const user = `${group.name}-${i}`;
      const ts = arrivalTimes(group, scenario.durationMs, times);
      for (let k = 0; k < ts.length; k++) {
        const arrival: Arrival = { at: ts[k]!, id: `${user}-t${k + 1}`, user, recipients: Math.min(MAX_TASK_RECIPIENTS, sampleInt(group.recipients as Distribution, sizes, 1)) };
        if (group.maxLatenessMs !== undefined) arrival.maxLatenessMs = group.maxLatenessMs;
        arrivals.push(arrival);
      }
    }
  }
  return arrivals;
}

function drawOutages(service: { id: string }, baseId: string, faults: Faults, seed: number, endAt: number): number[] {
  const spans: [number, number][] = [];
  faults.outages.forEach((o, k) => {
    if (o.services !== 'all' && !o.services.includes(service.id) && !o.services.includes(baseId)) return;
    const rand = stream(seed, `outages:${k}:${service.id}`);
    let t = 0;
    for (let guard = 0; guard < 100_000; guard++) {
      t += Math.max(1, Math.round(-o.meanBetweenMs * Math.log(1 - rand())));
      if (t >= endAt) break;
      const end = t + sampleInt(o.durationMs as Distribution, rand, 1);
      spans.push([t, end]);
      t = end;
    }
  });
  spans.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const flat: number[] = [];
  for (const [s, e] of spans) {
    const last = flat.length - 1;
    if (last > 0 && s <= flat[last]!) flat[last] = Math.max(flat[last]!, e);
    else flat.push(s, e);
  }
  return flat;
}

function expandAccess(spec: AccessSpec, users: readonly ResolvedUser[], where: string, cache: Map<string, readonly string[]>): Checked<'all' | readonly string[]> {
  if (spec === 'all') return { ok: true, value: 'all' };
  const key = JSON.stringify(spec);
  const cached = cache.get(key);
  if (cached) return { ok: true, value: cached };
  const ids = new Set(users.map((u) => u.id));
  const groups = new Set(users.flatMap((u) => (u.group === undefined ? [] : [u.group])));
  for (const u of spec.users ?? []) if (!ids.has(u)) return fail(`${where}.access.users names unknown user "${u}"`);
  for (const g of spec.groups ?? []) if (!groups.has(g)) return fail(`${where}.access.groups names unknown group "${g}"`);
  const wantGroups = new Set(spec.groups ?? []);
  const wantUsers = new Set(spec.users ?? []);
  const list = users.filter((u) => wantUsers.has(u.id) || (u.group !== undefined && wantGroups.has(u.group))).map((u) => u.id);
  cache.set(key, list);
  return { ok: true, value: list };
}

/**
 * Expands the services a task names (a counted service's base id covers all its copies) and
 * checks that each is open to the task's user, so that no campaign is refused for it at run time.
 * Explicit tasks and trace rows may name them; messages point at `tasks[i].services[j]` or the line.
 */
function resolveRestrictions(
  scenario: Scenario,
  rows: readonly TraceRow[],
  names: readonly { baseId: string; id: string }[],
  services: readonly ResolvedService[],
  arrivals: Arrival[],
  sweepPoint: boolean,
): Checked<void> {
  const byName = new Map<string, string[]>();
  for (const { baseId, id } of names) {
    for (const name of new Set([baseId, id])) byName.set(name, [...(byName.get(name) ?? []), id]);
  }
  const byId = new Map(services.map((s) => [s.id, s]));
  const named = [
    ...scenario.tasks.map((t, i) => ({ id: t.id ?? `task-${i + 1}`, user: t.user, names: t.services, at: (j: number) => `tasks[${i}].services[${j}]` })),
    ...rows.map((r, i) => ({ id: r.id ?? `trace-${i + 1}`, user: r.user, names: r.services, at: (j: number) => `${scenario.trace?.file ?? 'trace'} line ${r.line ?? '?'}: services[${j}]` })),
  ];
  const byTask = new Map<string, string[]>();
  for (const task of named) {
    if (task.names === undefined) continue;
    const ids = new Set<string>();
    for (const [j, name] of task.names.entries()) {
      const found = byName.get(name);
      if (found === undefined && sweepPoint && leftOut(scenario, name)) continue;
      if (found === undefined) return fail(`${task.at(j)} names ${unknownService(scenario, name)}`);
      for (const id of found) {
        const access = byId.get(id)!.access;
        if (access !== 'all' && !access.includes(task.user)) return fail(`${task.at(j)}: service "${id}" is not open to user "${task.user}"`);
        ids.add(id);
      }
    }
    byTask.set(task.id, [...ids]);
  }
  for (const a of arrivals) {
    const only = byTask.get(a.id);
    if (only !== undefined) a.services = only;
  }
  return { ok: true, value: undefined };
}

/**
 * Where a user comes from, for messages: `users[1]`, `userGroups[0]` (generated), or the trace
 * (users found only there). `users` lists the declared, then the generated, then the trace's.
 */
function userOrigin(scenario: Scenario, users: readonly ResolvedUser[], k: number): string {
  if (k < scenario.users.length) return `users[${k}]`;
  const group = users[k]!.group;
  const g = group === undefined ? -1 : scenario.userGroups.findIndex((x) => x.name === group);
  return g >= 0 ? `userGroups[${g}]` : `trace.file (${scenario.trace?.file ?? ''})`;
}

/**
 * Where each campaign of `arrivals` (in generation order, before sorting) comes from: the field of
 * an explicit task, the trace line, or the group that generated it.
 */
function campaignOrigins(scenario: Scenario, rows: readonly TraceRow[], arrivals: readonly Arrival[]): (k: number) => { where: string; of: string } {
  const groupOf = new Map<string, number>();
  scenario.userGroups.forEach((g, i) => { if (!groupOf.has(g.name)) groupOf.set(g.name, i); });
  const trace = scenario.trace?.file ?? 'trace';
  return (k) => {
    const t = scenario.tasks[k];
    if (t !== undefined) return t.id === undefined ? { where: `tasks[${k}] (id "task-${k + 1}" by default)`, of: `tasks[${k}]` } : { where: `tasks[${k}].id`, of: `tasks[${k}]` };
    const j = k - scenario.tasks.length;
    const r = rows[j];
    if (r !== undefined) return r.line === undefined ? { where: `${trace} row ${j + 1} (id "trace-${j + 1}" by default)`, of: `${trace} row ${j + 1}` } : { where: `${trace} line ${r.line}: id`, of: `${trace} line ${r.line}` };
    const user = arrivals[k]!.user;
    const g = groupOf.get(user.slice(0, user.lastIndexOf('-'))) ?? -1;
    return { where: `userGroups[${g}] (campaign "${arrivals[k]!.id}")`, of: `a campaign generated for userGroups[${g}]` };
  };
}

/**
 * Every campaign id (→ its index in `arrivals`), and a message naming both places of the first id
 * used twice: ids must be unique for actions and logs.
 */
function campaignIds(scenario: Scenario, rows: readonly TraceRow[], arrivals: readonly Arrival[]): { ids: Map<string, number>; duplicate: string | null } {
  const ids = new Map<string, number>();
  let duplicate: string | null = null;
  for (let k = 0; k < arrivals.length; k++) {
    const id = arrivals[k]!.id;
    const seen = ids.get(id);
    if (seen === undefined) { ids.set(id, k); continue; }
    if (duplicate !== null) continue;
    const origin = campaignOrigins(scenario, rows, arrivals);
    // A generated id cannot be changed: name the written one that clashes with it.
    const [named, other] = k >= scenario.tasks.length + rows.length ? [seen, k] : [k, seen];
    duplicate = `${origin(named).where} "${id}" is also the id of ${origin(other).of}; campaign ids must be unique`;
  }
  return { ids, duplicate };
}

/** Ids of the users no service is open to, in order. */
export function unservedUsers(s: { readonly users: readonly ResolvedUser[]; readonly services: readonly ResolvedService[] }): string[] {
  const served = new Set<string>();
  for (const svc of s.services) {
    if (svc.access === 'all') return [];
    svc.access.forEach((u) => served.add(u));
  }
  return s.users.filter((u) => !served.has(u.id)).map((u) => u.id);
}

function checkReferences(
  scenario: Scenario, rows: readonly TraceRow[], users: readonly ResolvedUser[], services: readonly ResolvedService[],
  arrivals: readonly Arrival[], actions: readonly ActionSpec[], sweepPoint: boolean,
): string[] {
  const errors: string[] = [];
  const userIds = new Set<string>();
  for (const u of users) {
    if (userIds.has(u.id)) errors.push(`users: duplicate user id "${u.id}"`);
    userIds.add(u.id);
  }
  const unserved = unservedUsers({ users, services });
  if (unserved.length > 0 && !sweepPoint) {
    const first = users.findIndex((u) => u.id === unserved[0]);
    errors.push(`${userOrigin(scenario, users, first)}: user "${unserved[0]}" has no usable service (${unserved.length} user(s) in all); give a service access to it`);
  }
  // Only explicit tasks can name a user nobody declared: trace users are created, generated ones exist.
  const stranger = scenario.tasks.findIndex((t) => !userIds.has(t.user));
  if (stranger >= 0) errors.push(`tasks[${stranger}].user names unknown user "${scenario.tasks[stranger]!.user}"`);
  const { ids: taskIds, duplicate } = campaignIds(scenario, rows, arrivals);
  if (duplicate !== null) errors.push(duplicate);
  const serviceIds = new Set(services.map((s) => s.id));
  actions.forEach((a, i) => {
    if ('task' in a && !taskIds.has(a.task)) errors.push(`actions[${i}].task names unknown task "${a.task}"`);
    if ('service' in a && !serviceIds.has(a.service) && !(sweepPoint && leftOut(scenario, a.service))) {
      errors.push(`actions[${i}].service names ${unknownService(scenario, a.service)}`);
    }
    if ('user' in a && !userIds.has(a.user)) errors.push(`actions[${i}].user names unknown user "${a.user}"`);
  });
  return errors.slice(0, 20);
}

/** Users that appear only in a trace get an account with their demand as quota (or `defaultQuota`). */
function traceUsers(scenario: Scenario, rows: readonly TraceRow[], declared: readonly ResolvedUser[]): ResolvedUser[] {
  const known = new Set(declared.map((u) => u.id));
  const demand = new Map<string, number>();
  for (const r of rows) if (!known.has(r.user)) demand.set(r.user, (demand.get(r.user) ?? 0) + r.recipients);
  return [...demand].map(([id, d]) => ({ id, quota: scenario.trace?.defaultQuota ?? d, weight: 1 }));
}

/** Sums of floating-point shares such as 0.45 + 0.2 + 0.1 + 0.25 may land a hair above 1. */
const SHARE_TOLERANCE = 1e-9;

/**
 * Values that would silently mean something else than written. Domain shares are fractions of all
 * recipients: above 1 in total they cannot all hold (the fault model would scale them down, so a
 * domain with share 0.9 would get about half). An action after `endAt` would never happen.
 */
function checkAsWritten(scenario: Scenario, endAt: number): string[] {
  const errors: string[] = [];
  const shares = scenario.faults.domains.reduce((sum, d) => sum + d.share, 0);
  if (shares > 1 + SHARE_TOLERANCE) {
    errors.push(`faults.domains: the shares sum to ${Number(shares.toFixed(6))}; they are fractions of all recipients and must sum to at most 1`);
  }
  const late = scenario.actions.findIndex((a) => a.at > endAt);
  if (late >= 0) errors.push(`actions[${late}].at must be at most durationMs + drainMs (${endAt}), the end of the run, got ${scenario.actions[late]!.at}`);
  return errors;
}

/**
 * The workload's size is estimated from each group's mean list size; a heavy tail without `max`
 * (Pareto with alpha ≤ 1, a huge lognormal sigma) has no finite mean, and "about Infinity
 * recipients" would not say what to change.
 */
function checkMeans(scenario: Scenario): string[] {
  const errors: string[] = [];
  scenario.userGroups.forEach((g, i) => {
    const d = g.recipients as Distribution;
    if (Number.isFinite(meanOf(d))) return;
    const why = d.kind === 'pareto' ? `a pareto distribution with alpha ${d.alpha} (at most 1) and no max` : `a ${d.kind} distribution with these parameters and no max`;
    errors.push(`userGroups[${i}].recipients: ${why} has an infinite mean; set max (the largest list size)`);
  });
  return errors;
}

export interface ResolveOptions {
  seed?: number;
  traceRows?: readonly TraceRow[];
  /**
   * The scenario is one point of a sweep, which may leave services out (`count: 0`): a configuration
   * that fails, not bad input. Users no service is open to are accepted (their campaigns are
   * refused at creation); a task restriction drops the left-out services it names (with none left,
   * the campaign is refused, see `Arrival.services`); an action on a left-out service stays, and the
   * engine refuses it when its time comes (the report lists it).
   */
  sweepPoint?: boolean;
}

export function resolveScenario(scenario: Scenario, options: ResolveOptions = {}): Checked<ResolvedScenario> {
  const seed = options.seed ?? scenario.seed;
  const rows = options.traceRows ?? [];
  const endAt = scenario.durationMs + (scenario.drainMs ?? scenario.durationMs);
  // Arrivals happen in [0, durationMs): a later task would never be created yet count in the workload.
  const late = scenario.tasks.findIndex((t) => t.at >= scenario.durationMs);
  if (late >= 0) return fail(`tasks[${late}].at must be less than durationMs (${scenario.durationMs}), got ${scenario.tasks[late]!.at}`);
  const unmeant = [...checkAsWritten(scenario, endAt), ...checkMeans(scenario)];
  if (unmeant.length > 0) return { ok: false, errors: unmeant };
  const tooLarge = checkWorkloadSize(scenario, rows);
  if (tooLarge.length > 0) return { ok: false, errors: tooLarge };
  const declared = generateUsers(scenario, seed);
  const quotaProblem = checkDrawnQuotas(scenario, declared);
  if (quotaProblem !== null) return fail(quotaProblem);
  const users = [...declared, ...traceUsers(scenario, rows, declared)];
  if (users.length > MAX_USERS) return fail(`the scenario has ${users.length} users; at most ${MAX_USERS} are allowed`);
  if (users.length === 0) return fail('the scenario has no users: add users, userGroups or a trace');
  const expanded = expandServices(scenario.services, scenario.faults);
  if (!expanded.ok) return expanded;
  const cache = new Map<string, readonly string[]>();
  const services: ResolvedService[] = [];
  for (const { spec, service } of expanded.value) {
    const access = expandAccess(service.accessSpec, users, `services[${scenario.services.indexOf(spec)}]`, cache);
    if (!access.ok) return access;
    services.push({ ...service, access: access.value, outages: drawOutages(service, spec.id, scenario.faults, seed, endAt) });
  }
  const generated = generateArrivals(scenario, seed, rows);
  const sweepPoint = options.sweepPoint === true;
  const references = checkReferences(scenario, rows, users, services, generated, scenario.actions, sweepPoint);
  // Stable sort (in place: it may hold millions): equal times keep generation order, a total order
  // that does not depend on the engine.
  const arrivals = generated.sort((x, y) => x.at - y.at);
  const restricted = resolveRestrictions(scenario, rows, expanded.value.map(({ spec, service }) => ({ baseId: spec.id, id: service.id })), services, arrivals, sweepPoint);
  if (!restricted.ok) return restricted;
  if (references.length > 0) return { ok: false, errors: references };
  const actions = [...scenario.actions].sort((a, b) => a.at - b.at);
  return {
    ok: true,
    value: {
      name: scenario.name,
      ...(scenario.description === undefined ? {} : { description: scenario.description }),
      seed,
      durationMs: scenario.durationMs,
      endAt,
      policies: scenario.policies,
      engine: scenario.engine ?? {},
      services,
      users,
      arrivals,
      totalRecipients: arrivals.reduce((n, a) => n + a.recipients, 0),
      faults: scenario.faults,
      actions,
      ...(scenario.expectations === undefined ? {} : { expectations: scenario.expectations }),
    },
  };
}

/** Whether a service name that resolved to nothing is one left out with `count: 0`. */
function leftOut(scenario: Scenario, name: string): boolean {
  const spec = scenario.services.find((s) => s.id === name || (s.count > 1 && name.startsWith(`${s.id}-`)));
  return spec !== undefined && spec.count === 0;
}

/** How to name a service id that resolved to nothing: unknown, or left out with `count: 0`. */
function unknownService(scenario: Scenario, name: string): string {
  return leftOut(scenario, name) ? `service "${name}", which has count 0 (left out)` : `unknown service "${name}"`;
}
