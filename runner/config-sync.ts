// Brings the engine in line with the config file at start-up: new users and services are added,
// changed ones updated, services that left the file disabled (their history stays in the log).
import { accessOf } from './config.ts';
import type { RunnerConfig, ServiceConfig, UserConfig } from './config.ts';
import type { RunnerCore } from './runner-core.ts';

export interface SyncProblem {
  path: string;
  message: string;
}

interface ServiceSpec { intervalMs: number; windows: ServiceConfig['windows']; concurrency: number; access: 'all' | string[] }

/** What the engine is given: access groups are expanded to user ids here (the engine knows no groups). */
function specOf(service: ServiceConfig, users: readonly UserConfig[]): ServiceSpec {
  return { intervalMs: service.intervalMs, windows: service.windows, concurrency: service.concurrency, access: accessOf(service, users) };
}

function sameSpec(stored: string, spec: ServiceSpec): boolean {
  const a = JSON.parse(stored) as Record<string, unknown>;
  const b = spec as unknown as Record<string, unknown>;
  return ['intervalMs', 'windows', 'concurrency', 'access'].every((k) => JSON.stringify(a[k]) === JSON.stringify(b[k]));
}

/** Thrown inside the sync's transaction so that a refused config changes nothing in the database. */
class SyncRefused extends Error {}

/**
 * Returns the engine's refusals (a config the engine will not take), each with its config path. A
 * config with any refusal is not applied at all: the transaction is rolled back (the engine in
 * memory is not, so the caller must not go on with it: the runner refuses to start).
 */
export function syncConfig(core: RunnerCore, config: RunnerConfig, notice: (path: string, message: string) => void = () => {}): SyncProblem[] {
  const { db, engine } = core;
  const problems: SyncProblem[] = [];
  const note = (path: string, result: { ok: boolean; error?: { message: string } }): void => {
    if (!result.ok) problems.push({ path, message: result.error?.message ?? 'refused' });
  };
  try {
    core.commit((t) => {
      apply(t);
      if (problems.length > 0) throw new SyncRefused();
    });
  } catch (err) {
    if (!(err instanceof SyncRefused)) throw err;
  }
  return problems;

  function apply(t: number): void {
    const stored = db.prepare('SELECT id, weight, granted FROM users').all() as { id: string; weight: number; granted: number }[];
    const users = new Map(stored.map((u) => [u.id, u.weight]));
    const granted = new Map(stored.map((u) => [u.id, u.granted]));
    config.users.forEach((user, i) => {
      const weight = users.get(user.id);
      // A config quota is what a new user starts with; raising it later changes nothing by itself.
      const had = granted.get(user.id);
      if (had !== undefined && user.quota > had) {
        notice(`users[${i}].quota`, `${user.quota} is more than user ${user.id} was ever granted (${had}), but a config quota only applies to a new user: \`fairsend quota grant ${user.id} N\` adds quota`);
      }
      if (weight === undefined) note(`users[${i}]`, engine.addUser(t, { id: user.id, quota: user.quota, weight: user.weight }));
      else if (weight !== user.weight) note(`users[${i}].weight`, engine.updateUser(t, user.id, { weight: user.weight }));
    });
    const services = new Map((db.prepare('SELECT id, spec, state FROM services').all() as { id: string; spec: string; state: string }[]).map((s) => [s.id, s]));
    config.services.forEach((service, i) => {
      const stored = services.get(service.id);
      const spec = specOf(service, config.users);
      if (stored === undefined) note(`services[${i}]`, engine.addService(t, { id: service.id, ...spec }));
      else if (!sameSpec(stored.spec, spec)) note(`services[${i}]`, engine.updateService(t, service.id, spec));
      if (stored !== undefined && stored.state === 'disabled') {
        notice(`services[${i}]`, `service ${service.id} is disabled in the database (removed from the config once, or after too many errors); \`fairsend service resume ${service.id}\` enables it`);
      }
    });
    const inConfig = new Set(config.services.map((s) => s.id));
    for (const [id, stored] of services) {
      if (!inConfig.has(id) && stored.state !== 'disabled') note(`services (${id} removed)`, engine.disableService(t, id));
    }
  }
}
