// What `fairsend validate` prints under its verdict: the scenario as the simulator will run it
// (presets applied, counted services expanded, users generated, the trace merged), in plain text.
// Bounded whatever the scenario's size: identical copies of a service are one line (`relay x1000`),
// and every list stops after a few entries with a count of the rest.
import { windowLabel } from '../capacity.ts';
import type { Distribution } from '../distribution.ts';
import type { OpenedScenario } from './open-scenario.ts';
import type { ResolvedScenario, ResolvedService, ResolvedUser } from './resolve-scenario.ts';
import type { Scenario } from './schema.ts';

/** Entries shown per list (service specs, users, groups) before "… and N more". */
const MAX_LISTED = 20;

/** Exact durations in the largest unit that divides them: 86400000 → 1d, 90000 → 90s. */
export function durationLabel(ms: number): string {
  const units: [number, string][] = [[86_400_000, 'd'], [3_600_000, 'h'], [60_000, 'min'], [1000, 's']];
  const unit = units.find(([u]) => ms !== 0 && ms % u === 0);
  return unit ? `${ms / unit[0]}${unit[1]}` : `${ms} ms`;
}

function distributionLabel(d: Distribution, unit: string): string {
  const max = 'max' in d && d.max !== undefined ? `, max ${d.max}` : '';
  switch (d.kind) {
    case 'fixed': return `${d.value}${unit}`;
    case 'uniform': return `uniform ${d.min}–${d.max}${unit}`;
    case 'exponential': return `exponential, mean ${d.mean}${unit}`;
    case 'lognormal': return `lognormal, median ${d.median}${unit}, sigma ${d.sigma}${max}`;
    case 'pareto': return `pareto, min ${d.min}${unit}, alpha ${d.alpha}${max}`;
  }
}

/** "3" or "1–5": the range of a value over many users. */
function rangeLabel(values: readonly number[]): string {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
  return lo === hi ? String(lo) : `${lo}–${hi}`;
}

function capped(lines: string[], total: number, noun: string): string[] {
  return total > lines.length ? [...lines, `… and ${total - lines.length} more ${noun}`] : lines;
}

function accessLabel(s: ResolvedService): string {
  if (s.accessSpec === 'all') return 'all';
  const users = s.accessSpec.users?.length ?? 0;
  const groups = s.accessSpec.groups?.length ?? 0;
  const named = [users > 0 ? `${users} user${users === 1 ? '' : 's'}` : '', groups > 0 ? `${groups} group${groups === 1 ? '' : 's'}` : ''];
  const reach = groups > 0 && s.access !== 'all' ? ` (${s.access.length} users)` : '';
  return `${named.filter((x) => x !== '').join(' + ')}${reach}`;
}

function serviceLine(label: string, notes: readonly string[], s: ResolvedService): string {
  const windows = s.windows.length === 0 ? 'none' : s.windows.map((w) => `${w.limit} per ${windowLabel(w)}`).join(', ');
  const all = [...notes, ...(s.preset === undefined ? [] : [`preset ${s.preset}`])];
  return `${label}${all.length === 0 ? '' : ` (${all.join(', ')})`}: intervalMs ${s.intervalMs}, windows ${windows}, concurrency ${s.concurrency}, access ${accessLabel(s)}`;
}

/** One line per service spec: its copies are identical but for their ids. */
function serviceLines(scenario: Scenario, resolved: ResolvedScenario): string[] {
  const lines: string[] = [];
  let next = 0;
  for (const spec of scenario.services.slice(0, MAX_LISTED)) {
    const first = resolved.services[next]!;
    lines.push(spec.count === 1 ? serviceLine(first.id, [], first) : serviceLine(`${spec.id} x${spec.count}`, [`${first.id} … ${spec.id}-${spec.count}`], first));
    next += spec.count;
  }
  const outages = resolved.services.reduce((n, s) => n + s.outages.length / 2, 0);
  return [
    `services: ${resolved.services.length}${outages > 0 ? `, ${outages} outage(s) drawn` : ''}`,
    ...capped(lines, scenario.services.length, 'service entries').map((l) => `  ${l}`),
  ];
}

function usersLabel(users: readonly ResolvedUser[]): string {
  return `weight ${rangeLabel(users.map((u) => u.weight))}, quota ${rangeLabel(users.map((u) => u.quota))}`;
}

/** Declared users one by one, each group as one line, trace users as one line. */
function userLines(scenario: Scenario, resolved: ResolvedScenario): string[] {
  const declared = resolved.users.slice(0, scenario.users.length);
  const generatedCount = scenario.userGroups.reduce((n, g) => n + g.count, 0);
  const generated = resolved.users.slice(scenario.users.length, scenario.users.length + generatedCount);
  const fromTrace = resolved.users.slice(scenario.users.length + generatedCount);
  const lines = capped(declared.slice(0, MAX_LISTED).map((u) => `${u.id}: ${usersLabel([u])}${u.group === undefined ? '' : `, group ${u.group}`}`), declared.length, 'users');
  const byGroup = new Map<string, ResolvedUser[]>();
  for (const u of generated) (byGroup.get(u.group!) ?? byGroup.set(u.group!, []).get(u.group!)!).push(u);
  const groups = scenario.userGroups.slice(0, MAX_LISTED).map((g) => `${g.name} x${g.count} (group): ${usersLabel(byGroup.get(g.name) ?? [])}`);
  lines.push(...capped(groups, scenario.userGroups.length, 'user groups'));
  if (fromTrace.length > 0) lines.push(`${fromTrace.length} from the trace: ${usersLabel(fromTrace)}`);
  return [`users: ${resolved.users.length}`, ...lines.map((l) => `  ${l}`)];
}

function campaignLine(scenario: Scenario, resolved: ResolvedScenario, traceRows: number): string {
  const generated = resolved.arrivals.length - scenario.tasks.length - traceRows;
  const parts = [
    scenario.tasks.length > 0 ? `${scenario.tasks.length} explicit` : '',
    traceRows > 0 ? `${traceRows} from the trace` : '',
    generated > 0 ? `${generated} generated` : '',
  ].filter((x) => x !== '');
  const restricted = resolved.arrivals.reduce((n, a) => n + (a.services === undefined ? 0 : 1), 0);
  return `campaigns: ${resolved.arrivals.length} (${resolved.totalRecipients} recipients)${parts.length > 0 ? `: ${parts.join(', ')}` : ''}${restricted > 0 ? `; ${restricted} restricted to some services` : ''}`;
}

function faultsLine(s: ResolvedScenario): string {
  const f = s.faults;
  // Semicolons: a distribution's label has commas of its own.
  return [
    `faults: latency ${distributionLabel(f.latencyMs as Distribution, ' ms')}`,
    `deferral rate ${f.deferralRate}`, `bounce rate ${f.bounceRate}`, `throttle rate ${f.throttleRate}`,
    `${f.domains.length} domain(s)`, `${f.outages.length} outage rule(s)`,
  ].join('; ');
}

function actionsLine(s: ResolvedScenario): string {
  const kinds = new Map<string, number>();
  for (const a of s.actions) kinds.set(a.kind, (kinds.get(a.kind) ?? 0) + 1);
  return `actions: ${s.actions.length}${kinds.size === 0 ? '' : ` (${[...kinds].map(([k, n]) => `${k} ${n}`).join(', ')})`}`;
}

/**
 * The resolved scenario as a few dozen lines at most, indented under the verdict. `expectations`
 * are their descriptions as the report words them (the CLI owns that wording).
 */
export function resolvedView({ scenario, resolved, traceRows }: OpenedScenario, expectations: readonly string[]): string[] {
  const engine = Object.keys(resolved.engine).length === 0 ? [] : [`engine: ${JSON.stringify(resolved.engine)}`];
  return [
    `run: arrivals for ${durationLabel(resolved.durationMs)}, ends at ${durationLabel(resolved.endAt)}; seed ${resolved.seed}; policies ${resolved.policies.join(', ')}`,
    ...serviceLines(scenario, resolved),
    ...userLines(scenario, resolved),
    campaignLine(scenario, resolved, traceRows),
    faultsLine(resolved),
    actionsLine(resolved),
    ...engine,
    `expectations: ${expectations.length === 0 ? 'none' : expectations.join('; ')}`,
  ];
}
