// The benchmark workloads: plain data, built deterministically from a scale, so that the engine,
// the seed baseline and the floor loop are all measured on exactly the same services, users and
// tasks.

export type ScaleName = 'small' | 'medium' | 'large';
export type AccessLayout = 'all' | 'mixed';

export interface Scale {
  readonly name: ScaleName;
  readonly users: number;
  readonly tasks: number;
  readonly services: number;
  readonly access: AccessLayout;
  // Virtual milliseconds polled per benchmark iteration. Every service has intervalMs 1 and
  // always has eligible work, so one iteration makes exactly services x stepMs decisions.
  readonly stepMs: number;
}

export const SCALES: Readonly<Record<ScaleName, Scale>> = {
  small: { name: 'small', users: 10, tasks: 100, services: 5, access: 'all', stepMs: 200 },
  medium: { name: 'medium', users: 1_000, tasks: 10_000, services: 100, access: 'all', stepMs: 50 },
  large: { name: 'large', users: 10_000, tasks: 100_000, services: 1_000, access: 'mixed', stepMs: 10 },
};

export interface ServiceDef {
  readonly id: string;
  readonly intervalMs: number;
  // 'all', or the indices of the users allowed (ids are `u${index}`).
  readonly access: 'all' | readonly number[];
}
export interface UserDef {
  readonly id: string;
  readonly quota: number;
}
export interface TaskDef {
  readonly id: string;
  readonly userIndex: number;
  readonly recipients: number;
}
export interface Workload {
  readonly scale: Scale;
  readonly services: readonly ServiceDef[];
  readonly users: readonly UserDef[];
  readonly tasks: readonly TaskDef[];
}

// Large enough that no user runs dry during a benchmark (every user stays backlogged), and free
// for a cursor-based queue since tasks use the count form.
export const RECIPIENTS_PER_TASK = 1_000_000;

// Mixed access for the large scale: 10% of services open to everyone, 50% in pools shared by one
// group of users each, 40% dedicated to a single user. Every service always has a backlogged
// eligible user, so the decision count per iteration stays exact.
export const MIXED_LAYOUT = { openShare: 0.1, poolShare: 0.5, groups: 20 } as const;

export function userId(index: number): string {
  return `u${index}`;
}

export function buildWorkload(scale: Scale): Workload {
  const users: UserDef[] = [];
  const tasksPerUser = Math.ceil(scale.tasks / scale.users);
  for (let u = 0; u < scale.users; u += 1) {
    users.push({ id: userId(u), quota: tasksPerUser * RECIPIENTS_PER_TASK });
  }
  const tasks: TaskDef[] = [];
  // Tasks are dealt round-robin over users so every user owns tasks and the counts are exact.
  for (let k = 0; k < scale.tasks; k += 1) {
    tasks.push({ id: `t${k}`, userIndex: k % scale.users, recipients: RECIPIENTS_PER_TASK });
  }
  const services = scale.access === 'all' ? openServices(scale.services) : mixedServices(scale);
  return { scale, services, users, tasks };
}

function openServices(count: number): ServiceDef[] {
  return Array.from({ length: count }, (_, s) => ({ id: `s${s}`, intervalMs: 1, access: 'all' as const }));
}

function mixedServices(scale: Scale): ServiceDef[] {
  const open = Math.round(scale.services * MIXED_LAYOUT.openShare);
  const pooled = Math.round(scale.services * MIXED_LAYOUT.poolShare);
  const dedicated = scale.services - open - pooled;
  const { groups } = MIXED_LAYOUT;
  const members: number[][] = Array.from({ length: groups }, () => []);
  for (let u = 0; u < scale.users; u += 1) members[u % groups]!.push(u);
  const services: ServiceDef[] = [];
  for (let s = 0; s < open; s += 1) services.push({ id: `s${services.length}`, intervalMs: 1, access: 'all' });
  for (let s = 0; s < pooled; s += 1) {
    services.push({ id: `s${services.length}`, intervalMs: 1, access: members[s % groups]! });
  }
  // Dedicated services are spread over the users so that they do not all land in one group.
  const stride = Math.max(1, Math.floor(scale.users / Math.max(1, dedicated)));
  for (let s = 0; s < dedicated; s += 1) {
    services.push({ id: `s${services.length}`, intervalMs: 1, access: [(s * stride) % scale.users] });
  }
  return services;
}

// Users that may use a service, as a predicate over user indices (shared by the baselines).
export function accessPredicate(service: ServiceDef): (userIndex: number) => boolean {
  if (service.access === 'all') return () => true;
  const allowed = new Set(service.access);
  return (u) => allowed.has(u);
}
