// What a snapshot must satisfy before an engine is rebuilt from it. A snapshot comes from outside
// the engine (a database, a file, a message): one that was damaged or edited by hand must be
// refused with a message that says what and where, not run with a negative balance or a cursor
// past the end of its task, nor crash deep inside the rebuild on an unknown id.
import { MAX_CONCURRENCY, MAX_INTERVAL_MS, MAX_WEIGHT } from './arguments.ts';
import { windowProblem } from './rate-window.ts';
import type { EngineSnapshot } from './snapshot.ts';
import { describe, idProblem, intProblem } from './validate.ts';

const SERVICE_STATES = ['active', 'paused', 'disabled'];
const USER_STATES = ['active', 'suspended'];
const TASK_STATES = ['active', 'paused', 'completed', 'cancelled', 'expired'];

/** The first thing wrong with `snap`, as "path: problem", or null when an engine can be rebuilt from it. */
export function snapshotProblem(snap: EngineSnapshot): string | null {
  for (const field of ['now', 'entitySeq', 'timerSeq', 'queuedTotal', 'inFlightTotal'] as const) {
    const p = intProblem(field, snap[field], 0, Number.MAX_SAFE_INTEGER);
    if (p) return p;
  }
  for (const list of ['services', 'users', 'groups', 'tasks'] as const) {
    if (!Array.isArray(snap[list])) return `${list} must be an array, got ${describe(snap[list])}`;
  }
  const users = new Set<string>();
  for (const [i, u] of snap.users.entries()) {
    const p = userProblem(u, users);
    if (p) return `users[${i}]${p}`;
    users.add(u.id);
  }
  const services = new Set<string>();
  for (const [i, s] of snap.services.entries()) {
    const p = serviceProblem(s, users, services);
    if (p) return `services[${i}]${p}`;
    services.add(s.id);
  }
  const tasks = new Set<string>();
  const open = new Map<string, number>();
  let inFlight = 0;
  for (const [i, t] of snap.tasks.entries()) {
    const p = taskProblem(t, users, services, tasks);
    if (p) return `tasks[${i}]${p}`;
    tasks.add(t.id);
    open.set(t.user, (open.get(t.user) ?? 0) + t.count - t.sent - t.failed - t.refunded);
    inFlight += t.inFlight.length;
  }
  if (inFlight !== snap.inFlightTotal) return `inFlightTotal is ${snap.inFlightTotal}, but the tasks have ${inFlight} recipients in flight`;
  for (const [i, u] of snap.users.entries()) {
    // Kept tasks only: forgetEndedTasks drops ended ones, whose recipients are all final.
    if (u.reserved !== (open.get(u.id) ?? 0)) return `users[${i}].reserved is ${u.reserved}, but its tasks have ${open.get(u.id) ?? 0} recipients not yet final`;
  }
  for (const [i, g] of snap.groups.entries()) {
    if (!Array.isArray(g.services) || g.services.some((id) => !services.has(id))) return `groups[${i}].services names an unknown service`;
    if (!Array.isArray(g.members) || g.members.some((m) => !users.has(m.user))) return `groups[${i}].members names an unknown user`;
  }
  return null;
}

function userProblem(u: EngineSnapshot['users'][number], known: Set<string>): string | null {
  const id = idProblem('id', u.id);
  if (id) return `.${id}`;
  if (known.has(u.id)) return `: user '${u.id}' appears twice`;
  if (!USER_STATES.includes(u.state)) return `.state must be one of ${USER_STATES.join(', ')}, got ${describe(u.state)}`;
  const weight = intProblem('weight', u.weight, 1, MAX_WEIGHT);
  if (weight) return `.${weight}`;
  for (const field of ['granted', 'balance', 'reserved', 'consumed'] as const) {
    const p = intProblem(field, u[field], 0, Number.MAX_SAFE_INTEGER);
    if (p) return `.${p}`;
  }
  if (u.balance + u.reserved + u.consumed !== u.granted) {
    return `: the quota ledger does not add up (balance ${u.balance} + reserved ${u.reserved} + consumed ${u.consumed} != granted ${u.granted})`;
  }
  return null;
}

function serviceProblem(s: EngineSnapshot['services'][number], users: Set<string>, known: Set<string>): string | null {
  const id = idProblem('id', s.id);
  if (id) return `.${id}`;
  if (known.has(s.id)) return `: service '${s.id}' appears twice`;
  if (!SERVICE_STATES.includes(s.state)) return `.state must be one of ${SERVICE_STATES.join(', ')}, got ${describe(s.state)}`;
  const interval = intProblem('intervalMs', s.intervalMs, 0, MAX_INTERVAL_MS) ?? intProblem('concurrency', s.concurrency, 1, MAX_CONCURRENCY) ?? intProblem('inFlight', s.inFlight, 0, Number.MAX_SAFE_INTEGER);
  if (interval) return `.${interval}`;
  if (!Array.isArray(s.windows)) return `.windows must be an array, got ${describe(s.windows)}`;
  for (const [j, w] of s.windows.entries()) {
    const p = windowProblem(w);
    if (p) return `.windows[${j}].${p}`;
  }
  if (s.access !== 'all' && (!Array.isArray(s.access) || s.access.some((u) => !users.has(u)))) return '.access names an unknown user';
  if (!Array.isArray(s.history) || s.history.some((t, j) => !Number.isSafeInteger(t) || (j > 0 && t < (s.history[j - 1] as number)))) {
    return '.history must be start times in increasing order';
  }
  return null;
}

function taskProblem(t: EngineSnapshot['tasks'][number], users: Set<string>, services: Set<string>, known: Set<string>): string | null {
  const id = idProblem('id', t.id);
  if (id) return `.${id}`;
  if (known.has(t.id)) return `: task '${t.id}' appears twice`;
  if (!users.has(t.user)) return `.user names unknown user ${describe(t.user)}`;
  if (!TASK_STATES.includes(t.state)) return `.state must be one of ${TASK_STATES.join(', ')}, got ${describe(t.state)}`;
  const count = intProblem('count', t.count, 1, Number.MAX_SAFE_INTEGER);
  if (count) return `.${count}`;
  for (const field of ['cursor', 'sent', 'failed', 'refunded', 'dispatched'] as const) {
    const p = intProblem(field, t[field], 0, field === 'dispatched' ? Number.MAX_SAFE_INTEGER : t.count);
    if (p) return `.${p}`;
  }
  if (t.sent + t.failed + t.refunded > t.count) return `: sent ${t.sent} + failed ${t.failed} + refunded ${t.refunded} is more than its ${t.count} recipients`;
  if (t.services !== undefined && (!Array.isArray(t.services) || t.services.some((s) => !services.has(s)))) return '.services names an unknown service';
  if (!Array.isArray(t.inFlight) || !Array.isArray(t.returned) || !Array.isArray(t.retries)) return ': inFlight, returned and retries must be arrays';
  for (const [j, f] of t.inFlight.entries()) {
    if (!services.has(f.service)) return `.inFlight[${j}].service names unknown service ${describe(f.service)}`;
    const p = intProblem('recipient', f.recipient, 0, t.count - 1) ?? intProblem('attempt', f.attempt, 1, 100);
    if (p) return `.inFlight[${j}].${p}`;
  }
  return null;
}
