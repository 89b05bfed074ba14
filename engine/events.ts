// The event log: every decision and state change of the engine, in the order it was made. It is
// the evidence that the invariants held; checkers (sim/checkers) read nothing else.
import type { WindowSpec } from './rate-window.ts';

export type OutcomeResult = 'sent' | 'deferred' | 'rejected' | 'service_error' | 'service_quota_reached';
export type PauseReason = 'operator' | 'error' | 'quota';

export interface ServiceSpecResolved {
  readonly intervalMs: number;
  readonly windows: readonly WindowSpec[];
  readonly concurrency: number;
  readonly access: 'all' | readonly string[];
}

interface At {
  readonly t: number;
}

export type EngineEvent = At &
  (
    | { readonly type: 'service_added'; readonly service: string; readonly spec: ServiceSpecResolved }
    | { readonly type: 'service_updated'; readonly service: string; readonly spec: ServiceSpecResolved }
    | { readonly type: 'service_paused'; readonly service: string; readonly reason: PauseReason; readonly resumeAt: number | null }
    | { readonly type: 'service_resumed'; readonly service: string }
    | { readonly type: 'service_disabled'; readonly service: string; readonly reason: 'operator' | 'error' }
    | { readonly type: 'user_added'; readonly user: string; readonly quota: number; readonly weight: number }
    | { readonly type: 'user_updated'; readonly user: string; readonly weight: number }
    | { readonly type: 'user_suspended'; readonly user: string }
    | { readonly type: 'user_resumed'; readonly user: string }
    | { readonly type: 'quota_granted'; readonly user: string; readonly amount: number; readonly balance: number }
    | {
        readonly type: 'task_created';
        readonly task: string;
        readonly user: string;
        readonly recipients: number;
        readonly reserved: number;
        readonly weight: number;
        readonly startAt: number;
        readonly deadlineAt: number | null;
        /** Present when the task is restricted to these services (sorted ids). */
        readonly services?: readonly string[];
      }
    | { readonly type: 'task_started'; readonly task: string; readonly user: string }
    | { readonly type: 'task_paused'; readonly task: string; readonly user: string }
    | { readonly type: 'task_resumed'; readonly task: string; readonly user: string }
    | { readonly type: 'task_cancelled'; readonly task: string; readonly user: string; readonly refunded: number }
    | { readonly type: 'task_expired'; readonly task: string; readonly user: string; readonly refunded: number }
    | { readonly type: 'task_completed'; readonly task: string; readonly user: string; readonly sent: number; readonly failed: number }
    | { readonly type: 'retry_due'; readonly task: string; readonly user: string; readonly recipient: number }
    | {
        readonly type: 'dispatch';
        readonly service: string;
        readonly user: string;
        readonly task: string;
        readonly recipient: number;
        readonly attempt: number;
      }
    | {
        readonly type: 'outcome';
        readonly service: string;
        readonly user: string;
        readonly task: string;
        readonly recipient: number;
        readonly attempt: number;
        readonly result: OutcomeResult;
        /**
         * How this outcome ends the recipient: 'sent', 'failed', 'refunded' (its task was cancelled
         * while it was in flight), or null when it will be tried again.
         */
        readonly final: 'sent' | 'failed' | 'refunded' | null;
        readonly retryAt?: number;
        readonly detail?: string;
      }
    | {
        /** An in-flight recipient handed back unharmed by the shell (`requeue`); it will be sent again. */
        readonly type: 'requeued';
        readonly service: string;
        readonly user: string;
        readonly task: string;
        readonly recipient: number;
        readonly attempt: number;
      }
    | { readonly type: 'quota_refunded'; readonly user: string; readonly task: string; readonly amount: number }
  );

export type EngineEventType = EngineEvent['type'];
