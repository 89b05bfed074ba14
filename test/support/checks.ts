import { fixedPeriodKey } from './local-period.ts';
import { RETRY } from './scenario.ts';
import type { Trace } from './driver.ts';
import type { Scenario, ServicePatch, ServiceSetup } from './scenario.ts';
import type { Dispatch } from '../../engine/index.ts';

/**
 * Independent checks over a driver trace. They read only what the driver did (the scenario, the
 * commands that were accepted, the dispatches and the outcomes it reported), never engine state or
 * engine events, so a wrong engine cannot vouch for itself. Each returns a list of violations,
 * empty when the invariant held, so that a failing property prints all of them.
 */

interface DispatchAt { index: number; d: Dispatch; spec: ServiceSetup }

/** Each dispatch with the service spec in force when it started. */
function dispatchesWithSpec(trace: Trace, scenario: Scenario): DispatchAt[] {
  const specs = new Map(scenario.services.map((s) => [s.id, { ...s }]));
  const out: DispatchAt[] = [];
  trace.timeline.forEach((entry, index) => {
    if (entry.kind === 'command' && entry.command.ok && entry.command.op === 'updateService') {
      const [id, patch] = entry.command.args as [string, ServicePatch];
      specs.set(id, { ...specs.get(id)!, ...patch });
    }
    if (entry.kind === 'dispatch') out.push({ index, d: entry.dispatch, spec: specs.get(entry.dispatch.service)! });
  });
  return out;
}

/** Invariant 1: starts on one service at least `intervalMs` apart, at most `concurrency` in flight. */
export function intervalViolations(trace: Trace, scenario: Scenario): string[] {
  const out: string[] = [];
  const last = new Map<string, number>();
  const inFlight = new Map<string, number>();
  const specs = new Map(scenario.services.map((s) => [s.id, { ...s }]));
  for (const entry of trace.timeline) {
    if (entry.kind === 'command' && entry.command.ok && entry.command.op === 'updateService') {
      const [id, patch] = entry.command.args as [string, ServicePatch];
      specs.set(id, { ...specs.get(id)!, ...patch });
    } else if (entry.kind === 'report') {
      const s = entry.report.dispatch.service;
      inFlight.set(s, (inFlight.get(s) ?? 0) - 1);
    } else if (entry.kind === 'dispatch') {
      const d = entry.dispatch;
      const spec = specs.get(d.service)!;
      const prev = last.get(d.service);
      if (prev !== undefined && d.t - prev < spec.intervalMs) {
        out.push(`${d.service}: starts at ${prev} and ${d.t} are ${d.t - prev} ms apart < intervalMs ${spec.intervalMs}`);
      }
      last.set(d.service, d.t);
      const n = (inFlight.get(d.service) ?? 0) + 1;
      inFlight.set(d.service, n);
      if (n > spec.concurrency) out.push(`${d.service}: ${n} in flight at ${d.t} > concurrency ${spec.concurrency}`);
    }
  }
  return out;
}

/** Invariant 2: every window in force at a start holds at most `limit` starts, earlier ones included. */
export function windowViolations(trace: Trace, scenario: Scenario): string[] {
  const out: string[] = [];
  const starts = new Map<string, number[]>();
  for (const { d, spec } of dispatchesWithSpec(trace, scenario)) {
    const mine = starts.get(d.service) ?? [];
    mine.push(d.t);
    starts.set(d.service, mine);
    spec.windows.forEach((w, i) => {
      const count = w.kind === 'rolling'
        ? mine.filter((s) => s > d.t - w.periodMs).length
        : mine.filter((s) => fixedPeriodKey(s, w.periodMs, w.timeZone) === fixedPeriodKey(d.t, w.periodMs, w.timeZone)).length;
      if (count > w.limit) {
        const where = w.kind === 'rolling' ? `(${d.t - w.periodMs}, ${d.t}]` : fixedPeriodKey(d.t, w.periodMs, w.kind === 'fixed' ? w.timeZone : undefined);
        out.push(`${d.service}.windows[${i}] (${w.kind} ${w.limit}/${w.periodMs}ms): ${count} starts in ${where}`);
      }
    });
  }
  return out;
}

/**
 * Invariant 5: a user's sub-task only goes through a service the user may use (access in force),
 * and a restricted task only through the services it names.
 */
export function accessViolations(trace: Trace, scenario: Scenario): string[] {
  const owner = new Map(trace.tasks.map((t) => [t.id, t.user]));
  const only = new Map(trace.tasks.map((t) => [t.id, t.services]));
  const out: string[] = [];
  for (const { d, spec } of dispatchesWithSpec(trace, scenario)) {
    if (owner.get(d.task) !== d.user) out.push(`dispatch of ${d.task}/${d.recipient} names user ${d.user}, owner is ${owner.get(d.task)}`);
    const services = only.get(d.task);
    if (services !== undefined && services !== null && !services.includes(d.service)) {
      out.push(`${d.task}/${d.recipient} is restricted to [${services.join(', ')}] but went through ${d.service} at ${d.t}`);
    }
    if (spec.access !== 'all' && !spec.access.includes(d.user)) {
      out.push(`${d.task}/${d.recipient} of ${d.user} went through ${d.service} at ${d.t}; access is [${spec.access.join(', ')}]`);
    }
  }
  return out;
}

export type RecipientFate = 'sent' | 'failed' | 'refunded';

export interface Ledger {
  granted: Map<string, number>;
  consumed: Map<string, number>;
  /** Reserved units the model expects: recipients of accepted tasks that are not yet final. */
  reserved: Map<string, number>;
  /** Fates per `task/recipient`, in the order they happened. */
  fates: Map<string, RecipientFate[]>;
  violations: string[];
}

/**
 * Invariants 3 and 9 from the driver's own bookkeeping. A report closes a recipient when it is
 * `sent`, `rejected`, or `deferred` on the last attempt; cancel refunds what is neither final nor
 * in flight; the ledger counts units the same way for every user.
 */
export function ledger(trace: Trace, scenario: Scenario): Ledger {
  const L: Ledger = { granted: new Map(), consumed: new Map(), reserved: new Map(), fates: new Map(), violations: [] };
  const add = (m: Map<string, number>, k: string, n: number): void => { m.set(k, (m.get(k) ?? 0) + n); };
  for (const u of scenario.users) { L.granted.set(u.id, u.quota); L.consumed.set(u.id, 0); L.reserved.set(u.id, 0); }
  const owner = new Map(trace.tasks.map((t) => [t.id, t.user]));
  const size = new Map(trace.tasks.map((t) => [t.id, t.reserved]));
  const inFlight = new Set<string>();
  const cancelled = new Set<string>();
  const fate = (key: string, f: RecipientFate): void => { L.fates.set(key, [...(L.fates.get(key) ?? []), f]); };
  for (const entry of trace.timeline) {
    if (entry.kind === 'command' && entry.command.ok) {
      const c = entry.command;
      if (c.op === 'grant') { const [u, amount] = c.args as [string, number]; add(L.granted, u, amount); }
      if (c.op === 'createTask') { const spec = c.args as { id: string; user: string }; add(L.reserved, spec.user, size.get(spec.id)!); }
      if (c.op === 'cancelTask') {
        const task = c.args as string;
        const refunded = (c.value as { refunded: number }).refunded;
        cancelled.add(task);
        add(L.reserved, owner.get(task)!, -refunded);
        let open = 0;
        for (let r = 0; r < size.get(task)!; r++) {
          const key = `${task}/${r}`;
          if ((L.fates.get(key) ?? []).length === 0 && !inFlight.has(key)) { open++; fate(key, 'refunded'); }
        }
        if (open !== refunded) L.violations.push(`cancelTask ${task} at ${c.t} refunded ${refunded}, expected ${open} (not final, not in flight)`);
      }
    } else if (entry.kind === 'dispatch') {
      const d = entry.dispatch;
      const key = `${d.task}/${d.recipient}`;
      if (inFlight.has(key)) L.violations.push(`${key} dispatched at ${d.t} while already in flight`);
      if ((L.fates.get(key) ?? []).length > 0) L.violations.push(`${key} dispatched at ${d.t} after it ended as ${L.fates.get(key)!.join(',')}`);
      inFlight.add(key);
    } else if (entry.kind === 'report') {
      const { dispatch: d, outcome, ok, code } = entry.report;
      const key = `${d.task}/${d.recipient}`;
      if (!ok) { L.violations.push(`report of ${key} (${outcome.result}) at ${entry.t} refused: ${code}`); continue; }
      inFlight.delete(key);
      const user = owner.get(d.task)!;
      // After cancel nothing is retried or charged: an unsent outcome is refunded.
      const final = outcome.result === 'sent' ? 'sent'
        : cancelled.has(d.task) ? 'refunded'
          : outcome.result === 'rejected' || (outcome.result === 'deferred' && d.attempt >= RETRY.maxAttempts) ? 'failed' : null;
      if (final === null) continue;
      fate(key, final);
      add(L.reserved, user, -1);
      if (final === 'sent' || (final === 'failed' && scenario.chargeFailures)) add(L.consumed, user, 1);
    }
  }
  for (const ev of trace.events) {
    // Expiry is the engine's own decision; it must refund every recipient of the task.
    if (ev.type === 'task_expired') {
      const e = ev as unknown as { task: string; refunded: number; t: number };
      add(L.reserved, owner.get(e.task)!, -e.refunded);
      for (let r = 0; r < size.get(e.task)!; r++) {
        const key = `${e.task}/${r}`;
        if ((L.fates.get(key) ?? []).length > 0 || inFlight.has(key)) L.violations.push(`${key} expired after it had started`);
        else fate(key, 'refunded');
      }
      if (e.refunded !== size.get(e.task)) L.violations.push(`task ${e.task} expired refunding ${e.refunded} of ${size.get(e.task)}`);
    }
  }
  return L;
}

/** Invariant 9 after a drain: every recipient of every accepted task ended exactly once. */
export function lostOrDoubled(trace: Trace, L: Ledger): string[] {
  const out = [...L.violations];
  for (const t of trace.tasks) {
    for (let r = 0; r < t.reserved; r++) {
      const f = L.fates.get(`${t.id}/${r}`) ?? [];
      if (f.length !== 1) out.push(`${t.id}/${r} ended ${f.length} times (${f.join(',') || 'never'})`);
    }
  }
  return out;
}

/** Fresh recipients of a task start in index order with no gap: pause, resume and errors keep position. */
export function orderViolations(trace: Trace): string[] {
  const next = new Map<string, number>();
  const seen = new Set<string>();
  const out: string[] = [];
  for (const d of trace.dispatches) {
    const key = `${d.task}/${d.recipient}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const expected = next.get(d.task) ?? 0;
    if (d.recipient !== expected) out.push(`${d.task}: fresh recipient ${d.recipient} started at ${d.t}, expected ${expected}`);
    next.set(d.task, Math.max(expected, d.recipient) + 1);
  }
  return out;
}
