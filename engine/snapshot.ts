// Snapshot to plain JSON and restore. A restored engine makes exactly the decisions the original
// would have made: every key, counter, tie-break sequence and timer is carried over, and the
// queues are rebuilt from the same membership (their internal layout may differ, but every queue
// is ordered by a total order, so its head is the same).
import { AccessGroup, Member } from './access-group.ts';
import { Engine } from './engine.ts';
import type { PauseReason } from './events.ts';
import type { Keys } from './policy.ts';
import type { EngineOptions, ResolvedOptions } from './options.ts';
import type { WindowSpec } from './rate-window.ts';
import { Restriction } from './restriction.ts';
import { Service } from './service.ts';
import type { SlotHeap } from './slot-heap.ts';
import type { ServiceState } from './service.ts';
import { snapshotProblem } from './snapshot-check.ts';
import { StartHistory } from './start-history.ts';
import { ATTEMPT_SLOTS, Task } from './task.ts';
import type { RecipientRef, TaskState } from './task.ts';
import type { Timer } from './timer-queue.ts';
import type { UserState } from './user.ts';
import { User } from './user.ts';

interface TimerSnapshot {
  readonly at: number;
  readonly seq: number;
}

export interface ServiceSnapshot {
  readonly id: string;
  readonly seq: number;
  readonly intervalMs: number;
  readonly windows: readonly WindowSpec[];
  readonly concurrency: number;
  readonly access: 'all' | readonly string[];
  readonly state: ServiceState;
  readonly pauseReason: PauseReason | null;
  readonly resumeAt: number | null;
  readonly resumeTimer: TimerSnapshot | null;
  readonly errorStreak: number;
  readonly inFlight: number;
  readonly lastStartAt: number | null;
  readonly readyAt: number;
  readonly sent: number;
  readonly starts: number;
  readonly history: readonly number[];
  readonly retainMs: number;
  readonly historyCap: number;
  /** Starts dropped from the history and when the latest was (absent in older snapshots: none). */
  readonly historyDropped?: number;
  readonly historyLastDroppedAt?: number | null;
}

export interface UserSnapshot {
  readonly id: string;
  readonly seq: number;
  readonly weight: number;
  readonly state: UserState;
  readonly granted: number;
  readonly balance: number;
  readonly reserved: number;
  readonly consumed: number;
  readonly openTasks: number;
  readonly vtNum: number;
  readonly taskFinishNum: number;
  readonly taskFinishDen: number;
  readonly rrTaskCounter: number;
  readonly eligible: boolean;
}

export interface GroupSnapshot {
  readonly key: string;
  readonly seq: number;
  readonly access: 'all' | readonly string[];
  readonly rrCounter: number;
  readonly finishNum: number;
  readonly finishDen: number;
  readonly services: readonly string[];
  /** Indices of the restrictions its services lie in (absent before restrictions existed). */
  readonly restrictions?: readonly number[];
  /** `eligible` is absent in snapshots from before restrictions: the user's flag then applies. */
  readonly members: readonly { readonly user: string; readonly rrKey: number; readonly eligible?: boolean }[];
}

export interface TaskSnapshot {
  readonly id: string;
  readonly seq: number;
  readonly user: string;
  readonly count: number;
  readonly weight: number;
  readonly createdAt: number;
  readonly startAt: number;
  readonly deadlineAt: number | null;
  /** The services it is restricted to, when it is. */
  readonly services?: readonly string[];
  readonly state: TaskState;
  readonly started: boolean;
  readonly ready: boolean;
  readonly cursor: number;
  readonly returned: readonly RecipientRef[];
  readonly retries: readonly { readonly recipient: number; readonly attempt: number; readonly dueAt: number }[];
  readonly inFlight: readonly { readonly recipient: number; readonly service: string; readonly attempt: number }[];
  readonly sent: number;
  readonly failed: number;
  readonly refunded: number;
  readonly dispatched: number;
  readonly firstDispatchAt: number | null;
  readonly endedAt: number | null;
  readonly vtNum: number;
  readonly rrKey: number;
  readonly startTimer: TimerSnapshot | null;
  readonly deadlineTimer: TimerSnapshot | null;
  readonly retryTimer: TimerSnapshot | null;
}

export interface EngineSnapshot {
  readonly version: 1;
  readonly now: number;
  readonly entitySeq: number;
  readonly timerSeq: number;
  readonly queuedTotal: number;
  readonly inFlightTotal: number;
  readonly options: ResolvedOptions;
  readonly services: readonly ServiceSnapshot[];
  readonly users: readonly UserSnapshot[];
  readonly groups: readonly GroupSnapshot[];
  readonly tasks: readonly TaskSnapshot[];
  /** Registered task restrictions, by index (absent before restrictions existed). */
  readonly restrictions?: readonly (readonly string[])[];
}

const timerOf = (t: Timer | null): TimerSnapshot | null => (t === null ? null : { at: t.at, seq: t.seq });

export function snapshotEngine(e: Engine): EngineSnapshot {
  const flights = new Map<number, { recipient: number; service: string; attempt: number }[]>();
  e.flights.forEach((task, recipient, f) => {
    let list = flights.get(task);
    if (list === undefined) flights.set(task, (list = []));
    list.push({ recipient, service: (e.serviceList[Math.floor(f / ATTEMPT_SLOTS)] as Service).id, attempt: f % ATTEMPT_SLOTS });
  });
  return {
    version: 1,
    now: e.now,
    entitySeq: e.entitySeq,
    timerSeq: e.timers.seqCounter,
    queuedTotal: e.queuedTotal,
    inFlightTotal: e.inFlightTotal,
    options: e.options,
    services: [...e.services.values()].map((s) => ({
      id: s.id,
      seq: s.seq,
      intervalMs: s.intervalMs,
      windows: s.windows,
      concurrency: s.concurrency,
      access: s.access,
      state: s.state,
      pauseReason: s.pauseReason,
      resumeAt: s.resumeAt,
      resumeTimer: timerOf(s.resumeTimer),
      errorStreak: s.errorStreak,
      inFlight: s.inFlight,
      lastStartAt: s.lastStartAt,
      readyAt: s.readyAt,
      sent: s.sent,
      starts: s.starts,
      history: s.history.toArray(),
      retainMs: s.retainMs,
      historyCap: s.historyCap,
      historyDropped: s.history.dropped,
      historyLastDroppedAt: Number.isFinite(s.history.lastDroppedAt) ? s.history.lastDroppedAt : null,
    })),
    users: [...e.users.values()].map((u) => ({
      id: u.id,
      seq: u.seq,
      weight: u.weight,
      state: u.state,
      granted: u.granted,
      balance: u.balance,
      reserved: u.reserved,
      consumed: u.consumed,
      openTasks: u.openTasks,
      vtNum: u.vtNum,
      taskFinishNum: u.taskFinishNum,
      taskFinishDen: u.taskFinishDen,
      rrTaskCounter: u.rrTaskCounter,
      eligible: u.eligible,
    })),
    groups: [...e.groups.values()].map((g) => ({
      key: g.key,
      seq: g.seq,
      access: g.access === 'all' ? 'all' : [...g.access],
      rrCounter: g.rrCounter,
      finishNum: g.finishNum,
      finishDen: g.finishDen,
      services: g.services.map((s) => s.id),
      restrictions: [...g.restrictions].map((r) => r.index).sort((a, b) => a - b),
      members: [...g.members.values()].map((m) => ({ user: m.user.id, rrKey: m.rrKey, eligible: m.eligible })),
    })),
    tasks: [...e.tasks.values()].map((t) => ({
      id: t.id,
      seq: t.seq,
      user: t.user.id,
      ...(t.restriction === null ? {} : { services: t.restriction.ids() }),
      count: t.count,
      weight: t.weight,
      createdAt: t.createdAt,
      startAt: t.startAt,
      deadlineAt: t.deadlineAt,
      state: t.state,
      started: t.started,
      ready: t.inReady,
      cursor: t.cursor,
      returned: t.returned().map((r) => ({ ...r })),
      retries: t
        .retries()
        .map((r) => ({ recipient: r.recipient, attempt: r.attempt, dueAt: r.dueAt }))
        .sort((a, b) => a.dueAt - b.dueAt || a.recipient - b.recipient),
      inFlight: (flights.get(t.seq) ?? []).sort((a, b) => a.recipient - b.recipient),
      sent: t.sent,
      failed: t.failed,
      refunded: t.refunded,
      dispatched: t.dispatched,
      firstDispatchAt: t.firstDispatchAt,
      endedAt: t.endedAt,
      vtNum: t.vtNum,
      rrKey: t.rrKey,
      startTimer: timerOf(t.startTimer),
      deadlineTimer: timerOf(t.deadlineTimer),
      retryTimer: timerOf(t.retryTimer),
    })),
    restrictions: [...e.restrictions.values()].map((r) => r.ids()),
  };
}

/** Rebuilds an engine from `snapshotEngine` output. `options` may add an event sink. */
export function restoreEngine(snap: EngineSnapshot, options: Pick<EngineOptions, 'onEvent'> = {}): Engine {
  if (typeof snap !== 'object' || snap === null || snap.version !== 1) {
    throw new TypeError('restoreEngine: not a fairsend engine snapshot (version 1)');
  }
  const problem = snapshotProblem(snap);
  if (problem !== null) throw new TypeError(`restoreEngine: the snapshot is inconsistent: ${problem}`);
  const e = new Engine({ ...snap.options, ...(options.onEvent ? { onEvent: options.onEvent } : {}) });
  e.now = snap.now;
  e.entitySeq = snap.entitySeq;
  e.timers.seqCounter = snap.timerSeq;
  e.queuedTotal = snap.queuedTotal;
  e.inFlightTotal = snap.inFlightTotal;
  for (const u of snap.users) {
    const user = new User(u.id, u.seq, u.weight, u.granted);
    Object.assign(user, {
      state: u.state,
      balance: u.balance,
      reserved: u.reserved,
      consumed: u.consumed,
      openTasks: u.openTasks,
      vtNum: u.vtNum,
      taskFinishNum: u.taskFinishNum,
      taskFinishDen: u.taskFinishDen,
      rrTaskCounter: u.rrTaskCounter,
      eligible: u.eligible,
    });
    e.users.set(user.id, user);
  }
  for (const s of snap.services) {
    const service = new Service(s.id, s.seq, s.intervalMs, s.windows, s.concurrency, s.access);
    Object.assign(service, {
      state: s.state,
      pauseReason: s.pauseReason,
      resumeAt: s.resumeAt,
      errorStreak: s.errorStreak,
      inFlight: s.inFlight,
      lastStartAt: s.lastStartAt,
      readyAt: s.readyAt,
      sent: s.sent,
      starts: s.starts,
      history: StartHistory.from(s.history, s.historyDropped ?? 0, s.historyLastDroppedAt ?? null),
      retainMs: s.retainMs,
      historyCap: s.historyCap,
    });
    if (s.resumeTimer) service.resumeTimer = e.timers.restore(s.resumeTimer.at, s.resumeTimer.seq, 'service_resume', s.id);
    e.services.set(service.id, service);
    service.index = e.serviceList.push(service) - 1;
  }
  const restrictions = (snap.restrictions ?? []).map((ids, index) => {
    const r = new Restriction(index, Restriction.keyOf(ids), new Set(ids.map((id) => e.services.get(id) as Service)));
    for (const s of r.services) s.restrictions.add(r);
    e.restrictions.set(r.key, r);
    return r;
  });
  for (const g of snap.groups) {
    const inside = new Set((g.restrictions ?? []).map((i) => restrictions[i] as Restriction));
    // The key is derived again, not read: snapshots of older engines keyed 'all' as '*'.
    const key = AccessGroup.keyOf(g.access, [...inside].map((r) => r.index).sort((a, b) => a - b).join(','));
    const group = new AccessGroup(key, g.seq, g.access === 'all' ? 'all' : new Set(g.access), inside);
    group.rrCounter = g.rrCounter;
    group.finishNum = g.finishNum;
    group.finishDen = g.finishDen;
    group.handle = e.readyGroups.register(group);
    for (const id of g.services) {
      const s = e.services.get(id) as Service;
      group.services.push(s);
      s.group = group;
      s.handle = group.available.register(s);
    }
    for (const m of g.members) {
      const user = e.users.get(m.user) as User;
      const member = new Member(user, group);
      member.rrKey = m.rrKey;
      member.eligible = m.eligible ?? user.eligible;
      group.members.set(user.id, member);
      user.members.push(member);
    }
    e.groups.set(group.key, group);
  }
  for (const t of snap.tasks) {
    const user = e.users.get(t.user) as User;
    const restriction = t.services === undefined ? null : (e.restrictions.get(Restriction.keyOf(t.services)) as Restriction);
    const task = new Task(t.id, t.seq, user, t.count, t.weight, t.createdAt, t.startAt, t.deadlineAt, restriction);
    Object.assign(task, {
      state: t.state,
      started: t.started,
      cursor: t.cursor,
      sent: t.sent,
      failed: t.failed,
      refunded: t.refunded,
      dispatched: t.dispatched,
      firstDispatchAt: t.firstDispatchAt,
      endedAt: t.endedAt,
      vtNum: t.vtNum,
      rrKey: t.rrKey,
    });
    for (const r of t.returned) task.returnToHead({ ...r });
    for (const r of t.retries) task.addRetry({ recipient: r.recipient, attempt: r.attempt, dueAt: r.dueAt });
    for (const f of t.inFlight) e.flights.add(task.seq, f.recipient, (e.services.get(f.service) as Service).index * ATTEMPT_SLOTS + f.attempt);
    task.inFlight = t.inFlight.length;
    if (t.startTimer) task.startTimer = e.timers.restore(t.startTimer.at, t.startTimer.seq, 'task_start', t.id);
    if (t.deadlineTimer) task.deadlineTimer = e.timers.restore(t.deadlineTimer.at, t.deadlineTimer.seq, 'task_deadline', t.id);
    if (t.retryTimer) task.retryTimer = e.timers.restore(t.retryTimer.at, t.retryTimer.seq, 'retry_due', t.id);
    e.tasks.set(task.id, task);
  }
  // Rebuild the queues from the recorded membership, innermost first (a fifo user's keys read its
  // first ready task).
  const keys: Keys = { k1: 0, k2: 0, k3: 0 };
  for (const t of snap.tasks) {
    const task = e.tasks.get(t.id) as Task;
    if (task.ended) {
      if (task.handle >= 0) task.user.ready.release(task.handle);
      task.handle = -1;
      task.links = null;
      continue;
    }
    e.linkTask(task);
    if (!t.ready) continue;
    e.policy.taskKeys(task, keys);
    if (task.links === null) task.user.ready.push(task.handle, keys.k1, keys.k2, keys.k3);
    else for (const l of task.links) (l.member.ready as SlotHeap<Task>).push(l.handle, keys.k1, keys.k2, keys.k3);
    task.inReady = true;
  }
  // Ended tasks in the order they ended, as the original engine lists them.
  e.endedTasks.push(...[...e.tasks.values()].filter((t) => t.ended).sort((a, b) => (a.endedAt as number) - (b.endedAt as number) || a.seq - b.seq));
  for (const u of e.users.values()) {
    for (const m of u.members) {
      if (!m.eligible) continue;
      e.policy.memberKeys(m, keys);
      m.group.eligible.push(m.handle, keys.k1, keys.k2, keys.k3);
    }
  }
  for (const s of e.services.values()) e.refreshService(s);
  return e;
}
