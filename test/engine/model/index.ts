export { ReferenceModel } from './reference-model.ts';
export { AdvanceCommand, CreateCommand, GrantCommand, ServiceCommand, SnapshotCommand, TaskCommand, UpdateServiceCommand, UserCommand, checkLedger, commandArbs, createReal } from './commands.ts';
export type { Expect, ModelService, ModelTask, ModelUser, Pending } from './reference-model.ts';
export type { Model, Real } from './commands.ts';
