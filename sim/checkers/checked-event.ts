/**
 * The engine events the checkers read, written from engine/API.md rather than imported from the
 * engine's internals, so that a checker is an independent witness. Any `EngineEvent` is a
 * `CheckedEvent`; a checker narrows on `type` and reads only the fields listed here.
 */

export interface CheckedEvent {
  readonly t: number;
  readonly type: string;
}

export interface WindowSpecEvent {
  readonly kind: 'rolling' | 'fixed';
  readonly limit: number;
  readonly periodMs: number;
  readonly timeZone?: string;
}

export interface ServiceSpecEvent {
  readonly intervalMs: number;
  readonly windows: readonly WindowSpecEvent[];
  readonly concurrency: number;
  readonly access: 'all' | readonly string[];
}

/** `service_added` and `service_updated`. */
export interface ServiceSpecChange extends CheckedEvent {
  readonly service: string;
  readonly spec: ServiceSpecEvent;
}

export interface DispatchEvent extends CheckedEvent {
  readonly type: 'dispatch';
  readonly service: string;
  readonly user: string;
  readonly task: string;
  readonly recipient: number;
  readonly attempt: number;
}

export interface OutcomeEvent extends CheckedEvent {
  readonly type: 'outcome';
  readonly service: string;
  readonly user: string;
  readonly task: string;
  readonly recipient: number;
  readonly attempt: number;
  readonly result: 'sent' | 'deferred' | 'rejected' | 'service_error' | 'service_quota_reached';
  readonly final: 'sent' | 'failed' | null;
}

export interface UserAdded extends CheckedEvent {
  readonly type: 'user_added';
  readonly user: string;
  readonly quota: number;
  readonly weight: number;
}

export interface QuotaGranted extends CheckedEvent {
  readonly type: 'quota_granted';
  readonly user: string;
  readonly amount: number;
  readonly balance: number;
}

export interface TaskCreated extends CheckedEvent {
  readonly type: 'task_created';
  readonly task: string;
  readonly user: string;
  /** Accepted recipients: their indices are 0 … recipients − 1. */
  readonly recipients: number;
  readonly reserved: number;
  readonly startAt: number;
  /** Weight among the user's tasks (default 1). */
  readonly weight?: number;
  /** The only services the task may use, when it is restricted (otherwise all of its user's). */
  readonly services?: readonly string[];
}

/** `task_started`, `task_paused`, `task_resumed`, `retry_due`, `user_*` and similar: ids only. */
export interface TaskEvent extends CheckedEvent {
  readonly task: string;
  readonly user: string;
}

/** `task_cancelled` and `task_expired`. */
export interface TaskEnded extends TaskEvent {
  readonly refunded: number;
}

export interface TaskCompleted extends TaskEvent {
  readonly type: 'task_completed';
  readonly sent: number;
  readonly failed: number;
}

export interface QuotaRefunded extends TaskEvent {
  readonly type: 'quota_refunded';
  readonly amount: number;
}

export interface UserEvent extends CheckedEvent {
  readonly user: string;
  readonly weight?: number;
}
