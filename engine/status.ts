// The seed's getStatus (is_running, active_queues, active_services, total_pending_subtasks) plus
// per-service and per-user detail.
import type { Engine } from './engine.ts';
import type { PauseReason } from './events.ts';
import { windowUsage } from './rate-window.ts';
import type { WindowSpec } from './rate-window.ts';
import type { ServiceState } from './service.ts';
import type { UserState } from './user.ts';

export interface WindowStatus {
  readonly kind: WindowSpec['kind'];
  readonly limit: number;
  readonly periodMs: number;
  readonly used: number;
}

export interface ServiceStatus {
  readonly id: string;
  readonly state: ServiceState;
  readonly pauseReason: PauseReason | null;
  readonly pausedUntil: number | null;
  readonly intervalMs: number;
  readonly concurrency: number;
  readonly inFlight: number;
  /** Earliest next start allowed by interval and windows (null unless active). */
  readonly nextSlotAt: number | null;
  readonly windows: readonly WindowStatus[];
  readonly errorStreak: number;
  readonly sent: number;
}

export interface UserStatus {
  readonly id: string;
  readonly state: UserState;
  readonly weight: number;
  readonly granted: number;
  readonly balance: number;
  readonly reserved: number;
  readonly consumed: number;
  /** Recipients not yet final, in flight included. */
  readonly pending: number;
  readonly activeTasks: number;
}

export interface EngineStatus {
  readonly is_running: boolean;
  /** Tasks not yet completed, cancelled or expired (the seed's in-memory queues). */
  readonly active_queues: number;
  readonly active_services: number;
  /** Recipients waiting to be sent (queued, deferred or returned; not in flight). */
  readonly total_pending_subtasks: number;
  readonly in_flight: number;
  readonly services: readonly ServiceStatus[];
  readonly users: readonly UserStatus[];
}

export function engineStatus(e: Engine): EngineStatus {
  const now = e.clock;
  let activeQueues = 0;
  for (const u of e.users.values()) activeQueues += u.openTasks;
  const services: ServiceStatus[] = [];
  let activeServices = 0;
  for (const s of e.services.values()) {
    if (s.state === 'active') activeServices++;
    services.push({
      id: s.id,
      state: s.state,
      pauseReason: s.pauseReason,
      pausedUntil: s.resumeAt,
      intervalMs: s.intervalMs,
      concurrency: s.concurrency,
      inFlight: s.inFlight,
      nextSlotAt: s.state === 'active' ? Math.max(now, s.readyAt) : null,
      windows: s.windows.map((w) => ({ kind: w.kind, limit: w.limit, periodMs: w.periodMs, used: windowUsage(w, s.history, now) })),
      errorStreak: s.errorStreak,
      sent: s.sent,
    });
  }
  const users: UserStatus[] = [...e.users.values()].map((u) => ({
    id: u.id,
    state: u.state,
    weight: u.weight,
    granted: u.granted,
    balance: u.balance,
    reserved: u.reserved,
    consumed: u.consumed,
    pending: u.reserved,
    activeTasks: u.openTasks,
  }));
  return {
    is_running: e.nextWakeAt() !== null || e.inFlightTotal > 0,
    active_queues: activeQueues,
    active_services: activeServices,
    total_pending_subtasks: e.queuedTotal,
    in_flight: e.inFlightTotal,
    services,
    users,
  };
}
