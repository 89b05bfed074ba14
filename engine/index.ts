// The engine's public surface. Everything else in engine/ is internal.
export { AssertionError } from './assert.ts';
export { createEngine, Engine } from './engine.ts';
export { restoreEngine } from './snapshot.ts';
export { POLICY_NAMES } from './policy.ts';
export { DEFAULT_RETRY, DEFAULT_SERVICE_PAUSE } from './options.ts';
export { addressProblem, checkRecipients } from './recipients.ts';
export { zonedPeriod, alignedPeriod } from './calendar.ts';
export { MAX_WEIGHT } from './arguments.ts';

export type { Dispatch, Outcome, TaskCreated, TaskView } from './engine.ts';
export type { ServicePatch } from './arguments.ts';
export type { EngineEvent, EngineEventType, OutcomeResult, PauseReason, ServiceSpecResolved } from './events.ts';
export type { EngineOptions, RetryOptions, ServicePauseOptions } from './options.ts';
export type { PolicyName } from './policy.ts';
export type { WindowSpec } from './rate-window.ts';
export type { InvalidRecipient, DuplicateRecipient } from './recipients.ts';
export type { Refusal, RefusalCode, Result } from './result.ts';
export type { ServiceSpec, ServiceState } from './service.ts';
export type { TaskSpec, TaskState } from './task.ts';
export type { UserSpec, UserState } from './user.ts';
export type { EngineSnapshot } from './snapshot.ts';
export type { EngineStatus, ServiceStatus, UserStatus, WindowStatus } from './status.ts';
export type { Period } from './calendar.ts';
